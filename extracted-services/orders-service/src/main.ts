/** Entry point: read settings, open and migrate the database, listen, stop cleanly on SIGTERM/SIGINT. */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { closeOnSignals, createLogger, serve, type RunningServer } from 'service-kit';
import { createApp } from './app.ts';
import { migrateDatabase, openDatabase } from './db/open-database.ts';
import { readSettings } from './settings.ts';

const settings = readSettings(process.env);
const logger = createLogger({ name: 'orders-service', level: settings.logLevel });

if (settings.dbFile !== ':memory:') await mkdir(dirname(settings.dbFile), { recursive: true });
const db = openDatabase(settings.dbFile);
let running: RunningServer | undefined;
// Registered before anything slow, so a SIGTERM during start-up still ends in an orderly stop.
closeOnSignals({ logger, steps: [() => running?.close() ?? Promise.resolve(), () => db.destroy()] });

try {
  await migrateDatabase(db);
  const app = createApp({
    db,
    logger,
    catalogUrl: settings.catalogUrl,
    legacyUrl: settings.legacyUrl,
    upstreamTimeoutMs: settings.upstreamTimeoutMs,
    ...(settings.tokenSecret === '' ? {} : { tokenSecret: settings.tokenSecret }),
  });
  running = await serve(app, { port: settings.port, host: settings.host });
  logger.info(
    {
      url: running.url,
      port: running.port,
      catalog_url: settings.catalogUrl,
      legacy_url: settings.legacyUrl,
      tokens: settings.tokenSecret === '' ? 'checked by the monolith' : 'its own key',
    },
    'listening',
  );
} catch (error) {
  logger.fatal({ err: error }, 'start-up failed');
  process.exitCode = 1;
  await running?.close();
  await db.destroy();
}
