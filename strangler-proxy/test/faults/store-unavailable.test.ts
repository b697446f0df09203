/**
 * The results store goes away mid-run: a PostgreSQL server of the test's own is stopped (immediate
 * shutdown) and later restarted; a SQLite file is held under an exclusive lock by another connection.
 * Proxying goes on unaffected (every request answered, not slower than the store's timeouts), comparisons
 * beyond the recorder's bound are dropped and counted (status and metrics), the admin API reports the
 * store unhealthy, and writes resume by themselves once the store is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { startTestUpstream, jsonEcho, type TestUpstream } from '../support/test-upstream.ts';
import { startHarness, type ProxyHarness } from '../support/proxy-harness.ts';
import { createKnexStore } from '../../src/store/knex-store.ts';
import { createBatchingRecorder } from '../../src/store/batching-recorder.ts';
import type { ResultStore } from '../../src/store/result-store.ts';
import type { FlushResult, ObservableRecorder, RecorderStatus } from '../../src/store/types.ts';
import { postgresBin, startThrowawayPostgres, type ThrowawayPostgres } from './support/throwaway-postgres.ts';
import { runLoad } from './support/http-client.ts';

let legacy: TestUpstream;
let catalog: TestUpstream;

beforeAll(async () => {
  legacy = await startTestUpstream('legacy');
  catalog = await startTestUpstream('catalog', jsonEcho('legacy'));
});
afterAll(async () => {
  await legacy.close();
  await catalog.close();
});

const routes = () => `
version: 1
legacy: ${legacy.url}
services:
  catalog: ${catalog.url}
routes:
  - id: products
    path: /api/products
    service: catalog
    stage: shadow
    shadow: { noiseSample: 0 }
`;

/** Distinct unmatched paths make distinct counter rows, so the pending bound is reached. */
const word = (i: number) => `w${i.toString(26).replace(/\d/g, (d) => String.fromCharCode(103 + Number(d)))}`;

interface Rig {
  harness: ProxyHarness;
  recorder: ObservableRecorder;
  store: ResultStore;
}

async function startRig(url: string, busyTimeoutMs?: number): Promise<Rig> {
  const store = await createKnexStore({ url, ...(busyTimeoutMs ? { busyTimeoutMs } : {}) });
  const recorder = createBatchingRecorder(store, {
    flushInterval: 200,
    // Sized to the traffic: a mirrored request adds at most 4 rows (its served, legacy, service and
    // paired latency bins, each within 1%), so the 20 before the outage fit unflushed (≤ 80 + the
    // comparison row), and the 150 distinct unmatched paths during it overflow the bound on their own.
    maxPendingRows: 120,
    closeTimeout: 1_000,
  });
  const harness = await startHarness(routes(), { recorder });
  return { harness, recorder, store };
}

/** The next write attempt's result. */
function nextFlush(recorder: ObservableRecorder): Promise<FlushResult> {
  return new Promise((resolve) => {
    const off = recorder.onFlush((result) => {
      off();
      resolve(result);
    });
  });
}

async function adminStore(rig: Rig): Promise<RecorderStatus> {
  return ((await (await fetch(`${rig.harness.proxy.adminUrl}/status`)).json()) as { store: RecorderStatus })
    .store;
}

async function droppedMetric(rig: Rig): Promise<number> {
  const text = await (await fetch(`${rig.harness.proxy.adminUrl}/metrics`)).text();
  return Number(/^strangler_store_dropped_records_total (\d+)/m.exec(text)?.[1] ?? NaN);
}

async function compared(store: ResultStore): Promise<number> {
  return (await store.comparisons({ routeId: 'products' })).reduce((sum, row) => sum + row.compared, 0);
}

/** Mirrored requests plus `unmatched` distinct unrouted ones; every answer must be a 200. */
async function traffic(rig: Rig, mirrored: number, unmatched: number, tag: string) {
  const outcomes = await runLoad(rig.harness.proxy.url, mirrored + unmatched, 8, (i) => ({
    path: i < mirrored ? `/api/products/${tag}-${i}` : `/unrouted/${tag}/${word(i)}`,
  }));
  await rig.harness.proxy.mirror.idle();
  expect(outcomes.filter((outcome) => outcome.status !== 200 || outcome.error !== null)).toEqual([]);
  return outcomes;
}

/** The outage as seen from outside: proxying fine, store unhealthy, drops counted; then recovery. */
async function outageAndRecovery(
  rig: Rig,
  breakStore: () => Promise<void>,
  repairStore: () => Promise<void>,
) {
  await traffic(rig, 20, 0, 'before');
  await rig.recorder.flush();
  expect(await compared(rig.store)).toBe(20);
  expect((await adminStore(rig)).healthy).toBe(true);

  await breakStore();
  const during = await traffic(rig, 40, 150, 'during');
  const failed = nextFlush(rig.recorder);
  void rig.recorder.flush();
  expect((await failed).ok).toBe(false);
  const down = await adminStore(rig);
  expect(down.healthy).toBe(false);
  expect(down.lastError).toBeTruthy();
  expect(down.dropped).toBeGreaterThan(0);
  expect(await droppedMetric(rig)).toBeGreaterThanOrEqual(down.dropped);
  expect((await fetch(`${rig.harness.proxy.adminUrl}/ready`)).status).toBe(200);

  await repairStore();
  // The recorder's own timer retries; wait for the first write that succeeds (bounded). Its timer only
  // writes when something is pending, and the failed batch may have been dropped whole (over the bound):
  // one more mirrored request gives it something to write.
  const firstAfter = nextFlush(rig.recorder);
  await traffic(rig, 1, 0, 'repaired');
  let result = await firstAfter;
  for (let i = 0; i < 50 && !result.ok; i += 1) result = await nextFlush(rig.recorder);
  expect(result.ok).toBe(true);
  expect(await adminStore(rig)).toMatchObject({ healthy: true, lastError: null });
  // From then on every comparison is stored again.
  await rig.recorder.flush();
  const stored = await compared(rig.store);
  await traffic(rig, 10, 0, 'after');
  await rig.recorder.flush();
  expect(await compared(rig.store)).toBe(stored + 10);
  expect((await adminStore(rig)).healthy).toBe(true);
  console.info(
    `[figures] store outage: ${during.length} requests during it, all 200; dropped ${down.dropped} records; recovered`,
  );
}

describe.skipIf(postgresBin() === null)('PostgreSQL stopped mid-run (a throwaway server)', () => {
  let pg: ThrowawayPostgres;
  let rig: Rig;
  beforeAll(async () => {
    pg = await startThrowawayPostgres();
    rig = await startRig(pg.url);
  });
  afterAll(async () => {
    await rig?.harness.close();
    await rig?.store.close();
    await pg?.destroy();
  });

  it('proxying is unaffected, drops are counted, the admin API says so, recovery is automatic', async () => {
    await outageAndRecovery(
      rig,
      () => pg.stop(),
      () => pg.start(),
    );
  });
});

describe('SQLite file locked by another process', () => {
  let dir: string;
  let rig: Rig;
  let holder: ReturnType<typeof knexFactory>;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'strangler-lock-'));
    const file = path.join(dir, 'results.db');
    rig = await startRig(`sqlite:${file}`, 100);
    holder = knexFactory({
      client: 'sqlite3',
      connection: { filename: file },
      useNullAsDefault: true,
      pool: { min: 1, max: 1 },
    });
  });
  afterAll(async () => {
    await rig.harness.close();
    await rig.store.close();
    await holder.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('proxying is unaffected, drops are counted, the admin API says so, recovery is automatic', async () => {
    await outageAndRecovery(
      rig,
      async () => {
        await holder.raw('BEGIN EXCLUSIVE');
      },
      async () => {
        await holder.raw('ROLLBACK');
      },
    );
  });
});
