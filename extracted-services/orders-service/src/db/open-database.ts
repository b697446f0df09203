/** orders-service's own SQLite database (database per service): its migrations, opened and run by service-kit. */
import type { Knex } from 'knex';
import { migrateSqliteDatabase, openSqliteDatabase, type NamedMigration } from 'service-kit';
import { createOrders } from './migrations/001-create-orders.ts';

export const MIGRATIONS: readonly NamedMigration[] = [createOrders];

/** Opens (creating if needed) the service's SQLite database; `:memory:` for tests. */
export function openDatabase(filename: string): Knex {
  return openSqliteDatabase(filename);
}

export async function migrateDatabase(db: Knex): Promise<void> {
  await migrateSqliteDatabase(db, MIGRATIONS);
}
