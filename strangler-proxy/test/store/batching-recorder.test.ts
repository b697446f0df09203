import { afterEach, describe, expect, it } from 'vitest';
import { createBatchingRecorder, type BatchingRecorderOptions } from '../../src/store/batching-recorder.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { BUCKET_MS, type ResultStore } from '../../src/store/result-store.ts';
import { differenceBin, latencyBin } from '../../src/store/latency-histogram.ts';
import type { FlushResult, ObservableRecorder } from '../../src/store/types.ts';
import { routeSchema, type RouteConfig } from '../../src/config/schema.ts';
import { comparison, response, verdict } from './fixtures.ts';

const NOW = 1_700_000_000_000;
const recorders: ObservableRecorder[] = [];

afterEach(async () => {
  await Promise.all(recorders.splice(0).map((recorder) => recorder.close()));
});

function recorderFor(store: ResultStore, options: BatchingRecorderOptions = {}): ObservableRecorder {
  const recorder = createBatchingRecorder(store, { flushInterval: 60_000, clock: () => NOW, ...options });
  recorders.push(recorder);
  return recorder;
}

/** A memory store that fails while `down` is set, and can hold writes until released. */
function flakyStore() {
  const control = { down: false, hold: null as Promise<void> | null, writes: 0 };
  const store = createMemoryStore({
    beforeWrite: async () => {
      control.writes++;
      if (control.hold) await control.hold;
      if (control.down) throw new Error('SQLITE_READONLY: attempt to write a readonly database');
    },
  });
  return { store, control };
}

function nextFlush(recorder: ObservableRecorder): Promise<FlushResult> {
  return new Promise((resolve) => {
    const off = recorder.onFlush((result) => {
      off();
      resolve(result);
    });
  });
}

const route = (id: string, redact: string[] = []): RouteConfig =>
  routeSchema.parse({ id, path: `/${id}`, service: 'svc', stage: 'shadow', compare: { redact } });

describe('createBatchingRecorder', () => {
  it('aggregates comparisons into per-minute counters, latency bins and folded diff counts', async () => {
    const store = createMemoryStore();
    const recorder = recorderFor(store);
    const priceDiffs = verdict('mismatch', [
      { path: '$.items[0].price', kind: 'value' },
      { path: '$.items[1].price', kind: 'value' },
    ]);
    recorder.recordComparison(comparison({ verdict: verdict('match') }));
    recorder.recordComparison(comparison({ verdict: priceDiffs }));
    recorder.recordComparison(comparison({ at: NOW + BUCKET_MS, verdict: priceDiffs }));
    recorder.recordComparison(
      comparison({
        service: undefined,
        verdict: { ...verdict('error'), error: { side: 'service', kind: 'timeout', message: 'timed out' } },
      }),
    );
    await recorder.flush();

    expect(await store.comparisons()).toEqual([
      {
        routeId: 'orders',
        compared: 4,
        matched: 1,
        mismatched: 2,
        errors: 1,
        legacyErrors: 0,
        serviceErrors: 1,
      },
    ]);
    expect(await store.timeline({ step: BUCKET_MS })).toHaveLength(2);
    // Counted once per comparison even though two elements differed.
    expect(await store.diffs()).toEqual([
      { routeId: 'orders', path: '$.items[*].price', kind: 'value', count: 2 },
    ]);
    const scheme = 'relative_1pct';
    expect(await store.latency()).toEqual([
      // Paired differences of the three pairs where both sides answered: the same latency, 0 ms apart.
      { routeId: 'orders', source: 'paired', side: 'service', scheme, bin: differenceBin(0), count: 3 },
      { routeId: 'orders', source: 'shadow', side: 'legacy', scheme, bin: latencyBin(10), count: 4 },
      { routeId: 'orders', source: 'shadow', side: 'service', scheme, bin: latencyBin(10), count: 3 },
    ]);
    expect(await store.routes()).toEqual([{ routeId: 'orders', stage: 'shadow', lastSeen: NOW + BUCKET_MS }]);
    expect(recorder.status()).toMatchObject({ healthy: true, pending: 0, dropped: 0, lastFlushAt: NOW });
  });

  it('records skips, noise, served traffic, unmatched paths and route events', async () => {
    const store = createMemoryStore();
    const recorder = recorderFor(store);
    recorder.recordSkip('orders', 'too_large');
    recorder.recordSkip('orders', 'too_large');
    recorder.recordNoise('orders', ['$.requestId', '$.items[2].ts', '$.items[3].ts']);
    const served = { routeId: 'orders', stage: 'canary' as const, at: NOW, latencyMs: 30, fellBack: false };
    recorder.recordServed({ ...served, side: 'service', status: 200 });
    recorder.recordServed({ ...served, side: 'service', status: 503 });
    recorder.recordServed({ ...served, side: 'legacy', status: 200, fellBack: true });
    recorder.recordServed({ ...served, routeId: null, stage: null, side: 'legacy', status: 200 });
    recorder.recordUnmatched('get', '/users/42/orders?page=2');
    recorder.recordUnmatched('GET', '/users/7/orders');
    recorder.recordEvent({ routeId: 'orders', kind: 'auto_rollback', at: NOW, detail: 'error rate 50%' });
    await recorder.flush();

    expect(await store.skips()).toEqual([{ routeId: 'orders', reason: 'too_large', count: 2 }]);
    expect((await store.noise()).map((row) => [row.path, row.count])).toEqual([
      ['$.items[*].ts', 1],
      ['$.requestId', 1],
    ]);
    expect(await store.served()).toEqual([
      { routeId: '', side: 'legacy', requests: 1, errors: 0, fallbacks: 0 },
      { routeId: 'orders', side: 'legacy', requests: 1, errors: 0, fallbacks: 1 },
      { routeId: 'orders', side: 'service', requests: 2, errors: 1, fallbacks: 0 },
    ]);
    expect(await store.unmatched()).toEqual([{ method: 'GET', template: '/users/:id/orders', count: 2 }]);
    expect(await store.events()).toEqual([
      { routeId: 'orders', kind: 'auto_rollback', at: NOW, detail: 'error rate 50%' },
    ]);
    expect(await store.routes()).toEqual([{ routeId: 'orders', stage: 'canary', lastSeen: NOW }]);
  });

  it('keeps at most three samples per signature, and only up to maxPendingSamples per write', async () => {
    const store = createMemoryStore();
    const recorder = recorderFor(store, { maxPendingSamples: 4 });
    for (let i = 0; i < 5; i++) recorder.recordComparison(comparison({ at: NOW + i }));
    const other = verdict('mismatch', [{ path: 'status', kind: 'status' }]);
    recorder.recordComparison(comparison({ verdict: other }));
    recorder.recordComparison(comparison({ verdict: { ...other, signature: 'third' } }));
    await recorder.flush();

    const samples = await store.samples();
    expect(samples.map((s) => s.signature)).toEqual([
      '$.total:type',
      '$.total:type',
      '$.total:type',
      'status:status',
    ]);
    expect(recorder.status().droppedSamples).toBe(1);
    expect((await store.comparisons())[0]?.mismatched).toBe(7); // the counts are all kept
  });

  it('redacts credential headers and the route’s body fields before a sample is queued', async () => {
    const store = createMemoryStore();
    let routes = [route('orders', ['$.card.number', '$..ssn'])];
    const recorder = recorderFor(store, { routes: () => routes });
    recorder.recordComparison(
      comparison({
        request: {
          method: 'POST',
          url: '/orders',
          headers: { Authorization: 'Bearer s3cret', cookie: 'sid=s3cret', 'x-trace': 'keep-me' },
          body: new TextEncoder().encode(JSON.stringify({ card: { number: '4111', cvc: 1 }, note: 'hi' })),
          requestId: 'r',
        },
        legacy: response(
          201,
          { owner: { ssn: '078-05-1120' }, id: 1 },
          { headers: { 'set-cookie': ['a=1', 'b=2'] } },
        ),
        service: response(201, 'not json at all'),
      }),
    );
    await recorder.flush();

    const [stored] = await store.samples();
    expect(stored?.request.headers).toEqual({
      authorization: '[redacted]',
      cookie: '[redacted]',
      'x-trace': 'keep-me',
    });
    expect(JSON.parse(stored?.request.body ?? '')).toEqual({
      card: { number: '[redacted]', cvc: 1 },
      note: 'hi',
    });
    expect(JSON.parse(stored?.legacy?.body ?? '')).toEqual({ owner: { ssn: '[redacted]' }, id: 1 });
    expect(stored?.legacy?.headers['set-cookie']).toBe('[redacted]');
    // A body that can't be parsed can't be redacted field by field: it is withheld.
    expect(stored?.service?.body).toMatch(/^\[body withheld/);

    // After a reload without redaction rules, the next new signature is stored as is.
    routes = [route('orders')];
    recorder.recordComparison(comparison({ verdict: verdict('mismatch', [{ path: '$.x', kind: 'value' }]) }));
    await recorder.flush();
    expect((await store.samples()).find((s) => s.signature === '$.x:value')?.legacy?.body).toContain('12.50');
  });

  it('cuts stored bodies to the excerpt limit', async () => {
    const store = createMemoryStore();
    const recorder = recorderFor(store, { excerptBytes: 64 });
    recorder.recordComparison(comparison({ legacy: response(200, 'é'.repeat(100), { headers: {} }) }));
    await recorder.flush();

    const [stored] = await store.samples();
    expect(new TextEncoder().encode(stored?.legacy?.body ?? '').byteLength).toBeLessThanOrEqual(64);
    expect(stored?.legacy?.body).toMatch(/^é+$/);
    expect(stored?.legacy?.truncated).toBe(true);
  });

  it('never throws into the caller, and counts what it could not record', () => {
    const recorder = recorderFor(createMemoryStore());
    expect(() =>
      recorder.recordComparison({ ...comparison(), verdict: undefined } as unknown as Parameters<
        ObservableRecorder['recordComparison']
      >[0]),
    ).not.toThrow();
    expect(recorder.status()).toMatchObject({ dropped: 1, healthy: false });
  });

  it('keeps records through a store outage and writes them once it is back', async () => {
    const { store, control } = flakyStore();
    const recorder = recorderFor(store);
    control.down = true;
    recorder.recordComparison(comparison({ verdict: verdict('match') }));
    const failed = nextFlush(recorder);
    await recorder.flush();
    expect(await failed).toMatchObject({ ok: false, records: 1, dropped: 0 });
    recorder.recordComparison(comparison({ verdict: verdict('match') }));
    expect(recorder.status()).toMatchObject({
      healthy: false,
      pending: 2,
      dropped: 0,
      lastFlushAt: null,
      lastError: expect.stringContaining('readonly'),
    });

    control.down = false;
    await recorder.flush();

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
    expect(recorder.status()).toMatchObject({ healthy: true, pending: 0, dropped: 0, lastError: null });
  });

  it('drops and counts records beyond the pending bound while the store is down', async () => {
    const { store, control } = flakyStore();
    const recorder = recorderFor(store, { maxPendingRows: 10 });
    control.down = true;
    const recorded = 30;
    for (let i = 0; i < recorded; i++) {
      recorder.recordSkip(`route-${i}`, 'timeout'); // one new row each
      if (i % 5 === 4) await recorder.flush();
    }
    control.down = false;
    await recorder.flush();

    const stored = (await store.skips()).reduce((sum, row) => sum + row.count, 0);
    const { dropped, pending } = recorder.status();
    expect(dropped).toBeGreaterThan(0);
    expect(pending).toBe(0);
    expect(stored + dropped).toBe(recorded);
  });

  it('bounds route events like counter rows', async () => {
    const { store, control } = flakyStore();
    const recorder = recorderFor(store, { maxPendingRows: 3 });
    control.down = true;
    for (let i = 0; i < 5; i++)
      recorder.recordEvent({ routeId: 'orders', kind: 'reload', at: i, detail: '' });
    control.down = false;
    await recorder.flush();

    expect(await store.events()).toHaveLength(3);
    expect(recorder.status().dropped).toBe(2);
  });

  it('writes on its timer without being asked', async () => {
    const store = createMemoryStore();
    const recorder = recorderFor(store, { flushInterval: 10 });
    const flushed = nextFlush(recorder);
    recorder.recordSkip('orders', 'loop');

    expect(await flushed).toEqual({ ok: true, records: 1, dropped: 0 });
    expect(await store.skips()).toEqual([{ routeId: 'orders', reason: 'loop', count: 1 }]);
  });

  it('flush() waits for a write in flight, then writes what came after it', async () => {
    const { store, control } = flakyStore();
    const recorder = recorderFor(store);
    let release = () => undefined as void;
    control.hold = new Promise<void>((resolve) => (release = resolve));
    recorder.recordSkip('orders', 'loop');
    const first = recorder.flush();
    recorder.recordSkip('orders', 'loop');
    const second = recorder.flush();
    control.hold = null;
    release();
    await Promise.all([first, second]);

    expect(await store.skips()).toEqual([{ routeId: 'orders', reason: 'loop', count: 2 }]);
  });

  it('reports a write that hangs as unhealthy', async () => {
    const { store, control } = flakyStore();
    let now = NOW;
    const recorder = recorderFor(store, { clock: () => now, stallAfter: 1_000, closeTimeout: 20 });
    control.hold = new Promise(() => undefined); // never settles
    recorder.recordSkip('orders', 'loop');
    void recorder.flush();
    await new Promise((resolve) => setImmediate(resolve));
    now += 5_000;

    expect(recorder.status()).toMatchObject({
      healthy: false,
      lastError: expect.stringContaining('5000 ms'),
    });
    await recorder.close(); // gives up after closeTimeout
    expect(recorder.status().dropped).toBe(1);
  });

  it('close() writes what is pending, then refuses and counts further records', async () => {
    const store = createMemoryStore();
    const recorder = recorderFor(store);
    recorder.recordSkip('orders', 'loop');
    await recorder.close();
    recorder.recordSkip('orders', 'loop');

    expect(await store.skips()).toEqual([{ routeId: 'orders', reason: 'loop', count: 1 }]);
    expect(recorder.status()).toMatchObject({ dropped: 1, pending: 0 });
  });

  it('close() counts what it could not write as dropped', async () => {
    const { store, control } = flakyStore();
    const recorder = recorderFor(store);
    control.down = true;
    recorder.recordSkip('orders', 'loop');
    recorder.recordSkip('orders', 'timeout');
    await recorder.close();

    expect(recorder.status()).toMatchObject({ dropped: 2, pending: 0, healthy: false });
  });
});
