/**
 * catalog-service's own SQLite database (database per service): its migrations, opened and run by service-kit.
 */
import type { Knex } from 'knex';
import { migrateSqliteDatabase, openSqliteDatabase, type NamedMigration } from 'service-kit';
import { createCatalog } from './migrations/001-create-catalog.ts';
import { createStockReservations } from './migrations/002-create-stock-reservations.ts';

export const MIGRATIONS: readonly NamedMigration[] = [createCatalog, createStockReservations];

/** Opens (creating if needed) the service's SQLite database; `:memory:` for tests. */
export function openDatabase(filename: string): Knex {
  return openSqliteDatabase(filename);
}

export async function migrateDatabase(db: Knex): Promise<void> {
  await migrateSqliteDatabase(db, MIGRATIONS);
}
