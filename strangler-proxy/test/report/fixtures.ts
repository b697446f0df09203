/** A results store filled through the real recorder, as the proxy would fill it. */
import { createBatchingRecorder } from '../../src/store/batching-recorder.ts';
import type { ResultStore } from '../../src/store/result-store.ts';
import type { ResultRecorder } from '../../src/store/types.ts';
import { routeSchema, type RouteConfig } from '../../src/config/schema.ts';
import { comparison, response, verdict } from '../store/fixtures.ts';

export const NOW = Date.UTC(2025, 5, 2, 12, 0, 0);
const MINUTE = 60_000;

export const ROUTES: RouteConfig[] = [
  routeSchema.parse({
    id: 'orders',
    path: '/orders',
    service: 'orders',
    stage: 'shadow',
    compare: { redact: ['$.customer.email'] },
    plan: { gate: { minCompared: 50, maxMismatchRate: 0.05 } },
  }),
  routeSchema.parse({ id: 'catalog', path: '/catalog', service: 'catalog', stage: 'canary' }),
  routeSchema.parse({ id: 'users', path: '/users', service: 'users', stage: 'shadow' }),
];

/**
 * orders: 200 pairs over the last 100 minutes, 20 mismatching (a price type change in items and a
 * missing header), so "mismatching" at 10% > 5%. catalog: 150 matching pairs, "ready". users: 10 pairs,
 * "insufficient_evidence". Plus served traffic, skips, noise, unmatched paths and an auto rollback.
 */
export async function fillStore(
  store: ResultStore,
  /** The revision each route's evidence is recorded under; none (`''`) by default. */
  revisionOf: (routeId: string) => string = () => '',
): Promise<void> {
  const batching = createBatchingRecorder(store, { routes: ROUTES, clock: () => NOW - 5 * MINUTE });
  const recorder: ResultRecorder = {
    ...batching,
    recordComparison: (event) => batching.recordComparison({ ...event, revision: revisionOf(event.routeId) }),
    recordServed: (event) =>
      batching.recordServed({
        ...event,
        revision: event.routeId === null ? '' : revisionOf(event.routeId),
      }),
    flush: () => batching.flush(),
    close: () => batching.close(),
  };
  const legacyOrder = {
    id: 7,
    customer: { name: 'Ada', email: 'ada@example.com' },
    items: [
      { sku: 'A-1', price: '12.50' },
      { sku: 'B-2', price: '3.00' },
    ],
    note: '<script>window.__pwned = true</script>',
  };
  const serviceOrder = {
    ...legacyOrder,
    items: legacyOrder.items.map((item) => ({ ...item, price: Number(item.price) })),
  };
  for (let i = 0; i < 200; i++) {
    const at = NOW - 100 * MINUTE + i * 30_000;
    const mismatch = i % 10 === 0;
    recorder.recordComparison(
      comparison({
        routeId: 'orders',
        at,
        request: {
          method: 'GET',
          url: '/orders/7',
          headers: { authorization: 'Bearer t0ken' },
          requestId: `r${i}`,
        },
        legacy: response(200, legacyOrder, {
          headers: { 'content-type': 'application/json', etag: '"v1"' },
          latencyMs: 40,
        }),
        service: response(200, mismatch ? serviceOrder : legacyOrder, { latencyMs: 25 }),
        verdict: mismatch
          ? verdict('mismatch', [
              { path: '$.items[0].price', kind: 'type' },
              { path: '$.items[1].price', kind: 'type' },
              { path: 'header:etag', kind: 'header' },
            ])
          : verdict('match'),
      }),
    );
  }
  for (let i = 0; i < 150; i++) {
    recorder.recordComparison(
      comparison({
        routeId: 'catalog',
        stage: 'canary',
        at: NOW - 60 * MINUTE + i * 1_000,
        verdict: verdict('match'),
      }),
    );
    recorder.recordServed({
      routeId: 'catalog',
      stage: 'canary',
      side: i % 4 === 0 ? 'service' : 'legacy',
      status: i === 4 ? 502 : 200,
      latencyMs: 20,
      fellBack: i === 4,
      at: NOW - 60 * MINUTE + i * 1_000,
    });
  }
  for (let i = 0; i < 10; i++) {
    recorder.recordComparison(
      comparison({ routeId: 'users', at: NOW - 10 * MINUTE, verdict: verdict('match') }),
    );
  }
  recorder.recordSkip('orders', 'unsafe_method');
  recorder.recordSkip('orders', 'timeout');
  recorder.recordNoise('orders', ['$.generatedAt']);
  recorder.recordUnmatched('GET', '/invoices/123');
  recorder.recordUnmatched('GET', '/invoices/456');
  recorder.recordUnmatched('POST', '/login');
  recorder.recordServed({
    routeId: null,
    stage: null,
    side: 'legacy',
    status: 200,
    latencyMs: 5,
    fellBack: false,
    at: NOW - MINUTE,
  });
  recorder.recordEvent({
    routeId: 'catalog',
    kind: 'auto_rollback',
    at: NOW - 30 * MINUTE,
    detail: 'service error rate 25% over 30s',
  });
  recorder.recordEvent({
    routeId: null,
    kind: 'reload',
    at: NOW - 20 * MINUTE,
    detail: 'routes.yaml reloaded: 3 routes',
  });
  await recorder.close();
}
