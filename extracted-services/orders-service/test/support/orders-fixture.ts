/**
 * The whole write path, for real: the monolith (seeded, answering token checks) and catalog-service
 * (filled from the monolith by the data migration) listening on 127.0.0.1:0, and orders-service on its own
 * in-memory database pointed at them. catalog-service sits behind a {@link FaultFront} so tests can make it
 * slow or unreachable.
 */
import type { Express } from 'express';
import type { Knex } from 'knex';
import { serve, type RunningServer } from 'service-kit';
import { createApp } from '../../src/app.ts';
import { migrateDatabase, openDatabase } from '../../src/db/open-database.ts';
import { createApp as createCatalogApp } from '../../../catalog-service/src/app.ts';
import { migrateCatalogData } from '../../../catalog-service/src/data-migration/migrate-catalog-data.ts';
import { openDatabase as openCatalogDb } from '../../../catalog-service/src/db/open-database.ts';
import { createApp as createMonolithApp } from '../../../../legacy-monolith/src/app.ts';
import {
  migrateDatabase as migrateMonolith,
  openDatabase as openMonolith,
} from '../../../../legacy-monolith/src/db/open-database.ts';
import { seedDatabase } from '../../../../legacy-monolith/src/seed/seed-database.ts';
import { createFaultFront, type FaultFront } from './fault-front.ts';

export { DEMO_TOKEN, seededPassword } from '../../../../legacy-monolith/src/seed/generate-seed.ts';

export interface OrdersFixture {
  readonly orders: Express;
  readonly ordersDb: Knex;
  readonly monolith: Express;
  readonly monolithDb: Knex;
  readonly monolithServer: RunningServer;
  readonly catalogDb: Knex;
  readonly catalogServer: RunningServer;
  /** Controls what reaches catalog-service. */
  readonly catalogFront: FaultFront;
  close(): Promise<void>;
}

export interface FixtureOptions {
  readonly upstreamTimeoutMs?: number;
}

export const NOW = new Date('2024-10-01T12:00:00Z');

export async function createOrdersFixture(options: FixtureOptions = {}): Promise<OrdersFixture> {
  const monolithDb = openMonolith(':memory:');
  await migrateMonolith(monolithDb);
  await seedDatabase(monolithDb);
  const monolith = createMonolithApp({ db: monolithDb, clock: () => NOW });
  const monolithServer = await serve(monolith, { port: 0, host: '127.0.0.1' });

  const catalogDb = openCatalogDb(':memory:');
  await migrateCatalogData({ source: monolithDb, target: catalogDb });
  const catalogFront = createFaultFront(createCatalogApp({ db: catalogDb }));
  const catalogServer = await serve(catalogFront.handler, { port: 0, host: '127.0.0.1' });

  const ordersDb = openDatabase(':memory:');
  await migrateDatabase(ordersDb);
  const orders = createApp({
    db: ordersDb,
    catalogUrl: catalogServer.url,
    legacyUrl: monolithServer.url,
    upstreamTimeoutMs: options.upstreamTimeoutMs ?? 2_000,
    clock: () => NOW,
  });
  return {
    orders,
    ordersDb,
    monolith,
    monolithDb,
    monolithServer,
    catalogDb,
    catalogServer,
    catalogFront,
    async close() {
      catalogFront.setMode('pass');
      await Promise.all([monolithServer.close(), catalogServer.close()]);
      await Promise.all([monolithDb.destroy(), catalogDb.destroy(), ordersDb.destroy()]);
    },
  };
}

export async function countRows(query: Knex.QueryBuilder): Promise<number> {
  const [row] = await query.count<Array<{ n: number }>>('* as n');
  return row?.n ?? 0;
}

/** Stock on hand at catalog-service (read from its database, bypassing the fault front). */
export async function catalogStock(fixture: OrdersFixture, productId: number): Promise<number> {
  const row = await fixture
    .catalogDb('inventory')
    .where({ product_id: productId })
    .first<{ qty_on_hand: number }>('qty_on_hand');
  return row.qty_on_hand;
}

/** A supertest body, typed by the test's expectation (checked by the assertions that follow). */
export function bodyOf<T>(response: { body: unknown }): T {
  return response.body as T;
}
