/** orders-service's own SQLite database (database per service). */
import knexFactory, { type Knex } from 'knex';
import type { NamedMigration } from './migration.ts';
import { createOrders } from './migrations/001-create-orders.ts';

export const MIGRATIONS: readonly NamedMigration[] = [createOrders];

const migrationSource: Knex.MigrationSource<NamedMigration> = {
  getMigrations: () => Promise.resolve([...MIGRATIONS]),
  getMigrationName: (migration) => migration.name,
  getMigration: (migration) => Promise.resolve(migration),
};

interface RawSqlite {
  exec(sql: string, callback: (error: Error | null) => void): void;
}

/** Opens (creating if needed) a SQLite database; `:memory:` for tests. */
export function openDatabase(filename: string): Knex {
  return knexFactory({
    client: 'sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate(connection: RawSqlite, done: (error: Error | null, connection: RawSqlite) => void) {
        connection.exec(
          'PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL;',
          (error) => done(error, connection),
        );
      },
    },
  });
}

export async function migrateDatabase(db: Knex): Promise<void> {
  await db.migrate.latest({ migrationSource });
}
