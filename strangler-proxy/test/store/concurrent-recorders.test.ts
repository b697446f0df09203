/**
 * Four proxies writing to one PostgreSQL store at once, each as fast as it can record and flush, into
 * the same routes and minutes: every record is stored, none is lost or counted twice, in the minutes
 * and in the hour and day tiers alike.
 */
import { describe, expect, it } from 'vitest';
import { createKnexStore } from '../../src/store/knex-store.ts';
import { createBatchingRecorder } from '../../src/store/batching-recorder.ts';
import type { FlushResult } from '../../src/store/types.ts';
import { comparison, verdict } from './fixtures.ts';
import { postgresUnreachable, throwawaySchema } from '../support/shared-postgres.ts';

const unreachable = await postgresUnreachable();
const PROXIES = 4;
const ROUNDS = 40;
const ROUTES = ['orders', 'catalog', 'users', 'payments', 'search'];
const MINUTES = 6;
const START = Date.UTC(2026, 11, 1, 12, 0, 0);

describe.skipIf(unreachable !== null)('four recorders writing to one PostgreSQL store', () => {
  it('loses no record', { timeout: 120_000 }, async () => {
    const schema = throwawaySchema('concurrent');
    const stores = await Promise.all(
      Array.from({ length: PROXIES }, () => createKnexStore({ url: schema.url })),
    );
    const flushes: FlushResult[] = [];
    try {
      const recorders = stores.map((store) => {
        const recorder = createBatchingRecorder(store, { flushInterval: 60_000 });
        recorder.onFlush((result) => flushes.push(result));
        return recorder;
      });
      await Promise.all(
        recorders.map(async (recorder, proxy) => {
          for (let round = 0; round < ROUNDS; round++) {
            for (const routeId of ROUTES)
              for (let minute = 0; minute < MINUTES; minute++) {
                const at = START + minute * 60_000 + proxy;
                recorder.recordComparison(comparison({ routeId, at, verdict: verdict('match') }));
                recorder.recordServed({
                  routeId,
                  stage: 'shadow',
                  side: 'legacy',
                  status: 200,
                  latencyMs: 5 + round,
                  fellBack: false,
                  at,
                });
              }
            await recorder.flush();
          }
        }),
      );
      await Promise.all(recorders.map((recorder) => recorder.close()));

      expect(flushes.every((result) => result.ok && result.dropped === 0)).toBe(true);
      const expected = PROXIES * ROUNDS * MINUTES;
      const compared = await stores[0]!.comparisons();
      expect(compared.map((row) => [row.routeId, row.compared])).toEqual(
        [...ROUTES].sort().map((routeId) => [routeId, expected]),
      );
      // Every resolution holds the same counts: the minutes (a window inside one hour), the hours and
      // the day (an unbounded window reads whole days).
      const byMinute = await stores[0]!.comparisons({ since: START, until: START + MINUTES * 60_000 });
      const byHour = await stores[0]!.comparisons({ since: START, until: START + 60 * 60_000 });
      expect(byMinute).toEqual(compared);
      expect(byHour).toEqual(compared);
      const served = await stores[0]!.served();
      expect(served.map((row) => row.requests)).toEqual(ROUTES.map(() => expected));
      const latency = await stores[0]!.latency();
      const servedLatency = latency.filter((row) => row.source === 'served');
      expect(servedLatency.reduce((sum, row) => sum + row.count, 0)).toBe(expected * ROUTES.length);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
      await schema.drop();
    }
  });
});
