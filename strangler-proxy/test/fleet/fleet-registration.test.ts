/**
 * Proxies sharing a results store register in it: each beats on its interval and at once after a reload
 * (with the revisions it now runs), `/status` and `status --fleet` list the live ones, a clean stop
 * removes the proxy, and one that stops beating (killed) is listed as gone once its missed beats are up,
 * and removed by a live proxy a day later.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startHarness, type ProxyHarness } from '../support/proxy-harness.ts';
import { startTestUpstream, type TestUpstream } from '../support/test-upstream.ts';
import { createKnexStore } from '../../src/store/knex-store.ts';
import type { ResultStore } from '../../src/store/result-store.ts';
import type { BeatResult } from '../../src/fleet/fleet-heartbeat.ts';
import type { RunningProxy } from '../../src/runtime/start-proxy.ts';
import { runStrangler } from '../support/cli-io.ts';
import type { FleetStatusJson } from '../../src/cli/fleet-status.ts';
import { GONE_ROWS_KEPT_MS } from '../../src/fleet/fleet-liveness.ts';

let legacy: TestUpstream;
let catalog: TestUpstream;
let dir: string;
let storeUrl: string;
let store: ResultStore;
const harnesses: ProxyHarness[] = [];

const routes = (stage: string) => `
version: 1
legacy: ${legacy.url}
services:
  catalog: ${catalog.url}
routes:
  - { id: products, path: /api/products, service: catalog, stage: ${stage} }
  - { id: orders, path: /api/orders, service: catalog, stage: legacy }
`;

beforeAll(async () => {
  legacy = await startTestUpstream('legacy');
  catalog = await startTestUpstream('catalog');
  dir = await mkdtemp(path.join(tmpdir(), 'strangler-fleet-'));
  storeUrl = `sqlite:${path.join(dir, 'results.db')}`;
  store = await createKnexStore({ url: storeUrl });
});
afterAll(async () => {
  for (const harness of harnesses) await harness.close();
  await store.close();
  await Promise.all([legacy.close(), catalog.close()]);
  await rm(dir, { recursive: true, force: true });
});

async function startFleetProxy(stage: string, heartbeatInterval = 60_000): Promise<ProxyHarness> {
  const harness = await startHarness(routes(stage), {
    fleet: { store, version: '9.9.9', heartbeatInterval, missedHeartbeats: 3 },
  });
  harnesses.push(harness);
  return harness;
}

function nextBeat(proxy: RunningProxy): Promise<BeatResult> {
  return (once(proxy.fleet!.events, 'beat') as Promise<[BeatResult]>).then(([result]) => result);
}

async function fleetStatus(): Promise<FleetStatusJson> {
  const run = await runStrangler(['status', '--fleet', '--json', '--store', storeUrl], { cwd: dir });
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as FleetStatusJson;
}

it('registers at start, beats on its interval, and shows the revisions a reload applied at once', async () => {
  const first = await startFleetProxy('shadow', 20);
  const [row] = await store.instances();
  expect(row).toMatchObject({
    id: first.proxy.fleet!.id,
    pid: process.pid,
    version: '9.9.9',
    configVersion: null,
    heartbeatInterval: 20,
    missedHeartbeats: 3,
    routeRevisions: { products: expect.any(String), orders: expect.any(String) },
  });
  const beat = await nextBeat(first.proxy);
  expect(beat.ok).toBe(true);
  const [later] = await store.instances();
  expect(later!.heartbeatAt).toBeGreaterThanOrEqual(row!.heartbeatAt);

  await first.close();
  expect(await store.instances()).toEqual([]);

  // No interval beat comes within the test: the one awaited is the reload's.
  const second = await startFleetProxy('shadow', 60_000);
  const [before] = await store.instances();
  const beatAfterReload = nextBeat(second.proxy);
  expect((await second.rewrite(routes('migrated'))).ok).toBe(true);
  expect((await beatAfterReload).ok).toBe(true);
  const [reloaded] = await store.instances();
  expect(reloaded!.routeRevisions.products).not.toBe(before!.routeRevisions.products);
  expect(reloaded!.routeRevisions.orders).toBe(before!.routeRevisions.orders);
  expect(reloaded!.routesRevision).not.toBe(before!.routesRevision);
  expect(reloaded!.appliedAt).toBeGreaterThanOrEqual(before!.appliedAt);
  await second.close();
});

it('lists live proxies in status --fleet and /status, a killed one as gone, a stopped one not at all', async () => {
  const a = await startFleetProxy('shadow');
  const b = await startFleetProxy('shadow');
  // A proxy killed outright: its row stays, its last heartbeat far older than three missed beats.
  const killed = {
    ...(await store.instances())[0]!,
    id: 'killed-host:1:abcdef',
    host: 'killed-host',
    pid: 1,
    heartbeatAt: Date.now() - 10 * 60_000,
  };
  await store.putInstance(killed);

  const fleet = await fleetStatus();
  expect(fleet.live.map((entry) => entry.id).sort()).toEqual([a.proxy.fleet!.id, b.proxy.fleet!.id].sort());
  expect(new Set(fleet.live.map((entry) => entry.routesRevision)).size).toBe(1);
  expect(fleet.gone.map((entry) => entry.id)).toEqual([killed.id]);
  expect(fleet.store).toContain('results.db');

  const text = await runStrangler(['status', '--fleet', '--store', storeUrl], { cwd: dir });
  expect(text.stdout).toContain('2 live, all on routes revision');
  expect(text.stdout).toContain(`gone: ${killed.id}`);

  const status = (await (await fetch(`${a.proxy.adminUrl}/status`)).json()) as {
    fleet: { self: string; live: { id: string }[]; gone: { id: string }[] };
  };
  expect(status.fleet.self).toBe(a.proxy.fleet!.id);
  expect(status.fleet.live.map((entry) => entry.id).sort()).toEqual(
    [a.proxy.fleet!.id, b.proxy.fleet!.id].sort(),
  );
  expect(status.fleet.gone.map((entry) => entry.id)).toEqual([killed.id]);

  await b.close();
  expect((await fleetStatus()).live.map((entry) => entry.id)).toEqual([a.proxy.fleet!.id]);
});

it('removes the rows of proxies gone for a day, and keeps those gone lately', async () => {
  const template = (await store.instances())[0]!;
  const goneSince = (ms: number, name: string) => ({
    ...template,
    id: `${name}:1:abcdef`,
    host: name,
    heartbeatAt: Date.now() - ms - template.heartbeatInterval * template.missedHeartbeats,
  });
  const lately = goneSince(60 * 60_000, 'gone-an-hour');
  const longAgo = goneSince(GONE_ROWS_KEPT_MS + 60_000, 'gone-a-day');
  await store.putInstance(lately);
  await store.putInstance(longAgo);

  const proxy = await startFleetProxy('shadow');
  // Beats are serialised: this one resolves after the first (which looks for rows to remove) is done.
  expect((await proxy.proxy.fleet!.beat()).ok).toBe(true);

  const ids = (await store.instances()).map((row) => row.id);
  expect(ids).toContain(lately.id);
  expect(ids).toContain(proxy.proxy.fleet!.id);
  expect(ids).not.toContain(longAgo.id);
  expect((await fleetStatus()).gone.map((entry) => entry.id)).toContain(lately.id);
});

it('takes one view: the fleet or a running proxy, not both', async () => {
  const run = await runStrangler(
    ['status', '--fleet', '--admin', 'http://127.0.0.1:9', '--store', storeUrl],
    {
      cwd: dir,
    },
  );
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('status takes --fleet or --admin, not both');
});
