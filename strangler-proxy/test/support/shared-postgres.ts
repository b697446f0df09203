/**
 * The machine's PostgreSQL server for tests that need one (default postgres://postgres@127.0.0.1:5432/test,
 * or STRANGLER_TEST_POSTGRES_URL), each test in a schema of its own dropped afterwards. Without a server
 * such tests skip, except where STRANGLER_REQUIRE_POSTGRES=1 makes that a failure.
 */
import { randomBytes } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';

export const postgresUrl =
  process.env.STRANGLER_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Why no test server answers, or null when one does. */
export async function postgresUnreachable(): Promise<string | null> {
  const db = adminConnection();
  try {
    await db.raw('select 1');
    return null;
  } catch (error) {
    if (process.env.STRANGLER_REQUIRE_POSTGRES === '1') throw error;
    return error instanceof Error ? error.message : String(error);
  } finally {
    await db.destroy();
  }
}

/** A fresh schema's store URL and a way to drop it. */
export function throwawaySchema(label: string): { url: string; schema: string; drop(): Promise<void> } {
  const schema = `strangler_${label}_${process.pid}_${randomBytes(3).toString('hex')}`;
  return {
    schema,
    url: `${postgresUrl}?schema=${schema}`,
    async drop() {
      const db = adminConnection();
      try {
        await db.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
      } finally {
        await db.destroy();
      }
    },
  };
}

/** A connection to the test server outside any store, for what a test does behind the proxy's back. */
export function adminConnection(): Knex {
  return knexFactory({
    client: 'pg',
    connection: { connectionString: postgresUrl, connectionTimeoutMillis: 2_000 },
    pool: { min: 0, max: 1 },
    acquireConnectionTimeout: 3_000,
  });
}
