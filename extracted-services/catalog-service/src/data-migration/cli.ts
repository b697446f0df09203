/**
 * `migrate-data --from <monolith db> --to <catalog db>`: a thin layer over {@link migrateCatalogData}.
 * Returns the exit code; only the entry point (`src/migrate-data.ts`) sets it on the process.
 */
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { migrateDatabase, openDatabase } from '../db/open-database.ts';
import { DEFAULT_DB_FILE, DEFAULT_MONOLITH_DB_FILE } from '../settings.ts';
import { formatReport } from './format-report.ts';
import { DataMigrationError, migrateCatalogData } from './migrate-catalog-data.ts';

export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** Relative paths are taken from here (npm runs workspace scripts elsewhere; it passes INIT_CWD). */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

const USAGE = `usage: migrate-data [--from <monolith db>] [--to <catalog db>]
  --from  the monolith's SQLite file (default: $MONOLITH_DB_FILE or <repo>/.data/monolith.db)
  --to    the catalog's SQLite file, created if missing (default: $DB_FILE or <repo>/.data/catalog.db)
`;

export async function runMigrateData(argv: readonly string[], io: CliIo): Promise<number> {
  let values: { from?: string | undefined; to?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { from: { type: 'string' }, to: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const from = resolve(io.cwd, values.from ?? io.env.MONOLITH_DB_FILE ?? DEFAULT_MONOLITH_DB_FILE);
  const to = resolve(io.cwd, values.to ?? io.env.DB_FILE ?? DEFAULT_DB_FILE);
  try {
    // SQLite would happily create an empty file and report zero rows copied.
    await access(from);
  } catch {
    io.stderr.write(
      `migrate-data: no monolith database at ${from} (start the monolith once, or pass --from)\n`,
    );
    return 1;
  }
  const source = openDatabase(from);
  const target = openDatabase(to);
  try {
    await migrateDatabase(target);
    io.stdout.write(`catalog data migration\n  from ${from}\n  to   ${to}\n\n`);
    io.stdout.write(formatReport(await migrateCatalogData({ source, target })));
    return 0;
  } catch (error) {
    if (!(error instanceof DataMigrationError)) throw error;
    io.stderr.write(`migrate-data: ${error.code}: ${error.message}\n`);
    return 1;
  } finally {
    await Promise.all([source.destroy(), target.destroy()]);
  }
}
