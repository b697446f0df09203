/**
 * Entry point: read settings, open, migrate and (on a fresh database) seed, listen, stop cleanly on
 * SIGTERM/SIGINT. Run with `node legacy-monolith/src/main.ts` or `npm start -w legacy-monolith`.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pino } from 'pino';
import { createApp } from './app.ts';
import { migrateDatabase, openDatabase } from './db/open-database.ts';
import { seedDatabase } from './seed/seed-database.ts';
import { listen, type Listening } from './server.ts';
import { readSettings } from './settings.ts';

const settings = readSettings(process.env);
const logger = pino(
  {
    level: settings.logLevel,
    base: { service: 'legacy-monolith' },
    timestamp: pino.stdTimeFunctions.isoTime,
  },
  pino.destination({ dest: 1, sync: true }),
);

if (settings.dbFile !== ':memory:') await mkdir(dirname(settings.dbFile), { recursive: true });
const db = openDatabase(settings.dbFile);
let listening: Listening | undefined;

// Registered before anything slow: a SIGTERM during start-up must still end in an orderly stop.
let stopping = false;
const stop = (signal: NodeJS.Signals): void => {
  if (stopping) process.exit(1);
  stopping = true;
  logger.info({ signal }, 'shutting down');
  void (async () => {
    try {
      await listening?.close();
      await db.destroy();
      logger.info('stopped');
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exitCode = 1;
    }
  })();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

try {
  await migrateDatabase(db);
  const seeded = await seedDatabase(db, settings.seed);
  if (seeded) logger.info({ db_file: settings.dbFile, seed: settings.seed, rows: seeded }, 'database seeded');
  else logger.info({ db_file: settings.dbFile }, 'database already seeded');
  if (!stopping) {
    listening = await listen(createApp({ db, logger }), settings.port, settings.host);
    logger.info({ url: listening.url, port: Number(new URL(listening.url).port) }, 'listening');
    // A signal that arrived while binding found nothing to close yet.
    if (stopping) await listening.close();
  }
} catch (error) {
  logger.fatal({ err: error }, 'start-up failed');
  process.exitCode = 1;
  process.off('SIGTERM', stop);
  process.off('SIGINT', stop);
  await db.destroy();
}
