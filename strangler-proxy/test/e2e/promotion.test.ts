import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  startTestUpstream,
  deadPort,
  jsonEcho,
  type TestUpstream,
  type UpstreamHandler,
} from '../support/test-upstream.ts';
import { runStrangler } from '../support/cli-io.ts';
import { startProxy, type ReloadResult, type RunningProxy } from '../../src/runtime/start-proxy.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { openRecorder } from '../../src/runtime/open-recorder.ts';
import type { ResultRecorder } from '../../src/store/types.ts';

const product: UpstreamHandler = (req, res) => {
  const body = JSON.stringify({ id: 1, name: 'Lamp', price: '12.50', url: req.url });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
};
const wrongPrice: UpstreamHandler = (req, res) => {
  const body = JSON.stringify({ id: 1, name: 'Lamp', price: 12.5, url: req.url });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

let legacy: TestUpstream;
let service: TestUpstream;
let dir: string;

beforeAll(async () => {
  legacy = await startTestUpstream('legacy', product);
  service = await startTestUpstream('service', product);
});
afterAll(async () => {
  await legacy.close();
  await service.close();
});

interface Running {
  proxy: RunningProxy;
  recorder: ResultRecorder;
  file: string;
  store: string;
}
let running: Running | null = null;
afterEach(async () => {
  await running?.proxy.close();
  running = null;
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface LatencyLimits {
  readonly ratio: number;
  readonly floorMs: number;
}
/**
 * The walks are about moving the route, on answers that match: twin servers on a machine starved of
 * CPU can differ by tens of ms (a mirror queues behind the others), so their latency limits are wide.
 * Latency is judged by its own test below (and `paired-latency.test.ts`).
 */
const WALK_LATENCY: LatencyLimits = { ratio: 50, floorMs: 1_000 };

const routesFile = (
  serviceUrl: string,
  stage: string,
  latency: LatencyLimits = WALK_LATENCY,
) => `# The catalog's move off the monolith.
version: 1
legacy: ${legacy.url}   # the monolith
services:
  catalog: ${serviceUrl}

routes:
  # Product pages: the first route to leave.
  - id: products
    path: /api/products
    service: catalog
    stage: ${stage}          # moved by strangler promote
    shadow: { percent: 100, noiseSample: 0 }
    plan:
      steps: [10, 50, 100]
      # 10% limits: 40 clean pairs show them (their 95% upper bound is 7.2%); 1% would take 299.
      # No time at a step and one served request: the walk runs in a test, not over hours.
      minStepDuration: 0
      gate: { minCompared: 30, minServed: 1, maxMismatchRate: 0.1, maxErrorRate: 0.1, maxLatencyRatio: ${latency.ratio}, maxLatencyIncreaseMs: ${latency.floorMs} }
`;

async function start(serviceUrl: string, stage = 'legacy', latency?: LatencyLimits): Promise<Running> {
  dir = await mkdtemp(path.join(tmpdir(), 'strangler-promote-'));
  const file = path.join(dir, 'routes.yaml');
  const store = `sqlite:${path.join(dir, 'strangler.db')}`;
  await writeFile(file, routesFile(serviceUrl, stage, latency));
  const recorder = await openRecorder(store, { cwd: dir, logger: silentLogger, flushInterval: 60_000 });
  const proxy = await startProxy({
    configFile: file,
    port: 0,
    admin: { port: 0 },
    recorder,
    logger: silentLogger,
    reloadInterval: 25,
  });
  running = { proxy, recorder, file, store };
  return running;
}

async function traffic(proxy: RunningProxy, count: number, userPrefix = 'u'): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const response = await fetch(`${proxy.url}/api/products/${i}`, {
      headers: { 'x-user-id': `${userPrefix}${i}` },
    });
    await response.arrayBuffer();
    statuses.push(response.status);
  }
  await proxy.mirror.idle();
  return statuses;
}

/** Runs `strangler promote|rollback …` and waits for the running proxy to hot-reload the edited file. */
async function step(
  current: Running,
  argv: string[],
): Promise<{ code: number; stdout: string; stderr: string; reload: ReloadResult | null }> {
  await current.recorder.flush();
  const reloaded = once(current.proxy.events, 'reload');
  const storeFlag = argv[0] === 'rollback' ? [] : ['--store', current.store];
  const result = await runStrangler([...argv, '--config', current.file, ...storeFlag], { cwd: dir });
  const changed = result.code === 0 && !argv.includes('--dry-run');
  const reload = changed ? ((await reloaded)[0] as ReloadResult) : null;
  return { ...result, reload };
}

/** {@link step}, which must succeed: a failure shows what the command said (a gate's figures). */
async function passes(current: Running, argv: string[]): Promise<void> {
  const result = await step(current, argv);
  expect(result.code, `${argv.join(' ')}: ${result.stdout}${result.stderr}`).toBe(0);
}

describe('moving a route step by step', () => {
  it('promotes from legacy to migrated on real shadow evidence, and rolls back', async () => {
    const current = await start(service.url);
    const before = await readFile(current.file, 'utf8');

    const toShadow = await step(current, ['promote', 'products']);
    expect(toShadow.code).toBe(0);
    expect(toShadow.reload?.ok).toBe(true);
    const afterShadow = await readFile(current.file, 'utf8');
    // Byte-identical except the changed value: comments and layout kept.
    expect(afterShadow).toBe(before.replace('stage: legacy ', 'stage: shadow '));
    expect(current.proxy.snapshot().routes.get('products')?.stage).toBe('shadow');

    // Not enough evidence yet: the gate says so with the figures.
    const early = await step(current, ['promote', 'products']);
    expect(early.code).toBe(1);
    expect(early.stdout + early.stderr).toMatch(/compared|minCompared|evidence/i);

    await traffic(current.proxy, 40);
    const toCanary = await step(current, ['promote', 'products']);
    expect(toCanary.code).toBe(0);
    expect(current.proxy.snapshot().routes.get('products')?.config.canary?.percent).toBe(10);

    await traffic(current.proxy, 40);
    await passes(current, ['promote', 'products']);
    expect(current.proxy.snapshot().routes.get('products')?.config.canary?.percent).toBe(50);
    await traffic(current.proxy, 40);
    await passes(current, ['promote', 'products']);
    expect(current.proxy.snapshot().routes.get('products')?.stage).toBe('migrated');
    const served = await traffic(current.proxy, 5);
    expect(served).toEqual([200, 200, 200, 200, 200]);

    const back = await step(current, ['rollback', 'products']);
    expect(back.code).toBe(0);
    expect(current.proxy.snapshot().routes.get('products')?.config.canary?.percent).toBe(50);
    await passes(current, ['rollback', 'products', '--to', 'legacy']);
    expect(current.proxy.snapshot().routes.get('products')?.stage).toBe('legacy');
  });

  it('refuses to promote a mismatching service, naming the failed condition with its figures', async () => {
    const mismatching = await startTestUpstream('mismatching', wrongPrice);
    const current = await start(mismatching.url, 'shadow');
    await traffic(current.proxy, 40);
    const result = await step(current, ['promote', 'products']);
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/mismatch/i);
    expect(result.stdout + result.stderr).toMatch(/100(\.0)?%/);
    expect(current.proxy.snapshot().routes.get('products')?.stage).toBe('shadow');

    const forced = await step(current, ['promote', 'products', '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout + forced.stderr).toMatch(/force/i);
    await mismatching.close();
  });

  it('calls a slower service `slower` in the report and refuses it in promote, in the same words', async () => {
    // Same answers, ten times slower than the gate allows: only latency tells them apart.
    const slow = await startTestUpstream('slow', (req, res, body) => {
      setTimeout(() => product(req, res, body), 150);
    });
    const current = await start(slow.url, 'shadow', { ratio: 3, floorMs: 10 });
    await traffic(current.proxy, 40);
    await current.recorder.flush();

    const report = await runStrangler(
      ['report', '--format', 'json', '--config', current.file, '--store', current.store],
      { cwd: dir },
    );
    expect(report.code).toBe(0);
    const route = (
      JSON.parse(report.stdout) as {
        routes: Array<{ id: string; mismatched: number; verdict: string; verdictReason: string }>;
      }
    ).routes.find((entry) => entry.id === 'products');
    expect(route).toMatchObject({ mismatched: 0, verdict: 'slower' });
    expect(route?.verdictReason).toMatch(
      /^service − legacy latency on the same requests: median \+[\d.]+ ms, 95% upper bound \+[\d.]+ ms \(sign test, \d+ pairs\) > \+[\d.]+ ms \(2 × legacy median [\d.]+ ms\) and > 10 ms floor$/,
    );

    const result = await step(current, ['promote', 'products']);
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toContain(route?.verdictReason);
    expect(current.proxy.snapshot().routes.get('products')?.stage).toBe('shadow');
    await slow.close();
  });

  it('prints the diff and writes nothing with --dry-run', async () => {
    const current = await start(service.url);
    const before = await readFile(current.file, 'utf8');
    const result = await step(current, ['promote', 'products', '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/-\s+stage: legacy/);
    expect(result.stdout).toMatch(/\+\s+stage: shadow/);
    expect(await readFile(current.file, 'utf8')).toBe(before);
  });
});

describe('safety net at run time', () => {
  const fallbackRoutes = (serviceUrl: string, extra = '') => `
version: 1
legacy: ${legacy.url}
services:
  catalog: { url: "${serviceUrl}", timeout: 300ms, retry: { attempts: 0 }, breaker: { consecutiveFailures: 3, openFor: 200ms } }
routes:
  - id: products
    path: /api/products
    service: catalog
    stage: migrated
    fallback: legacy
${extra}`;

  async function startWith(yaml: string): Promise<Running> {
    dir = await mkdtemp(path.join(tmpdir(), 'strangler-safety-'));
    const file = path.join(dir, 'routes.yaml');
    await writeFile(file, yaml);
    const recorder = await openRecorder('none', { cwd: dir, logger: silentLogger });
    const proxy = await startProxy({
      configFile: file,
      port: 0,
      admin: { port: 0 },
      recorder,
      logger: silentLogger,
      reloadInterval: 0,
    });
    running = { proxy, recorder, file, store: 'none' };
    return running;
  }

  for (const [name, kind] of [
    ['dead', 'dead'],
    ['hanging', 'hanging'],
  ] as const) {
    it(`serves safe requests from the monolith when the service is ${name}, and fails writes cleanly`, async () => {
      const hanging = kind === 'hanging' ? await startTestUpstream('hanging', () => undefined) : null;
      const current = await startWith(fallbackRoutes(hanging?.url ?? (await deadPort())));
      const get = await fetch(`${current.proxy.url}/api/products/1`);
      expect(get.status).toBe(200);
      expect(((await get.json()) as { id: number }).id).toBe(1);
      const post = await fetch(`${current.proxy.url}/api/products`, { method: 'POST', body: '{}' });
      expect(post.status).toBe(kind === 'dead' ? 502 : 504);
      const metrics = await (await fetch(`${current.proxy.adminUrl}/metrics`)).text();
      expect(metrics).toMatch(/strangler_fallbacks_total\{route="products"\} 1/);
      await hanging?.close();
    });
  }

  it('opens the breaker after consecutive failures, serves the fallback without calling the service, and closes again', async () => {
    const flaky = await startTestUpstream('flaky', (req, res) => {
      res.writeHead(500);
      res.end();
    });
    const current = await startWith(fallbackRoutes(flaky.url));
    for (let i = 0; i < 3; i += 1) await (await fetch(`${current.proxy.url}/api/products/1`)).arrayBuffer();
    const status = (await (await fetch(`${current.proxy.adminUrl}/status`)).json()) as {
      upstreams: Record<string, { breaker: string }>;
    };
    expect(status.upstreams.catalog?.breaker).toBe('open');
    const calls = flaky.received.length;
    const whileOpen = await fetch(`${current.proxy.url}/api/products/1`);
    expect(whileOpen.status).toBe(200);
    expect(((await whileOpen.json()) as { url: string }).url).toBe('/api/products/1');
    expect(flaky.received.length).toBe(calls);
    const openPost = await fetch(`${current.proxy.url}/api/products`, { method: 'POST', body: '{}' });
    expect(openPost.status).toBe(503);

    // The service recovers; after openFor one probe goes through and closes the breaker.
    flaky.setHandler(jsonEcho('flaky'));
    const guard = current.proxy.snapshot().upstreams.get('catalog')!.guard;
    const closed = new Promise<void>((resolve) =>
      guard.onBreakerChange((state) => state === 'closed' && resolve()),
    );
    const deadline = Date.now() + 5_000;
    let servedByService = false;
    while (!servedByService && Date.now() < deadline) {
      const response = await fetch(`${current.proxy.url}/api/products/2`);
      servedByService = ((await response.json()) as { upstream?: string }).upstream === 'flaky';
      if (!servedByService) await new Promise((resolve) => setImmediate(resolve));
    }
    await closed;
    expect(guard.breakerState).toBe('closed');
    await flaky.close();
  });

  it('does not count clients that give up as failures of the service', async () => {
    const slow = await startTestUpstream('slow', () => undefined);
    const current = await startWith(fallbackRoutes(slow.url).replace('timeout: 300ms', 'timeout: 10s'));
    for (let i = 0; i < 6; i += 1) {
      const arrived = slow.nextRequest();
      const controller = new AbortController();
      const pending = fetch(`${current.proxy.url}/api/products/${i}`, { signal: controller.signal }).catch(
        () => null,
      );
      await arrived;
      controller.abort();
      await pending;
    }
    const guard = current.proxy.snapshot().upstreams.get('catalog')!.guard;
    expect(guard.breakerState).toBe('closed');
    await slow.close();
  });

  it('rolls a failing canary back to legacy automatically, without touching the file', async () => {
    const failing = await startTestUpstream('failing', (req, res) => {
      res.writeHead(503);
      res.end();
    });
    const yaml = `
version: 1
legacy: ${legacy.url}
services:
  catalog: ${failing.url}
routes:
  - id: products
    path: /api/products
    service: catalog
    stage: canary
    canary: { percent: 100 }
    autoRollback: { errorRate: 0.5, minRequests: 10, window: 1m }
`;
    const current = await startWith(yaml);
    const statuses = await traffic(current.proxy, 30);
    expect(statuses.slice(0, 10).every((status) => status === 503)).toBe(true);
    expect(statuses.slice(10).every((status) => status === 200)).toBe(true);
    const status = (await (await fetch(`${current.proxy.adminUrl}/status`)).json()) as {
      autoRollbacks: Array<{ routeId: string }>;
    };
    expect(status.autoRollbacks.map((entry) => entry.routeId)).toEqual(['products']);
    expect(await readFile(current.file, 'utf8')).toBe(yaml);
    await failing.close();
  });
});

describe('migration progress and inventory', () => {
  it('shows what each side serves and what the monolith still serves', async () => {
    const current = await start(service.url, 'migrated');
    await traffic(current.proxy, 6);
    for (const pathname of ['/api/users/17', '/api/users/18', '/api/carts/9/items', '/api/users/19']) {
      await (await fetch(`${current.proxy.url}${pathname}`)).arrayBuffer();
    }
    const status = (await (await fetch(`${current.proxy.adminUrl}/status`)).json()) as {
      progress: {
        requests: { legacy: number; service: number; serviceShare: number };
        routesMigrated: number;
      };
    };
    expect(status.progress.requests).toMatchObject({ legacy: 4, service: 6 });
    expect(status.progress.requests.serviceShare).toBeCloseTo(0.6);
    expect(status.progress.routesMigrated).toBe(1);

    await current.recorder.flush();
    const inventory = await runStrangler(['inventory', '--store', current.store, '--json'], { cwd: dir });
    const parsed = JSON.parse(inventory.stdout) as {
      templates: Array<{ method: string; template: string; count: number }>;
    };
    expect(parsed.templates).toEqual([
      { method: 'GET', template: '/api/users/:id', count: 3 },
      { method: 'GET', template: '/api/carts/:id/items', count: 1 },
    ]);
  });
});

describe('a results store that is down at start', () => {
  it('does not stop the proxy from starting and serving; the admin API says the store is unhealthy', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'strangler-store-down-'));
    const file = path.join(dir, 'routes.yaml');
    await writeFile(file, routesFile(service.url, 'shadow'));
    const deadStore = `postgres://postgres@127.0.0.1:${new URL(await deadPort()).port}/test`;
    const recorder = await openRecorder(deadStore, { cwd: dir, logger: silentLogger, flushInterval: 60_000 });
    const proxy = await startProxy({
      configFile: file,
      port: 0,
      admin: { port: 0 },
      recorder,
      logger: silentLogger,
      reloadInterval: 0,
    });
    running = { proxy, recorder, file, store: deadStore };
    expect(await traffic(proxy, 3)).toEqual([200, 200, 200]);
    await recorder.flush();
    const status = (await (await fetch(`${proxy.adminUrl}/status`)).json()) as {
      store: { healthy: boolean; lastError: unknown };
    };
    expect(status.store.healthy).toBe(false);
    expect(String(status.store.lastError)).toMatch(/ECONNREFUSED/);
  });
});
