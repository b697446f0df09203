/**
 * Minutes rolled up into hours change no figure a report reads over whole hours, on SQLite and on
 * PostgreSQL; each run is bounded; hours past the policy are removed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createKnexStore } from '../../src/store/knex-store.ts';
import { buildReport } from '../../src/report/build-report.ts';
import {
  BUCKET_MS,
  HOUR_MS,
  type ResultBatch,
  type ResultStore,
  type RollUpPolicy,
} from '../../src/store/result-store.ts';
import { batch } from './fixtures.ts';
import { postgresUnreachable, throwawaySchema } from '../support/shared-postgres.ts';

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const DAYS = 3;
const START = NOW - DAYS * 24 * HOUR_MS;
const ROUTES = ['orders', 'catalog', 'users'];

/** Three days of minutes for three routes, every table, with counts that differ minute to minute. */
function minutes(): ResultBatch[] {
  const parts = minuteBatches();
  // Written a few hours per batch: one transaction per minute would make the test slow for nothing.
  const joined: ResultBatch[] = [];
  for (let i = 0; i < parts.length; i += 60) {
    const slice = parts.slice(i, i + 60);
    const keys = Object.keys(slice[0]!) as (keyof ResultBatch)[];
    joined.push(
      Object.fromEntries(
        keys.map((key) => [key, slice.flatMap((part): readonly unknown[] => part[key])]),
      ) as never,
    );
  }
  return joined;
}

function minuteBatches(): ResultBatch[] {
  const batches: ResultBatch[] = [];
  for (let bucket = START; bucket < NOW; bucket += 7 * BUCKET_MS) {
    const n = (bucket / BUCKET_MS) % 13;
    batches.push(
      batch({
        comparisons: ROUTES.map((routeId, i) => ({
          routeId,
          bucket,
          revision: i === 0 && bucket > START + DAYS * 12 * HOUR_MS ? 'r2' : 'r1',
          compared: n + 3,
          matched: n + 1,
          mismatched: 1,
          errors: 1,
          legacyErrors: 1,
          serviceErrors: 0,
        })),
        latency: ROUTES.flatMap((routeId) =>
          (['legacy', 'service'] as const).map((side) => ({
            routeId,
            bucket,
            source: 'shadow' as const,
            side,
            bin: 20 + (n % 5) + (side === 'service' ? 2 : 0),
            count: n + 3,
          })),
        ),
        diffs: ROUTES.map((routeId) => ({
          routeId,
          bucket,
          revision: 'r1',
          path: n % 2 ? '$.total' : '$.items[*].id',
          kind: 'value' as const,
          count: 1,
        })),
        signatures: ROUTES.map((routeId) => ({
          routeId,
          bucket,
          signature: `sig-${n % 3}`,
          shapes: `value $.total`,
          count: 1,
        })),
        skips: ROUTES.map((routeId) => ({ routeId, bucket, reason: 'sampled_out' as const, count: n })),
        served: ROUTES.map((routeId) => ({
          routeId,
          bucket,
          revision: 'r1',
          side: 'legacy' as const,
          requests: n + 10,
          errors: n % 2,
          fallbacks: 0,
        })),
        unmatched: [{ bucket, method: 'GET', template: '/legacy/:id', count: n + 1 }],
        routes: ROUTES.map((routeId) => ({ routeId, stage: 'shadow' as const, lastSeen: bucket })),
      }),
    );
  }
  return batches;
}

const POLICY: RollUpPolicy = { minutesFor: 24 * HOUR_MS, hoursFor: 90 * 24 * HOUR_MS, hoursPerRun: 24 };

async function rollUpAll(store: ResultStore, policy: RollUpPolicy = POLICY): Promise<number> {
  let runs = 0;
  for (;;) {
    runs += 1;
    const result = await store.rollUp!(policy, NOW);
    if (!result.more) return runs;
  }
}

const report = (store: ResultStore) =>
  buildReport(store, { now: NOW, since: START, until: NOW }).then((built) => JSON.stringify(built));

interface Opened {
  readonly store: ResultStore;
  readonly cleanup: () => Promise<void>;
}

function describeRollUp(name: string, open: () => Promise<Opened>) {
  describe(`roll-up on ${name}`, { timeout: 60_000 }, () => {
    let cleanup: (() => Promise<void>) | undefined;
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });
    const filled = async () => {
      const opened = await open();
      cleanup = opened.cleanup;
      for (const part of minutes()) await opened.store.write(part);
      return opened.store;
    };

    it('gives the same report before and after minutes are merged into hours', async () => {
      const store = await filled();
      const before = await report(store);
      const beforeRows = (await store.timeline({ since: START, until: NOW, step: BUCKET_MS })).length;
      const runs = await rollUpAll(store);
      expect(runs).toBeGreaterThan(1); // two days of hours do not fit in one bounded run
      expect(await report(store)).toBe(before);
      const afterRows = (await store.timeline({ since: START, until: NOW, step: BUCKET_MS })).length;
      expect(afterRows).toBeLessThan(beforeRows);
      // The last day keeps its minutes.
      const lastDay = { since: NOW - 24 * HOUR_MS, until: NOW, step: BUCKET_MS };
      expect((await store.timeline(lastDay)).every((row) => row.at % BUCKET_MS === 0)).toBe(true);
      expect((await store.timeline(lastDay)).some((row) => row.at % HOUR_MS !== 0)).toBe(true);
      // A second pass finds nothing left to do.
      expect(await store.rollUp!(POLICY, NOW)).toEqual({ hoursRolled: 0, rowsRemoved: 0, more: false });
    });

    it('never moves back where minutes stop: a longer period after a shorter one keeps the shorter', async () => {
      const store = await filled();
      const before = await report(store);
      await Promise.all([
        rollUpAll(store, { ...POLICY, minutesFor: 12 * HOUR_MS }),
        rollUpAll(store, POLICY),
      ]);
      await rollUpAll(store, POLICY);
      const between = await store.timeline({
        since: NOW - 24 * HOUR_MS,
        until: NOW - 12 * HOUR_MS,
        step: BUCKET_MS,
      });
      expect(between.length).toBeGreaterThan(0);
      expect(between.every((row) => row.at % HOUR_MS === 0)).toBe(true);
      expect(await report(store)).toBe(before);
    });

    it('removes hours older than the policy keeps, a bounded number per run', async () => {
      const store = await filled();
      const keepTwoDays = { ...POLICY, hoursFor: 60 * HOUR_MS, hoursPerRun: 6 };
      const runs = await rollUpAll(store, keepTwoDays);
      expect(runs).toBeGreaterThan(1);
      const cut = NOW - 60 * HOUR_MS; // the start of a day
      const totals = await store.comparisons();
      expect(totals).toEqual(await store.comparisons({ since: cut }));
      expect(totals.reduce((sum, row) => sum + row.compared, 0)).toBeGreaterThan(0);
      expect(await store.comparisons({ until: cut })).toEqual([]);
      expect(await store.latency({ until: cut })).toEqual([]);
      expect(await store.timeline({ until: cut, step: BUCKET_MS })).toEqual([]);
    });

    it('removes whole days only: a day partly inside the period kept stays', async () => {
      const store = await filled();
      const before = await store.comparisons({ since: NOW - 60 * HOUR_MS });
      await rollUpAll(store, { ...POLICY, hoursFor: 48 * HOUR_MS });
      // 48 hours before noon falls at noon: that whole day is kept, the one before it is gone.
      expect(await store.comparisons()).toEqual(before);
      expect(await store.comparisons({ until: NOW - 60 * HOUR_MS })).toEqual([]);
    });
  });
}

describeRollUp('SQLite', async () => ({
  store: await createKnexStore({ url: 'sqlite::memory:' }),
  cleanup: () => Promise.resolve(),
}));

const unreachable = await postgresUnreachable();
if (unreachable === null) {
  describeRollUp('PostgreSQL', async () => {
    const schema = throwawaySchema('rollup');
    const store = await createKnexStore({ url: schema.url });
    return {
      store,
      async cleanup() {
        await store.close();
        await schema.drop();
      },
    };
  });
} else {
  describe.skip(`roll-up on PostgreSQL: no server (${unreachable})`, () => undefined);
}
