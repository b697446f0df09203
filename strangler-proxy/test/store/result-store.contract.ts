/**
 * The contract every {@link ResultStore} implementation passes: the memory store, SQLite (file and
 * `:memory:`) and PostgreSQL run exactly these tests, so the report reads the same answers from each.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUCKET_MS, UNMATCHED_RETENTION_MS, type ResultStore } from '../../src/store/result-store.ts';
import { MAX_ROUTE_ID_LENGTH } from '../../src/config/schema.ts';
import { batch, sample } from './fixtures.ts';

export interface StoreUnderTest {
  readonly store: ResultStore;
  /** Opens a second store on the same data (another proxy), when the implementation can. */
  readonly openAnother?: () => Promise<ResultStore>;
  /** Removes what the test created (files, schemas). Called after `store.close()`. */
  readonly cleanup?: () => Promise<void>;
}

export interface ContractOptions {
  /** The implementation enforces NOT NULL columns (a database): used to prove a failed batch writes nothing. */
  readonly rejectsIncompleteRows?: boolean;
}

const T0 = 1_700_000_040_000 - (1_700_000_040_000 % BUCKET_MS);
const minute = (n: number) => T0 + n * BUCKET_MS;

export function describeResultStoreContract(
  name: string,
  open: () => Promise<StoreUnderTest>,
  options: ContractOptions = {},
): void {
  describe(`ResultStore contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: ResultStore;

    beforeEach(async () => {
      subject = await open();
      store = subject.store;
    });
    afterEach(async () => {
      await store.close();
      await subject.cleanup?.();
    });

    it('starts empty', async () => {
      expect(await store.comparisons()).toEqual([]);
      expect(await store.timeline({ step: BUCKET_MS })).toEqual([]);
      expect(await store.latency()).toEqual([]);
      expect(await store.noiseProbes()).toEqual([]);
      expect(await store.diffs()).toEqual([]);
      expect(await store.signatures()).toEqual([]);
      expect(await store.skips()).toEqual([]);
      expect(await store.served()).toEqual([]);
      expect(await store.noise()).toEqual([]);
      expect(await store.unmatched()).toEqual([]);
      expect(await store.routes()).toEqual([]);
      expect(await store.samples()).toEqual([]);
      expect(await store.events()).toEqual([]);
      expect(await store.decisions()).toEqual([]);
      expect(await store.correlations(10)).toEqual([]);
      expect(await store.sync()).toEqual([]);
      expect(await store.syncExamples()).toEqual([]);
      expect(await store.instances()).toEqual([]);
    });

    it('keeps which side of a failed pair failed, summed like the other counters', async () => {
      const row = {
        routeId: 'orders',
        bucket: minute(0),
        compared: 4,
        matched: 1,
        mismatched: 0,
        errors: 3,
        legacyErrors: 1,
        serviceErrors: 3,
      };
      await store.write(batch({ comparisons: [row] }));
      await store.write(batch({ comparisons: [{ ...row, bucket: minute(1) }] }));
      expect(await store.comparisons()).toEqual([
        {
          routeId: 'orders',
          compared: 8,
          matched: 2,
          mismatched: 0,
          errors: 6,
          legacyErrors: 2,
          serviceErrors: 6,
        },
      ]);
      expect(await store.timeline({ step: BUCKET_MS, since: minute(1) })).toEqual([
        {
          routeId: 'orders',
          at: minute(1),
          compared: 4,
          matched: 1,
          mismatched: 0,
          errors: 3,
          legacyErrors: 1,
          serviceErrors: 3,
        },
      ]);
    });

    it('keeps evidence apart by revision, and sums every revision unless one is asked for', async () => {
      const pairs = {
        routeId: 'orders',
        bucket: minute(0),
        compared: 10,
        matched: 8,
        mismatched: 2,
        errors: 0,
        legacyErrors: 0,
        serviceErrors: 0,
      };
      const diff = { routeId: 'orders', bucket: minute(0), path: '$.a', kind: 'value' as const, count: 2 };
      const served = {
        routeId: 'orders',
        bucket: minute(0),
        side: 'service' as const,
        requests: 5,
        errors: 1,
        fallbacks: 0,
      };
      await store.write(
        batch({
          comparisons: [pairs, { ...pairs, revision: 'r2', matched: 10, mismatched: 0 }],
          diffs: [diff],
          served: [
            { ...served, revision: 'r1' },
            { ...served, revision: 'r2' },
          ],
        }),
      );
      await store.write(batch({ comparisons: [{ ...pairs, revision: 'r2', matched: 10, mismatched: 0 }] }));

      expect(await store.comparisons({ revision: 'r2' })).toEqual([
        {
          routeId: 'orders',
          compared: 20,
          matched: 20,
          mismatched: 0,
          errors: 0,
          legacyErrors: 0,
          serviceErrors: 0,
        },
      ]);
      expect(await store.comparisons({ revision: '' })).toEqual([
        {
          routeId: 'orders',
          compared: 10,
          matched: 8,
          mismatched: 2,
          errors: 0,
          legacyErrors: 0,
          serviceErrors: 0,
        },
      ]);
      expect((await store.comparisons())[0]?.compared).toBe(30);
      expect(await store.timeline({ step: BUCKET_MS, revision: 'r2' })).toEqual([
        {
          routeId: 'orders',
          at: minute(0),
          compared: 20,
          matched: 20,
          mismatched: 0,
          errors: 0,
          legacyErrors: 0,
          serviceErrors: 0,
        },
      ]);
      expect(await store.diffs({ revision: 'r2' })).toEqual([]);
      expect(await store.diffs()).toEqual([{ routeId: 'orders', path: '$.a', kind: 'value', count: 2 }]);
      expect(await store.served({ revision: 'r1' })).toEqual([
        { routeId: 'orders', side: 'service', requests: 5, errors: 1, fallbacks: 0 },
      ]);
      expect((await store.served())[0]?.requests).toBe(10);
      // Tables without revisions answer a revision query with all they hold.
      await store.write(
        batch({ skips: [{ routeId: 'orders', bucket: minute(0), reason: 'timeout', count: 1 }] }),
      );
      expect(await store.skips({ revision: 'r2' })).toHaveLength(1);
    });

    it('reads each listed route at its own revision, and no other route', async () => {
      const pairs = {
        bucket: minute(0),
        compared: 1,
        matched: 1,
        mismatched: 0,
        errors: 0,
        legacyErrors: 0,
        serviceErrors: 0,
      };
      const served = { bucket: minute(0), side: 'service' as const, requests: 1, errors: 0, fallbacks: 0 };
      const diff = { bucket: minute(0), path: '$.a', kind: 'value' as const, count: 1 };
      await store.write(
        batch({
          comparisons: [
            { ...pairs, routeId: 'orders', revision: 'r1' },
            { ...pairs, routeId: 'orders', revision: 'r2', compared: 2, matched: 2 },
            { ...pairs, routeId: 'users', revision: 'r1', compared: 3, matched: 3 },
            { ...pairs, routeId: 'users', revision: 'r2', compared: 4, matched: 4 },
            { ...pairs, routeId: 'carts', revision: 'r1', compared: 5, matched: 5 },
          ],
          served: [
            { ...served, routeId: 'orders', revision: 'r1' },
            { ...served, routeId: 'users', revision: 'r1', requests: 3 },
          ],
          diffs: [
            { ...diff, routeId: 'orders', revision: 'r2' },
            { ...diff, routeId: 'users', revision: 'r2' },
          ],
          skips: [
            { routeId: 'orders', bucket: minute(0), reason: 'timeout', count: 1 },
            { routeId: 'carts', bucket: minute(0), reason: 'timeout', count: 1 },
          ],
        }),
      );
      const revisions = new Map([
        ['orders', 'r2'],
        ['users', 'r1'],
      ]);

      const compared = (rows: readonly { routeId: string; compared: number }[]) =>
        rows.map((row) => [row.routeId, row.compared]);
      expect(compared(await store.comparisons({ revisions }))).toEqual([
        ['orders', 2],
        ['users', 3],
      ]);
      expect(compared(await store.timeline({ step: BUCKET_MS, revisions }))).toEqual([
        ['orders', 2],
        ['users', 3],
      ]);
      expect(await store.served({ revisions })).toEqual([
        { routeId: 'users', side: 'service', requests: 3, errors: 0, fallbacks: 0 },
      ]);
      expect(await store.diffs({ revisions })).toEqual([
        { routeId: 'orders', path: '$.a', kind: 'value', count: 1 },
      ]);
      // Tables without revisions: the listed routes, whole.
      expect((await store.skips({ revisions })).map((row) => row.routeId)).toEqual(['orders']);
      expect(await store.comparisons({ revisions: new Map() })).toEqual([]);
    });

    it('adds comparison counters across writes and sums them over a window', async () => {
      const row = {
        routeId: 'orders',
        bucket: minute(0),
        compared: 10,
        matched: 8,
        mismatched: 1,
        errors: 1,
        legacyErrors: 1,
        serviceErrors: 1,
      };
      await store.write(batch({ comparisons: [row] }));
      await store.write(batch({ comparisons: [row, { ...row, bucket: minute(1) }] }));
      await store.write(
        batch({
          comparisons: [
            {
              ...row,
              routeId: 'catalog',
              compared: 1,
              matched: 1,
              mismatched: 0,
              errors: 0,
              legacyErrors: 0,
              serviceErrors: 0,
            },
          ],
        }),
      );

      expect(await store.comparisons()).toEqual([
        {
          routeId: 'catalog',
          compared: 1,
          matched: 1,
          mismatched: 0,
          errors: 0,
          legacyErrors: 0,
          serviceErrors: 0,
        },
        {
          routeId: 'orders',
          compared: 30,
          matched: 24,
          mismatched: 3,
          errors: 3,
          legacyErrors: 3,
          serviceErrors: 3,
        },
      ]);
    });

    it('filters by route and by window: since inclusive, until exclusive', async () => {
      const rows = [0, 1, 2, 3].map((n) => ({
        routeId: 'orders',
        bucket: minute(n),
        compared: n + 1,
        matched: n + 1,
        mismatched: 0,
        errors: 0,
        legacyErrors: 0,
        serviceErrors: 0,
      }));
      await store.write(batch({ comparisons: [...rows, { ...rows[0]!, routeId: 'catalog' }] }));

      const window = { since: minute(1), until: minute(3), routeId: 'orders' };
      expect(await store.comparisons(window)).toEqual([
        {
          routeId: 'orders',
          compared: 5,
          matched: 5,
          mismatched: 0,
          errors: 0,
          legacyErrors: 0,
          serviceErrors: 0,
        },
      ]);
      expect(await store.comparisons({ since: minute(4) })).toEqual([]);
    });

    it('sums comparison counters into timeline periods of any whole number of buckets', async () => {
      const rows = [0, 1, 2, 3, 4].map((n) => ({
        routeId: 'orders',
        bucket: minute(n),
        compared: 10,
        matched: 10 - n,
        mismatched: n,
        errors: 0,
        legacyErrors: 0,
        serviceErrors: 0,
      }));
      await store.write(batch({ comparisons: rows }));

      const step = 2 * BUCKET_MS;
      const timeline = await store.timeline({ step });
      expect(timeline.map((point) => point.at % step)).toEqual(timeline.map(() => 0));
      expect(timeline.reduce((sum, point) => sum + point.compared, 0)).toBe(50);
      expect(timeline.reduce((sum, point) => sum + point.mismatched, 0)).toBe(10);
      expect(await store.timeline({ step: BUCKET_MS, since: minute(3) })).toEqual([
        {
          routeId: 'orders',
          at: minute(3),
          compared: 10,
          matched: 7,
          mismatched: 3,
          errors: 0,
          legacyErrors: 0,
          serviceErrors: 0,
        },
        {
          routeId: 'orders',
          at: minute(4),
          compared: 10,
          matched: 6,
          mismatched: 4,
          errors: 0,
          legacyErrors: 0,
          serviceErrors: 0,
        },
      ]);
      await expect(store.timeline({ step: 1_000 })).rejects.toThrow(RangeError);
    });

    it('adds latency histogram bins per route, source and side', async () => {
      const bin = {
        routeId: 'orders',
        bucket: minute(0),
        source: 'shadow' as const,
        side: 'legacy' as const,
      };
      await store.write(
        batch({
          latency: [
            { ...bin, bin: 20, count: 3 },
            { ...bin, bin: 24, count: 1 },
            { ...bin, side: 'service', bin: 22, count: 4 },
            { ...bin, source: 'served', bin: 20, count: 7 },
          ],
        }),
      );
      await store.write(batch({ latency: [{ ...bin, bucket: minute(1), bin: 20, count: 2 }] }));

      const scheme = 'relative_1pct';
      expect(await store.latency()).toEqual([
        { routeId: 'orders', source: 'served', side: 'legacy', scheme, bin: 20, count: 7 },
        { routeId: 'orders', source: 'shadow', side: 'legacy', scheme, bin: 20, count: 5 },
        { routeId: 'orders', source: 'shadow', side: 'legacy', scheme, bin: 24, count: 1 },
        { routeId: 'orders', source: 'shadow', side: 'service', scheme, bin: 22, count: 4 },
      ]);
    });

    it('keeps latency bins of the old scheme apart from the current ones, and signed paired bins', async () => {
      const bin = {
        routeId: 'orders',
        bucket: minute(0),
        source: 'shadow' as const,
        side: 'legacy' as const,
      };
      await store.write(
        batch({
          latency: [
            { ...bin, scheme: 'quarter_doubling', bin: 9, count: 2 },
            { ...bin, bin: 9, count: 3 },
            { ...bin, source: 'paired', side: 'service', bin: -400, count: 1 },
            { ...bin, source: 'paired', side: 'service', bin: 0, count: 2 },
          ],
        }),
      );
      await store.write(
        batch({ latency: [{ ...bin, bucket: minute(1), scheme: 'relative_1pct', bin: 9, count: 1 }] }),
      );

      expect(await store.latency()).toEqual([
        {
          routeId: 'orders',
          source: 'paired',
          side: 'service',
          scheme: 'relative_1pct',
          bin: -400,
          count: 1,
        },
        { routeId: 'orders', source: 'paired', side: 'service', scheme: 'relative_1pct', bin: 0, count: 2 },
        { routeId: 'orders', source: 'shadow', side: 'legacy', scheme: 'quarter_doubling', bin: 9, count: 2 },
        { routeId: 'orders', source: 'shadow', side: 'legacy', scheme: 'relative_1pct', bin: 9, count: 4 },
      ]);
    });

    it('adds noise probes per route, and narrows them to a revision', async () => {
      const probes = { routeId: 'orders', bucket: minute(0) };
      await store.write(
        batch({
          noiseProbes: [
            { ...probes, revision: 'r1', probes: 10, disagreed: 2 },
            { ...probes, revision: 'r2', probes: 5, disagreed: 0 },
            { ...probes, routeId: 'users', probes: 3, disagreed: 3 },
          ],
        }),
      );
      await store.write(
        batch({ noiseProbes: [{ ...probes, bucket: minute(1), revision: 'r1', probes: 4, disagreed: 1 }] }),
      );

      expect(await store.noiseProbes()).toEqual([
        { routeId: 'orders', probes: 19, disagreed: 3 },
        { routeId: 'users', probes: 3, disagreed: 3 },
      ]);
      expect(await store.noiseProbes({ revision: 'r1', since: minute(1) })).toEqual([
        { routeId: 'orders', probes: 4, disagreed: 1 },
      ]);
      expect(await store.noiseProbes({ routeId: 'users', revision: '' })).toEqual([
        { routeId: 'users', probes: 3, disagreed: 3 },
      ]);
    });

    it('adds diff counts by path and kind, most frequent first', async () => {
      const diff = { routeId: 'orders', bucket: minute(0) };
      await store.write(
        batch({
          diffs: [
            { ...diff, path: '$.total', kind: 'type', count: 2 },
            { ...diff, path: '$.items[*].price', kind: 'value', count: 5 },
            { ...diff, path: 'header:etag', kind: 'header', count: 1 },
          ],
        }),
      );
      await store.write(
        batch({ diffs: [{ ...diff, bucket: minute(2), path: '$.total', kind: 'type', count: 4 }] }),
      );

      expect(await store.diffs()).toEqual([
        { routeId: 'orders', path: '$.total', kind: 'type', count: 6 },
        { routeId: 'orders', path: '$.items[*].price', kind: 'value', count: 5 },
        { routeId: 'orders', path: 'header:etag', kind: 'header', count: 1 },
      ]);
    });

    it('adds mismatch counts per signature over a window, keeping the shapes each stands for', async () => {
      const row = { routeId: 'orders', bucket: minute(0) };
      const shapes = 'value $.generated_at\nvalue $.total';
      await store.write(
        batch({
          signatures: [
            { ...row, signature: 'a1', shapes, count: 2 },
            { ...row, signature: 'b2', shapes: null, count: 1 },
            { ...row, routeId: 'users', signature: 'a1', shapes: 'missing $.x', count: 1 },
          ],
        }),
      );
      await store.write(
        batch({
          signatures: [
            { ...row, bucket: minute(3), signature: 'a1', shapes, count: 3 },
            { ...row, bucket: minute(9), signature: 'b2', shapes: null, count: 9 },
          ],
        }),
      );

      expect(await store.signatures({ until: minute(5) })).toEqual([
        { routeId: 'orders', signature: 'a1', shapes, count: 5 },
        { routeId: 'orders', signature: 'b2', shapes: null, count: 1 },
        { routeId: 'users', signature: 'a1', shapes: 'missing $.x', count: 1 },
      ]);
      expect(await store.signatures({ routeId: 'orders', since: minute(1) })).toEqual([
        { routeId: 'orders', signature: 'b2', shapes: null, count: 9 },
        { routeId: 'orders', signature: 'a1', shapes, count: 3 },
      ]);
    });

    it('adds skip and served counters', async () => {
      await store.write(
        batch({
          skips: [
            { routeId: 'orders', bucket: minute(0), reason: 'timeout', count: 2 },
            { routeId: 'orders', bucket: minute(0), reason: 'unsafe_method', count: 1 },
          ],
          served: [
            { routeId: 'orders', bucket: minute(0), side: 'service', requests: 10, errors: 1, fallbacks: 0 },
            { routeId: '', bucket: minute(0), side: 'legacy', requests: 5, errors: 0, fallbacks: 0 },
          ],
        }),
      );
      await store.write(
        batch({
          skips: [{ routeId: 'orders', bucket: minute(1), reason: 'timeout', count: 3 }],
          served: [
            { routeId: 'orders', bucket: minute(1), side: 'service', requests: 5, errors: 2, fallbacks: 2 },
          ],
        }),
      );

      expect(await store.skips()).toEqual([
        { routeId: 'orders', reason: 'timeout', count: 5 },
        { routeId: 'orders', reason: 'unsafe_method', count: 1 },
      ]);
      expect(await store.served()).toEqual([
        { routeId: '', side: 'legacy', requests: 5, errors: 0, fallbacks: 0 },
        { routeId: 'orders', side: 'service', requests: 15, errors: 3, fallbacks: 2 },
      ]);
      expect(await store.served({ routeId: '' })).toHaveLength(1);
    });

    it('adds noise counts and keeps the latest sighting', async () => {
      await store.write(
        batch({ noise: [{ routeId: 'orders', path: '$.requestId', count: 2, lastSeen: 500 }] }),
      );
      await store.write(
        batch({ noise: [{ routeId: 'orders', path: '$.requestId', count: 1, lastSeen: 400 }] }),
      );
      await store.write(batch({ noise: [{ routeId: 'catalog', path: '$.ts', count: 1, lastSeen: 1 }] }));

      expect(await store.noise({ routeId: 'orders' })).toEqual([
        { routeId: 'orders', path: '$.requestId', count: 3, lastSeen: 500 },
      ]);
      expect(await store.noise()).toHaveLength(2);
    });

    it('adds the unmatched inventory by template and method, largest first, with a limit', async () => {
      await store.write(
        batch({
          unmatched: [
            { bucket: minute(0), method: 'GET', template: '/users/:id', count: 3 },
            { bucket: minute(0), method: 'POST', template: '/users', count: 1 },
            { bucket: minute(1), method: 'GET', template: '/users/:id', count: 2 },
            { bucket: minute(1), method: 'GET', template: '/health', count: 4 },
          ],
        }),
      );

      expect(await store.unmatched()).toEqual([
        { method: 'GET', template: '/users/:id', count: 5 },
        { method: 'GET', template: '/health', count: 4 },
        { method: 'POST', template: '/users', count: 1 },
      ]);
      expect(await store.unmatched({ limit: 1, since: minute(1) })).toEqual([
        { method: 'GET', template: '/health', count: 4 },
      ]);
    });

    // A store that also counts by the day removes a row once its whole day is past the retention: the
    // row removed here is more than a day older than the oldest one kept.
    it('removes unmatched rows older than the retention before the newest one written', async () => {
      const old = { bucket: minute(0), method: 'GET', count: 1 };
      const keptAt = minute(2 * 24 * 60);
      await store.write(
        batch({
          unmatched: [
            { ...old, template: '/gone' },
            { ...old, bucket: keptAt, template: '/kept' },
          ],
        }),
      );
      await store.write(
        batch({
          unmatched: [
            { ...old, bucket: keptAt + UNMATCHED_RETENTION_MS, template: '/new' },
            { ...old, bucket: keptAt + UNMATCHED_RETENTION_MS, template: '/kept' },
          ],
        }),
      );
      expect(await store.unmatched()).toEqual([
        { method: 'GET', template: '/kept', count: 2 },
        { method: 'GET', template: '/new', count: 1 },
      ]);
    });

    it('keeps the stage of the latest sighting of each route, whatever the write order', async () => {
      await store.write(batch({ routes: [{ routeId: 'orders', stage: 'canary', lastSeen: 2_000 }] }));
      await store.write(batch({ routes: [{ routeId: 'orders', stage: 'shadow', lastSeen: 1_000 }] }));
      await store.write(batch({ routes: [{ routeId: 'catalog', stage: 'shadow', lastSeen: 1_500 }] }));

      expect(await store.routes()).toEqual([
        { routeId: 'catalog', stage: 'shadow', lastSeen: 1_500 },
        { routeId: 'orders', stage: 'canary', lastSeen: 2_000 },
      ]);
    });

    it('keeps at most three samples per signature, within a batch and across batches', async () => {
      await store.write(batch({ samples: [1, 2].map((at) => sample({ at })) }));
      await store.write(batch({ samples: [3, 4, 5].map((at) => sample({ at })) }));
      await store.write(batch({ samples: [sample({ signature: 'sig-b', at: 6 })] }));

      const kept = await store.samples({ routeId: 'orders' });
      expect(kept.map((s) => [s.signature, s.at])).toEqual([
        ['sig-a', 1],
        ['sig-a', 2],
        ['sig-a', 3],
        ['sig-b', 6],
      ]);
    });

    it('returns samples exactly as written', async () => {
      const written = sample({
        request: {
          method: 'POST',
          url: '/orders?q=ä',
          headers: { authorization: '[redacted]' },
          body: '{"note":"日本 \\"quoted\\" <b>"}',
        },
        service: null,
        differences: [{ path: "$['unit price']", kind: 'missing' }],
      });
      await store.write(batch({ samples: [written] }));

      expect(await store.samples()).toEqual([written]);
    });

    it('appends route events and filters them by route and time', async () => {
      await store.write(
        batch({
          events: [
            { routeId: 'orders', kind: 'auto_rollback', at: 2_000, detail: 'error rate 31% over 30s' },
            { routeId: null, kind: 'reload', at: 1_000, detail: 'routes.yaml: 3 routes' },
            { routeId: 'orders', kind: 'auto_rollback_cleared', at: 3_000, detail: '' },
          ],
        }),
      );

      expect((await store.events()).map((event) => event.kind)).toEqual([
        'reload',
        'auto_rollback',
        'auto_rollback_cleared',
      ]);
      expect(await store.events({ routeId: 'orders', since: 2_000, until: 3_000 })).toEqual([
        { routeId: 'orders', kind: 'auto_rollback', at: 2_000, detail: 'error rate 31% over 30s' },
      ]);
      expect((await store.events())[0]?.routeId).toBeNull();
    });

    it('appends decisions whole, by time, and filters them by route and time', async () => {
      const promoted = {
        routeId: 'orders',
        kind: 'promote',
        at: 2_000,
        from: 'shadow',
        to: 'canary 5%',
        revision: 'a1b2c3d4e5f6',
        evidence: '{"compared":500,"mismatched":0}',
        bounds: '[{"name":"mismatch_rate","state":"pass"}]',
        user: 'ana',
        host: 'ops-1',
        message: 'checkout team signed off',
      } as const;
      const autoRolledBack = {
        ...promoted,
        kind: 'auto_rollback',
        at: 3_000,
        from: 'canary 5%',
        to: 'legacy',
        user: 'proxy',
        message: null,
      } as const;
      const rolledBack = {
        ...promoted,
        routeId: 'users',
        kind: 'rollback',
        at: 1_000,
        evidence: null,
        bounds: null,
      } as const;
      await store.write(batch({ decisions: [autoRolledBack, promoted] }));
      await store.write(batch({ decisions: [rolledBack, { ...promoted }] }));

      expect(await store.decisions()).toEqual([rolledBack, promoted, promoted, autoRolledBack]);
      expect(await store.decisions({ routeId: 'orders', since: 2_001, until: 4_000 })).toEqual([
        autoRolledBack,
      ]);
    });

    it('keeps one correlation pair per legacy identifier, the newest, numbers as numbers', async () => {
      await store.write(
        batch({
          correlations: [
            { legacy: 'hello-world', service: 'hello-world-x1', at: 1_000 },
            { legacy: 17, service: 4, at: 2_000 },
            { legacy: '17', service: 'seventeen', at: 1_500 },
          ],
        }),
      );
      await store.write(
        batch({
          correlations: [
            { legacy: 'hello-world', service: 'hello-world-x2', at: 3_000 },
            // An older pair arriving late does not replace the newer one.
            { legacy: 17, service: 9, at: 500 },
          ],
        }),
      );
      // Oldest first: the order a map is filled in, so the newest end up least likely to be evicted.
      expect(await store.correlations(10)).toEqual([
        { legacy: '17', service: 'seventeen', at: 1_500 },
        { legacy: 17, service: 4, at: 2_000 },
        { legacy: 'hello-world', service: 'hello-world-x2', at: 3_000 },
      ]);
      expect(await store.correlations(1)).toEqual([
        { legacy: 'hello-world', service: 'hello-world-x2', at: 3_000 },
      ]);
    });

    it('sums read-after-write counters and keeps the first out-of-sync examples per route', async () => {
      const counts = { checked: 2, inSync: 1, outOfSync: 1, skipped: 1 };
      const example = (n: number, routeId = 'articles') => ({
        routeId,
        at: minute(n),
        read: `/api/articles/a-${n}`,
        legacyStatus: 200,
        serviceStatus: 404,
        differences: [{ path: 'status', kind: 'status' as const }],
      });
      await store.write(
        batch({
          sync: [
            { routeId: 'articles', bucket: minute(0), ...counts },
            { routeId: 'users', bucket: minute(0), ...counts },
          ],
          syncExamples: [example(0), example(1), example(0, 'users')],
        }),
      );
      await store.write(
        batch({
          sync: [{ routeId: 'articles', bucket: minute(0), ...counts }],
          syncExamples: [example(2), example(3)],
        }),
      );
      await store.write(batch({ sync: [{ routeId: 'articles', bucket: minute(5), ...counts }] }));
      expect(await store.sync()).toEqual([
        { routeId: 'articles', checked: 6, inSync: 3, outOfSync: 3, skipped: 3 },
        { routeId: 'users', checked: 2, inSync: 1, outOfSync: 1, skipped: 1 },
      ]);
      expect(await store.sync({ routeId: 'articles', until: minute(1) })).toEqual([
        { routeId: 'articles', checked: 4, inSync: 2, outOfSync: 2, skipped: 2 },
      ]);
      expect(await store.syncExamples({ routeId: 'articles' })).toEqual([example(0), example(1), example(2)]);
      expect(await store.syncExamples()).toHaveLength(4);
    });

    it('keeps one row per proxy of the fleet: a heartbeat replaces it, a stop removes it', async () => {
      const first = {
        id: 'ops-1:4242:a1b2',
        host: 'ops-1',
        pid: 4242,
        version: '0.1.0',
        routesRevision: 'aaaaaaaaaaaa',
        routeRevisions: { orders: '111111111111', users: '222222222222' },
        configVersion: null,
        startedAt: 1_000,
        appliedAt: 1_000,
        heartbeatAt: 1_000,
        heartbeatInterval: 10_000,
        missedHeartbeats: 3,
      };
      const second = { ...first, id: 'ops-2:77:c3d4', host: 'ops-2', pid: 77, configVersion: '12' };
      await store.putInstance(second);
      await store.putInstance(first);
      const beat = { ...first, routesRevision: 'bbbbbbbbbbbb', routeRevisions: { orders: '333333333333' } };
      await store.putInstance({ ...beat, appliedAt: 5_000, heartbeatAt: 11_000 });

      expect(await store.instances()).toEqual([{ ...beat, appliedAt: 5_000, heartbeatAt: 11_000 }, second]);
      const other = await subject.openAnother?.();
      if (other) {
        try {
          expect((await other.instances()).map((instance) => instance.id)).toEqual([first.id, second.id]);
        } finally {
          await other.close();
        }
      }
      await store.removeInstance(first.id);
      await store.removeInstance('never-registered');
      expect(await store.instances()).toEqual([second]);
    });

    it('holds route ids of the longest length the config accepts', async () => {
      const routeId = 'r'.repeat(MAX_ROUTE_ID_LENGTH);
      await store.write(
        batch({
          comparisons: [
            {
              routeId,
              bucket: minute(0),
              compared: 1,
              matched: 1,
              mismatched: 0,
              errors: 0,
              legacyErrors: 0,
              serviceErrors: 0,
            },
          ],
          routes: [{ routeId, stage: 'shadow', lastSeen: minute(0) }],
          samples: [sample({ routeId })],
          events: [{ routeId, kind: 'reload', at: minute(0), detail: 'version 2' }],
        }),
      );
      expect((await store.comparisons()).map((row) => row.routeId)).toEqual([routeId]);
      expect((await store.routes()).map((row) => row.routeId)).toEqual([routeId]);
      expect((await store.samples()).map((row) => row.routeId)).toEqual([routeId]);
      expect((await store.events()).map((row) => row.routeId)).toEqual([routeId]);
    });

    it('sums rows with the same key within one batch', async () => {
      const row = {
        routeId: 'orders',
        bucket: minute(0),
        compared: 1,
        matched: 1,
        mismatched: 0,
        errors: 0,
        legacyErrors: 0,
        serviceErrors: 0,
      };
      await store.write(
        batch({
          comparisons: [row, row],
          diffs: [1, 2].map(() => ({
            routeId: 'orders',
            bucket: minute(0),
            path: '$.a',
            kind: 'value' as const,
            count: 1,
          })),
          routes: [
            { routeId: 'orders', stage: 'shadow', lastSeen: 1 },
            { routeId: 'orders', stage: 'canary', lastSeen: 2 },
          ],
        }),
      );

      expect(await store.comparisons()).toEqual([
        {
          routeId: 'orders',
          compared: 2,
          matched: 2,
          mismatched: 0,
          errors: 0,
          legacyErrors: 0,
          serviceErrors: 0,
        },
      ]);
      expect(await store.diffs()).toEqual([{ routeId: 'orders', path: '$.a', kind: 'value', count: 2 }]);
      expect(await store.routes()).toEqual([{ routeId: 'orders', stage: 'canary', lastSeen: 2 }]);
    });

    it('writes batches larger than one statement', async () => {
      const latency = Array.from({ length: 1_500 }, (_, i) => ({
        routeId: `route-${i % 3}`,
        bucket: minute(Math.floor(i / 60)),
        source: 'served' as const,
        side: 'service' as const,
        bin: i % 60,
        count: 1,
      }));
      await store.write(batch({ latency }));

      const rows = await store.latency();
      expect(rows.reduce((sum, row) => sum + row.count, 0)).toBe(1_500);
    });

    it('adds up concurrent writes without losing any', async () => {
      const row = {
        routeId: 'orders',
        bucket: minute(0),
        compared: 1,
        matched: 1,
        mismatched: 0,
        errors: 0,
        legacyErrors: 0,
        serviceErrors: 0,
      };
      const other = subject.openAnother ? await subject.openAnother() : store;
      try {
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            (i % 2 === 0 ? store : other).write(batch({ comparisons: [row] })),
          ),
        );
      } finally {
        if (other !== store) await other.close();
      }

      expect(await store.comparisons()).toEqual([
        {
          routeId: 'orders',
          compared: 20,
          matched: 20,
          mismatched: 0,
          errors: 0,
          legacyErrors: 0,
          serviceErrors: 0,
        },
      ]);
    });

    it('takes concurrent batches that touch the same rows in different orders', async () => {
      const rows = Array.from({ length: 40 }, (_, i) => ({
        routeId: `route-${i}`,
        bucket: minute(0),
        compared: 1,
        matched: 1,
        mismatched: 0,
        errors: 0,
        legacyErrors: 0,
        serviceErrors: 0,
      }));
      const other = subject.openAnother ? await subject.openAnother() : store;
      try {
        await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            (i % 2 === 0 ? store : other).write(
              batch({ comparisons: i % 2 === 0 ? rows : [...rows].reverse() }),
            ),
          ),
        );
      } finally {
        if (other !== store) await other.close();
      }

      const totals = await store.comparisons();
      expect(totals).toHaveLength(40);
      expect(totals.every((row) => row.compared === 12)).toBe(true);
    });

    it.runIf(options.rejectsIncompleteRows)('writes nothing of a batch that fails part-way', async () => {
      const broken = batch({
        comparisons: [
          {
            routeId: 'orders',
            bucket: minute(0),
            compared: 1,
            matched: 1,
            mismatched: 0,
            errors: 0,
            legacyErrors: 0,
            serviceErrors: 0,
          },
        ],
        // detail is NOT NULL: the last statement of the transaction fails
        events: [{ routeId: 'orders', kind: 'reload', at: 1, detail: null as unknown as string }],
      });

      await expect(store.write(broken)).rejects.toThrow();
      expect(await store.comparisons()).toEqual([]);
    });
  });
}
