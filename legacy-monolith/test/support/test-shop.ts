/** A seeded shop on an in-memory database, for tests that talk to it over HTTP with supertest. */
import type { Express } from 'express';
import type { Knex } from 'knex';
import { createApp } from '../../src/app.ts';
import { migrateDatabase, openDatabase } from '../../src/db/open-database.ts';
import { seedDatabase } from '../../src/seed/seed-database.ts';

export { DEMO_CUSTOMER, DEMO_TOKEN, seededPassword } from '../../src/seed/generate-seed.ts';

export interface TestShop {
  readonly app: Express;
  readonly db: Knex;
  /** Moves the clock the app stamps orders and sessions with. */
  setNow(date: Date): void;
  close(): Promise<void>;
}

export async function createTestShop(): Promise<TestShop> {
  const db = openDatabase(':memory:');
  await migrateDatabase(db);
  await seedDatabase(db);
  let now = new Date('2024-10-01T12:00:00Z');
  const app = createApp({ db, clock: () => now });
  return {
    app,
    db,
    setNow: (date) => {
      now = date;
    },
    close: () => db.destroy(),
  };
}

/** `Authorization` header value for a token. */
export const bearer = (token: string): string => `Bearer ${token}`;

/** Rows matching a query. */
export async function countRows(query: Knex.QueryBuilder): Promise<number> {
  const [row] = await query.count<Array<{ n: number }>>('* as n');
  return row?.n ?? 0;
}

/** The parts of API bodies the tests read. */
export interface ListBody<T> {
  readonly items: T[];
  readonly total: number;
  readonly total_pages: number;
}
export interface ProductBody {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly price: string;
  readonly created_at: string;
  readonly category_name: string;
}

/** A supertest body, typed by the test's expectation (checked by the assertions that follow). */
export function bodyOf<T>(response: { body: unknown }): T {
  return response.body as T;
}
