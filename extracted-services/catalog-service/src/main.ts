/**
 * Entry point: read settings, open and migrate the database, copy the catalog from the monolith on the
 * first start (when the catalog is empty), listen, stop cleanly on SIGTERM/SIGINT.
 */
import { access, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { closeOnSignals, createLogger, serve, type RunningServer } from 'service-kit';
import { createApp } from './app.ts';
import { migrateCatalogData } from './data-migration/migrate-catalog-data.ts';
import { migrateDatabase, openDatabase } from './db/open-database.ts';
import { readSettings } from './settings.ts';

const settings = readSettings(process.env);
const logger = createLogger({ name: 'catalog-service', level: settings.logLevel });

if (settings.dbFile !== ':memory:') await mkdir(dirname(settings.dbFile), { recursive: true });
const db = openDatabase(settings.dbFile);
let running: RunningServer | undefined;
// Registered before anything slow, so a SIGTERM during start-up still ends in an orderly stop.
closeOnSignals({ logger, steps: [() => running?.close() ?? Promise.resolve(), () => db.destroy()] });

try {
  await migrateDatabase(db);
  const [row] = await db('products').count<Array<{ n: number }>>('* as n');
  if ((row?.n ?? 0) === 0) {
    try {
      await access(settings.monolithDbFile);
    } catch {
      throw new Error(
        `the catalog is empty and there is no monolith database at ${settings.monolithDbFile} to copy it from: ` +
          'start the monolith first or set MONOLITH_DB_FILE',
      );
    }
    const source = openDatabase(settings.monolithDbFile);
    try {
      const report = await migrateCatalogData({ source, target: db });
      logger.info(
        { from: settings.monolithDbFile, tables: report.tables, duration_ms: report.durationMs },
        'catalog data copied from the monolith',
      );
    } finally {
      await source.destroy();
    }
  }
  running = await serve(createApp({ db, logger }), { port: settings.port, host: settings.host });
  logger.info({ url: running.url, port: running.port }, 'listening');
} catch (error) {
  logger.fatal({ err: error }, 'start-up failed');
  process.exitCode = 1;
  await running?.close();
  await db.destroy();
}
