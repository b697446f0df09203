/**
 * Reloads under load: valid and invalid routes.yaml written in a loop (atomic renames, torn in-place
 * writes, an empty file, a deleted file, an unknown service, a retired upstream) while clients keep
 * sending; not one request fails, and every invalid file keeps the last good version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from 'node:http';
import { once } from 'node:events';
import { mkdir, mkdtemp, rename, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { startTestUpstream, type TestUpstream } from '../support/test-upstream.ts';
import { startHarness, type ProxyHarness } from '../support/proxy-harness.ts';
import { startProxy, type ReloadResult } from '../../src/runtime/start-proxy.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { send, type Outcome } from './support/http-client.ts';

let legacy: TestUpstream;
let catalogA: TestUpstream;
let catalogB: TestUpstream;

const execFileAsync = promisify(execFile);
const valid = (i: number) => {
  const catalog = i % 2 === 0 ? catalogA : catalogB;
  const stage = ['migrated', 'canary', 'shadow', 'legacy'][i % 4];
  const canary =
    stage === 'canary' ? `\n    canary: { percent: ${(i * 7) % 100}, sticky: header:x-user }` : '';
  return `
version: 1
legacy: ${legacy.url}
services:
  catalog: ${catalog.url}
routes:
  - id: products
    path: /api/products
    service: catalog
    stage: ${stage}${canary}
  - { id: orders, path: /api/orders, service: catalog, stage: legacy }
`;
};

const invalid = [
  'version: 1\nroutes: [ {',
  '',
  `version: 1\nlegacy: http://127.0.0.1:1\nroutes:\n  - { id: x, path: /x, service: nowhere, stage: migrated }\n`,
  'version: 2\n',
  '\u0000\u0001\u0002 not yaml at all',
];

beforeAll(async () => {
  legacy = await startTestUpstream('legacy');
  catalogA = await startTestUpstream('catalog-a');
  catalogB = await startTestUpstream('catalog-b');
});
afterAll(async () => {
  await legacy.close();
  await catalogA.close();
  await catalogB.close();
});

/** Keeps `workers` clients sending until `stop()`; returns every outcome. */
function startLoad(url: string, workers: number) {
  let stopped = false;
  const outcomes: Outcome[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: workers });
  const deadline = performance.now() + 60_000;
  const running = Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let i = 0; !stopped && i < 100_000 && performance.now() < deadline; i += 1) {
        const post = i % 5 === 0;
        outcomes.push(
          await send(url, post ? `/api/orders/${worker}` : `/api/products/${i}`, {
            agent,
            method: post ? 'POST' : 'GET',
            body: post ? 'x'.repeat(2_000) : undefined,
            headers: { 'x-user': `u${worker}-${i}` },
          }),
        );
      }
    }),
  );
  return {
    outcomes,
    async stop() {
      stopped = true;
      await running;
      agent.destroy();
      return outcomes;
    },
  };
}

describe('reloading in a loop under load', () => {
  let harness: ProxyHarness;
  beforeAll(async () => {
    harness = await startHarness(valid(0));
  });
  afterAll(() => harness.close());

  it('fails no request through 60 valid, invalid, torn and missing files', async () => {
    const load = startLoad(harness.proxy.url, 8);
    const results: Array<{ expected: boolean; result: ReloadResult }> = [];
    let lastGood = harness.proxy.snapshot().version;
    for (let i = 1; i <= 60; i += 1) {
      const kind = i % 6;
      let result: ReloadResult;
      if (kind === 0) {
        await unlink(harness.configFile);
        result = await harness.proxy.reload();
        results.push({ expected: false, result });
        await writeFile(harness.configFile, valid(i));
        result = await harness.proxy.reload();
        results.push({ expected: true, result });
      } else if (kind === 1) {
        // A torn write: the first half of a valid file, in place (no rename).
        const text = valid(i);
        await writeFile(harness.configFile, text.slice(0, Math.floor(text.length / 2)));
        result = await harness.proxy.reload();
        results.push({ expected: result.ok, result });
      } else if (kind === 2 || kind === 4) {
        result = await harness.rewrite(invalid[i % invalid.length] as string);
        results.push({ expected: false, result });
      } else {
        result = await harness.rewrite(valid(i));
        results.push({ expected: true, result });
      }
      if (results.at(-1)?.result.ok) lastGood = harness.proxy.snapshot().version;
      expect(harness.proxy.snapshot().version).toBe(lastGood);
    }
    const outcomes = await load.stop();

    expect(results.every(({ expected, result }) => result.ok === expected)).toBe(true);
    expect(results.filter(({ result }) => !result.ok).length).toBeGreaterThanOrEqual(30);
    expect(outcomes.length).toBeGreaterThan(200);
    const failed = outcomes.filter((outcome) => outcome.status !== 200 || outcome.error !== null);
    expect(
      failed.map((outcome) => `${outcome.status} ${outcome.error} ${outcome.body.slice(0, 80)}`),
    ).toEqual([]);
    // Both service URLs were really served (the upstream was swapped, and the retired one drained).
    expect(catalogA.received.length).toBeGreaterThan(0);
    expect(catalogB.received.length).toBeGreaterThan(0);
    console.info(
      `[figures] reload loop: ${results.length} reloads (${results.filter(({ result }) => !result.ok).length} refused), ${outcomes.length} requests, 0 failed`,
    );
  });
});

describe('polling picks up in-place writes', () => {
  it('never applies a torn file and fails no request', async () => {
    const harness = await startHarness(valid(0), { reloadInterval: 25 });
    const load = startLoad(harness.proxy.url, 4);
    try {
      for (let i = 1; i <= 12; i += 1) {
        const next = once(harness.proxy.events, 'reload') as Promise<[ReloadResult]>;
        const text = i % 3 === 0 ? invalid[i % invalid.length] + `\n# ${i}` : valid(i);
        await writeFile(harness.configFile, text);
        const [result] = await next;
        if (result.ok) expect(i % 3).not.toBe(0);
      }
      const outcomes = await load.stop();
      expect(outcomes.length).toBeGreaterThan(50);
      expect(outcomes.filter((outcome) => outcome.status !== 200 || outcome.error !== null)).toEqual([]);
    } finally {
      await load.stop();
      await harness.close();
    }
  });
});

describe('polling sees every way a file changes, though it reads only when the stat changes', () => {
  const canaryAt = (percent: number) => `
version: 1
legacy: ${legacy.url}
services:
  catalog: ${catalogA.url}
routes:
  - id: products
    path: /api/products
    service: catalog
    stage: canary
    canary: { percent: ${percent} }
`;

  it('an in-place edit of the same size with the modification time put back', async () => {
    const harness = await startHarness(canaryAt(10), { reloadInterval: 25 });
    const reference = `${harness.configFile}.times`;
    try {
      // touch -r copies the timestamps to the nanosecond (fs.utimes takes a double of seconds).
      await execFileAsync('touch', ['-r', harness.configFile, reference]);
      const before = await stat(harness.configFile, { bigint: true });
      const next = once(harness.proxy.events, 'reload') as Promise<[ReloadResult]>;
      await writeFile(harness.configFile, canaryAt(20));
      await execFileAsync('touch', ['-r', reference, harness.configFile]);
      const after = await stat(harness.configFile, { bigint: true });
      // Only the change time (set by the kernel on every write) tells the two apart.
      expect([after.ino, after.size, after.mtimeNs]).toEqual([before.ino, before.size, before.mtimeNs]);
      const [result] = await next;
      expect(result.ok).toBe(true);
      expect(harness.proxy.snapshot().routes.get('products')?.config.canary?.percent).toBe(20);
    } finally {
      await harness.close();
    }
  });

  it('a Kubernetes ConfigMap update: the ..data symlink swapped to a new directory', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'strangler-configmap-'));
    // The kubelet's layout: routes.yaml → ..data/routes.yaml, ..data → ..<timestamp>/
    await mkdir(path.join(dir, '..v1'));
    await writeFile(path.join(dir, '..v1', 'routes.yaml'), canaryAt(10));
    await symlink('..v1', path.join(dir, '..data'));
    await symlink(path.join('..data', 'routes.yaml'), path.join(dir, 'routes.yaml'));
    const proxy = await startProxy({
      configFile: path.join(dir, 'routes.yaml'),
      port: 0,
      admin: false,
      logger: silentLogger,
      reloadInterval: 25,
    });
    try {
      await mkdir(path.join(dir, '..v2'));
      await writeFile(path.join(dir, '..v2', 'routes.yaml'), canaryAt(30));
      const next = once(proxy.events, 'reload') as Promise<[ReloadResult]>;
      // Swapped atomically, as the kubelet does: a new symlink renamed over the old one.
      await symlink('..v2', path.join(dir, '..data_tmp'));
      await rename(path.join(dir, '..data_tmp'), path.join(dir, '..data'));
      const [result] = await next;
      expect(result.ok).toBe(true);
      expect(proxy.snapshot().routes.get('products')?.config.canary?.percent).toBe(30);
    } finally {
      await proxy.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
