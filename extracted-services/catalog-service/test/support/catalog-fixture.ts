/**
 * A seeded monolith database and a catalog database filled from it by the real data migration, both in
 * memory. The monolith's own code builds its database: the catalog is tested against the real thing.
 */
import type { Express } from 'express';
import type { Knex } from 'knex';
import { createApp } from '../../src/app.ts';
import { migrateCatalogData, type MigrationReport } from '../../src/data-migration/migrate-catalog-data.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { createApp as createMonolithApp } from '../../../../legacy-monolith/src/app.ts';
import {
  migrateDatabase as migrateMonolith,
  openDatabase as openMonolith,
} from '../../../../legacy-monolith/src/db/open-database.ts';
import { seedDatabase } from '../../../../legacy-monolith/src/seed/seed-database.ts';

export interface CatalogFixture {
  readonly monolithDb: Knex;
  readonly catalogDb: Knex;
  readonly catalog: Express;
  readonly report: MigrationReport;
  close(): Promise<void>;
}

/** A migrated and seeded monolith database (in memory unless `filename` is given). */
export async function createMonolithDb(filename = ':memory:'): Promise<Knex> {
  const db = openMonolith(filename);
  await migrateMonolith(db);
  await seedDatabase(db);
  return db;
}

export { createMonolithApp };

export async function createCatalogFixture(): Promise<CatalogFixture> {
  const monolithDb = await createMonolithDb();
  const catalogDb = openDatabase(':memory:');
  const report = await migrateCatalogData({ source: monolithDb, target: catalogDb });
  return {
    monolithDb,
    catalogDb,
    catalog: createApp({ db: catalogDb }),
    report,
    close: async () => {
      await Promise.all([monolithDb.destroy(), catalogDb.destroy()]);
    },
  };
}

export async function countRows(query: Knex.QueryBuilder): Promise<number> {
  const [row] = await query.count<Array<{ n: number }>>('* as n');
  return row?.n ?? 0;
}

/** A supertest body, typed by the test's expectation (checked by the assertions that follow). */
export function bodyOf<T>(response: { body: unknown }): T {
  return response.body as T;
}

export interface ListBody<T> {
  readonly items: T[];
  readonly total: number;
  readonly total_pages: number;
}
