/**
 * Contract of the two mirror executors (shadow worker, inline): the same jobs against the same real
 * upstreams give the same results. Plus what only the worker has: a thread that dies fails its jobs
 * (nothing waits forever) and the next job starts a new one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestUpstream, deadPort, type TestUpstream } from '../support/test-upstream.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import {
  createMirrorExecutor,
  SHADOW_WORKER_NAME,
  SHADOW_WORKER_SEMI_SPACE_MB,
  type MirrorExecutor,
  type MirrorThread,
} from '../../src/shadow/mirror-executor.ts';
import type { MirrorJob, MirrorPlan } from '../../src/shadow/mirror-job.ts';
import { joinSharedByteBudget, createSharedByteBudget } from '../../src/shadow/byte-budget.ts';

let calls = 0;
const product = (price: unknown) => (): string => JSON.stringify({ id: 7, price, stamp: `call-${++calls}` });
let legacy: TestUpstream;
let service: TestUpstream;
let hanging: TestUpstream;
let dead: string;

beforeAll(async () => {
  const answer = (body: () => string) => (_req: unknown, res: ServerResponse) => {
    const text = body();
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  legacy = await startTestUpstream('legacy', answer(product('1.50')));
  service = await startTestUpstream('service', (req, res, body) => {
    // Echoes the size of a body it got, so a test can see the mirror carried all of it.
    if (req.method === 'POST') return answer(() => JSON.stringify({ received: body.length }))(req, res);
    answer(product(req.url?.includes('number') ? 1.5 : '1.50'))(req, res);
  });
  hanging = await startTestUpstream('hanging', () => undefined);
  dead = await deadPort();
});
afterAll(async () => {
  await Promise.all([legacy.close(), service.close(), hanging.close()]);
});

const plan = (overrides: Partial<MirrorPlan> = {}): MirrorPlan => ({
  routeId: 'products',
  compare: { ignore: ['$.stamp'] },
  timeout: 300,
  maxResponseBytes: 1_048_576,
  noiseSample: 0,
  ...overrides,
});

function job(path: string, overrides: Partial<MirrorJob> = {}): MirrorJob {
  const body = Buffer.from(JSON.stringify({ id: 7, price: '1.50', stamp: 'primary' }));
  return {
    shadowTarget: service.url,
    primaryTarget: legacy.url,
    method: 'GET',
    path,
    primaryPath: path,
    headers: { host: 'example.test', 'x-strangler-shadow': '1' },
    body: null,
    safe: true,
    primarySide: 'legacy',
    primary: {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body,
      truncated: false,
      latencyMs: 1,
    },
    ...overrides,
  };
}

describe.each<MirrorThread>(['worker', 'inline'])('mirror executor (%s)', (thread) => {
  let executor: MirrorExecutor;
  beforeAll(() => {
    executor = createMirrorExecutor(thread, () => 64 * 1_048_576, silentLogger);
  });
  afterAll(() => executor.close());

  it('sends the copy and compares: a match carries only its figures back, no headers or bodies', async () => {
    const result = await executor.run(plan(), job('/api/products/7'));
    expect(result.kind).toBe('compared');
    if (result.kind !== 'compared') return;
    expect(result.verdict.outcome).toBe('match');
    for (const answer of [result.primary, result.shadow]) {
      expect(answer).toMatchObject({ status: 200, truncated: false, headers: {} });
      expect(answer.body.byteLength).toBe(0);
      expect(answer.latencyMs).toBeGreaterThan(0);
    }
    expect(executor.budget.used).toBe(0);
  });

  it('reports a mismatch with both bodies, each on its side', async () => {
    const result = await executor.run(plan(), job('/api/products/7?number'));
    if (result.kind !== 'compared') throw new Error(`expected a comparison, got ${result.kind}`);
    expect(result.verdict.outcome).toBe('mismatch');
    expect(result.verdict.differences.map((difference) => difference.path)).toEqual(['$.price']);
    expect(JSON.parse(Buffer.from(result.shadow.body).toString())).toMatchObject({ price: 1.5 });
    expect(JSON.parse(Buffer.from(result.primary.body).toString())).toMatchObject({ price: '1.50' });
    // A mismatch keeps its headers: the recorder samples it, headers included.
    expect(result.primary.headers).toMatchObject({ 'content-type': 'application/json' });
    expect(Object.keys(result.shadow.headers).length).toBeGreaterThan(0);
  });

  it('learns noise from probes of the primary side while warming up', async () => {
    const result = await executor.run(
      plan({ routeId: `noise-${thread}`, compare: null, noiseSample: 1 }),
      job('/api/products/7'),
    );
    if (result.kind !== 'compared') throw new Error(`expected a comparison, got ${result.kind}`);
    expect(result.learnedNoise).toEqual(['$.stamp']);
    expect(result.verdict.outcome).toBe('match');
    expect(result.verdict.noisy.map((difference) => difference.path)).toEqual(['$.stamp']);
  });

  it('carries a request body of many chunks whole, and moves it when told to', async () => {
    const body = Buffer.alloc(300_000, 120);
    const transfer = thread === 'worker' ? [body.buffer] : [];
    const result = await executor.run(
      plan({ compare: null }),
      job('/api/orders', { method: 'POST', safe: false, body, headers: { 'content-length': '300000' } }),
      transfer,
    );
    if (result.kind !== 'compared') throw new Error(`expected a comparison, got ${result.kind}`);
    expect(service.received.at(-1)?.body.length).toBe(300_000);
    expect(JSON.parse(Buffer.from(result.shadow.body).toString())).toEqual({ received: 300_000 });
  });

  it('fails a mirror to a dead or hanging service with its kind', async () => {
    const refused = await executor.run(plan(), job('/api/products/7', { shadowTarget: dead }));
    expect(refused).toMatchObject({ kind: 'failed', failure: 'connection_error' });
    const timedOut = await executor.run(
      plan({ timeout: 100 }),
      job('/api/products/7', { shadowTarget: hanging.url }),
    );
    expect(timedOut).toMatchObject({ kind: 'failed', failure: 'timeout' });
  });

  it('gives up a mirror whose answer does not fit the shared budget', async () => {
    const tight = createMirrorExecutor(thread, () => 20, silentLogger);
    try {
      expect(await tight.run(plan(), job('/api/products/7'))).toEqual({ kind: 'over_capacity' });
      expect(tight.budget.used).toBe(0);
    } finally {
      await tight.close();
    }
  });
});

describe('the shadow worker', () => {
  it('fails the jobs of a worker that died, then starts a new one for the next job', async () => {
    const crashing = new URL('./fixtures/crashing-worker.ts', import.meta.url);
    const executor = createMirrorExecutor('worker', () => 1_048_576, silentLogger, crashing);
    try {
      const inFlight = executor.run(
        plan({ timeout: 2_000 }),
        job('/api/products/7', { shadowTarget: hanging.url }),
      );
      await expect(executor.run(plan(), job('/crash'))).rejects.toThrow(/shadow worker exited \(3\)/);
      await expect(inFlight).rejects.toThrow(/shadow worker exited/);
      const after = await executor.run(plan(), job('/api/products/7'));
      expect(after).toMatchObject({ kind: 'compared', verdict: { outcome: 'match' } });
    } finally {
      await executor.close();
    }
  });

  it("does not fail the new worker's jobs when the old one's exit comes after them", async () => {
    const crashing = new URL('./fixtures/crashing-worker.ts', import.meta.url);
    const executor = createMirrorExecutor('worker', () => 1_048_576, silentLogger, crashing);
    try {
      const thrown = executor.run(plan(), job('/throw'));
      // Sent as soon as the failure is known, before the dead worker's exit event.
      const next = thrown.catch(() => executor.run(plan(), job('/api/products/7')));
      await expect(thrown).rejects.toThrow(/shadow worker failed: boom/);
      expect(await next).toMatchObject({ kind: 'compared', verdict: { outcome: 'match' } });
    } finally {
      await executor.close();
    }
  });

  it('runs with a young generation of its own size, whatever the process was started with', async () => {
    const reporting = new URL('./fixtures/heap-reporting-worker.ts', import.meta.url);
    const executor = createMirrorExecutor('worker', () => 1_048_576, silentLogger, reporting);
    try {
      const failure = await executor.run(plan(), job('/heap')).catch((error: unknown) => error);
      const bytes = Number(/new space (\d+)/.exec(String(failure))?.[1]);
      expect(bytes).toBeGreaterThan(0);
      // Two semi-spaces of SHADOW_WORKER_SEMI_SPACE_MB and a page or two; V8's own sizing gives 64 MB here.
      expect(bytes, `new space ${bytes}`).toBeLessThanOrEqual(3 * SHADOW_WORKER_SEMI_SPACE_MB * 1024 * 1024);
    } finally {
      await executor.close();
    }
  });

  it.runIf(process.platform === 'linux')(
    'runs on a thread of its own name, which the system shows (top -H, ps -L)',
    async () => {
      const threadNames = () =>
        readdirSync('/proc/self/task').map((task) => {
          try {
            return readFileSync(`/proc/self/task/${task}/comm`, 'utf8').trim();
          } catch {
            return ''; // a thread that ended since the listing
          }
        });
      const before = threadNames().filter((name) => name === SHADOW_WORKER_NAME).length;
      const executor = createMirrorExecutor('worker', () => 1_048_576, silentLogger);
      try {
        await executor.run(plan(), job('/api/products/7'));
        expect(threadNames().filter((name) => name === SHADOW_WORKER_NAME)).toHaveLength(before + 1);
      } finally {
        await executor.close();
      }
    },
  );

  /** Enough mirrors to see the warm-up happen; no time limit to cut it short on a slow machine. */
  const SHORT_WARM_UP = { runs: 40, maxMs: 60_000 };

  it('warms up on a listener of its own before its first job, and reports it', async () => {
    const seen = legacy.received.length + service.received.length;
    const executor = createMirrorExecutor('worker', () => 1_048_576, silentLogger, undefined, SHORT_WARM_UP);
    try {
      executor.prepare();
      const report = await executor.ready();
      expect(report).toEqual({ runs: 40, ms: expect.any(Number) as number });
      expect(executor.budget.used).toBe(0);
      // Nothing of the warm-up reached a real upstream; the first job is compared as any other.
      expect(legacy.received.length + service.received.length).toBe(seen);
      const first = await executor.run(plan(), job('/api/products/7'));
      expect(first).toMatchObject({ kind: 'compared', verdict: { outcome: 'match' } });
    } finally {
      await executor.close();
    }
  });

  it('stops a warm-up that cannot succeed short, and still takes jobs', async () => {
    const tight = createMirrorExecutor('worker', () => 20, silentLogger, undefined, SHORT_WARM_UP);
    try {
      tight.prepare();
      const report = await tight.ready();
      expect(report?.error).toMatch(/over_capacity/);
      expect(report?.runs).toBeLessThan(40);
      expect(tight.budget.used).toBe(0);
      expect(await tight.run(plan(), job('/api/products/7'))).toEqual({ kind: 'over_capacity' });
    } finally {
      await tight.close();
    }
  });

  it('is ready at once when no worker was started, and when mirrors run inline', async () => {
    const idle = createMirrorExecutor('worker', () => 1_048_576, silentLogger);
    const inline = createMirrorExecutor('inline', () => 1_048_576, silentLogger);
    try {
      expect(await idle.ready()).toBeNull();
      expect(await inline.ready()).toBeNull();
    } finally {
      await Promise.all([idle.close(), inline.close()]);
    }
  });

  it('settles its readiness when the worker fails to start', async () => {
    const missing = new URL('./fixtures/no-such-worker.ts', import.meta.url);
    const executor = createMirrorExecutor('worker', () => 1_048_576, silentLogger, missing);
    try {
      executor.prepare();
      expect(await executor.ready()).toBeNull();
    } finally {
      await executor.close();
    }
  });

  it('shares the byte budget with the thread that owns it', () => {
    const owner = createSharedByteBudget(() => 100);
    const other = joinSharedByteBudget(owner.shared);
    expect(owner.take(60)).toBe(true);
    expect(other.take(50)).toBe(false);
    expect(other.take(40)).toBe(true);
    expect(owner.used).toBe(100);
    other.give(40);
    owner.give(60);
    expect(other.used).toBe(0);
  });
});
