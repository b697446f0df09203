/**
 * A store written before the hour and day tiers (migration 0010) reads the same evidence after it: the
 * tiers are filled from the minutes and from hours a roll-up merged in place, on SQLite and PostgreSQL.
 * The in-memory store, fed the same rows, is the reference.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import knexFactory, { type Knex } from 'knex';
import { createKnexStore } from '../../src/store/knex-store.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { MIGRATIONS, migrationSource } from '../../src/store/migrations/index.ts';
import { MIGRATIONS_TABLE, TABLES } from '../../src/store/knex-tables.ts';
import { BUCKET_MS, HOUR_MS, type ResultBatch, type ResultStore } from '../../src/store/result-store.ts';
import { DAY_MS } from '../../src/store/tiers.ts';
import { batch } from './fixtures.ts';
import { postgresUnreachable, postgresUrl, throwawaySchema } from '../support/shared-postgres.ts';

const DAY0 = Date.UTC(2026, 10, 20);

/** Minutes over three days, and the first day's hours as a roll-up left them (one row at each :00). */
function evidence(): ResultBatch {
  const minutes = Array.from({ length: 70 }, (_, i) => DAY0 + DAY_MS + i * 61 * BUCKET_MS);
  const hours = Array.from({ length: 24 }, (_, i) => DAY0 + i * HOUR_MS);
  const buckets = [...hours, ...minutes];
  return batch({
    comparisons: buckets.map((bucket, i) => ({
      routeId: i % 3 === 0 ? 'catalog' : 'orders',
      bucket,
      revision: i < 50 ? 'r1' : 'r2',
      compared: 10 + (i % 7),
      matched: 8,
      mismatched: 1 + (i % 2),
      errors: 1,
      legacyErrors: 1,
      serviceErrors: 0,
    })),
    latency: buckets.map((bucket, i) => ({
      routeId: 'orders',
      bucket,
      source: 'shadow' as const,
      side: 'service' as const,
      bin: 30 + (i % 4),
      count: 1 + (i % 5),
    })),
    signatures: buckets.map((bucket, i) => ({
      routeId: 'orders',
      bucket,
      signature: `s${i % 2}`,
      shapes: `value $.f${i % 2}`,
      count: 1,
    })),
    unmatched: buckets.map((bucket, i) => ({ bucket, method: 'GET', template: `/t${i % 3}`, count: 2 })),
  });
}

/** The rows of `evidence()` as the tables held them at migration 0009. */
async function insertAsBefore(db: Knex, written: ResultBatch): Promise<void> {
  await db(TABLES.comparisons).insert(
    written.comparisons.map((row) => ({
      route_id: row.routeId,
      bucket: row.bucket,
      revision: row.revision,
      compared: row.compared,
      matched: row.matched,
      mismatched: row.mismatched,
      errors: row.errors,
      legacy_errors: row.legacyErrors,
      service_errors: row.serviceErrors,
    })),
  );
  await db(TABLES.latency).insert(
    written.latency.map((row) => ({
      route_id: row.routeId,
      bucket: row.bucket,
      source: row.source,
      side: row.side,
      scheme: 'relative_1pct',
      bin: row.bin,
      count: row.count,
    })),
  );
  await db(TABLES.signatures).insert(
    written.signatures.map((row) => ({
      route_id: row.routeId,
      bucket: row.bucket,
      signature: row.signature,
      shapes: row.shapes,
      count: row.count,
    })),
  );
  await db(TABLES.unmatched).insert(
    written.unmatched.map((row) => ({
      bucket: row.bucket,
      method: row.method,
      template: row.template,
      count: row.count,
    })),
  );
}

/** What a report reads, over windows aligned to days, hours and neither. */
async function reads(store: ResultStore): Promise<unknown> {
  const windows = [
    {},
    { since: DAY0, until: DAY0 + 3 * DAY_MS },
    { since: DAY0 + 5 * HOUR_MS, until: DAY0 + 2 * DAY_MS + 7 * HOUR_MS },
    { since: DAY0 + DAY_MS + 17 * BUCKET_MS, until: DAY0 + DAY_MS + 30 * HOUR_MS + 5 * BUCKET_MS },
  ];
  const out: unknown[] = [];
  for (const window of windows) {
    out.push(
      await store.comparisons(window),
      await store.comparisons({ ...window, revision: 'r2' }),
      await store.timeline({ ...window, step: HOUR_MS }),
      await store.timeline({ ...window, step: DAY_MS }),
      await store.timeline({ ...window, step: 10 * BUCKET_MS }),
      await store.latency(window),
      await store.signatures(window),
      await store.unmatched(window),
    );
  }
  return out;
}

function describeMigration(
  name: string,
  open: () => Promise<{ db: Knex; url: string; done: () => Promise<void> }>,
) {
  describe(`tiers filled on migration, ${name}`, { timeout: 60_000 }, () => {
    it('reads what it read before the tiers existed, and adds later writes to every tier', async () => {
      const { db, url, done } = await open();
      try {
        const before = MIGRATIONS.slice(
          0,
          MIGRATIONS.findIndex((m) => m.name.startsWith('0010')),
        );
        await db.migrate.latest({
          tableName: MIGRATIONS_TABLE,
          migrationSource: { ...migrationSource, getMigrations: () => Promise.resolve(before) },
        });
        await insertAsBefore(db, evidence());
        const reference = createMemoryStore();
        await reference.write(evidence());

        const store = await createKnexStore({ url });
        try {
          expect(await reads(store)).toEqual(await reads(reference));
          const later = batch({
            comparisons: [0, 1, 2].map((n) => ({
              routeId: 'orders',
              bucket: DAY0 + DAY_MS + 5 * HOUR_MS + n * BUCKET_MS,
              revision: 'r2',
              compared: 3,
              matched: 3,
              mismatched: 0,
              errors: 0,
              legacyErrors: 0,
              serviceErrors: 0,
            })),
          });
          await store.write(later);
          await reference.write(later);
          expect(await reads(store)).toEqual(await reads(reference));
        } finally {
          await store.close();
        }
      } finally {
        await done();
      }
    });
  });
}

describeMigration('SQLite', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'strangler-tiers-'));
  const filename = path.join(dir, 'results.db');
  const db = knexFactory({ client: 'sqlite3', connection: { filename }, useNullAsDefault: true });
  return {
    db,
    url: `sqlite:${filename}`,
    async done() {
      await db.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

const unreachable = await postgresUnreachable();
if (unreachable === null) {
  describeMigration('PostgreSQL', async () => {
    const schema = throwawaySchema('tiers');
    const db = knexFactory({ client: 'pg', connection: postgresUrl, searchPath: [schema.schema] });
    await db.raw('CREATE SCHEMA ??', [schema.schema]);
    return {
      db,
      url: schema.url,
      async done() {
        await db.destroy();
        await schema.drop();
      },
    };
  });
} else {
  describe.skip(`tiers filled on migration, PostgreSQL: no server (${unreachable})`, () => undefined);
}
