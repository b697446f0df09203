/**
 * The shop's one database: SQLite through knex. Migrations are listed in code (not read from a folder) so
 * they run the same under Node's type stripping, in tests and in production.
 */
import knexFactory, { type Knex } from 'knex';
import type { NamedMigration } from './migration.ts';
import { createCatalog } from './migrations/001-create-catalog.ts';
import { createCustomers } from './migrations/002-create-customers.ts';
import { createReviews } from './migrations/003-create-reviews.ts';
import { createOrders } from './migrations/004-create-orders.ts';
import { createInventory } from './migrations/005-create-inventory.ts';

export const MIGRATIONS: readonly NamedMigration[] = [
  createCatalog,
  createCustomers,
  createReviews,
  createOrders,
  createInventory,
];

const migrationSource: Knex.MigrationSource<NamedMigration> = {
  getMigrations: () => Promise.resolve([...MIGRATIONS]),
  getMigrationName: (migration) => migration.name,
  getMigration: (migration) => Promise.resolve(migration),
};

interface RawSqlite {
  exec(sql: string, callback: (error: Error | null) => void): void;
}

/** Opens (creating if needed) the database at `filename`; `:memory:` for tests. */
export function openDatabase(filename: string): Knex {
  return knexFactory({
    client: 'sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    // One connection: SQLite serialises writes anyway, and an in-memory database lives in its connection.
    pool: {
      min: 1,
      max: 1,
      afterCreate(connection: RawSqlite, done: (error: Error | null, connection: RawSqlite) => void) {
        // WAL lets the catalog's data migration read while the shop keeps writing.
        connection.exec(
          'PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL;',
          (error) => done(error, connection),
        );
      },
    },
  });
}

/** Brings the schema up to date. */
export async function migrateDatabase(db: Knex): Promise<void> {
  await db.migrate.latest({ migrationSource });
}
