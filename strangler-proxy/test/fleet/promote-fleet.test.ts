/**
 * `promote` refuses while the live proxies of the fleet run different revisions of the route, and says
 * which runs what; `--force` warns and goes on; gone proxies and other routes do not count.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createKnexStore } from '../../src/store/knex-store.ts';
import type { ResultStore, StoredInstance } from '../../src/store/result-store.ts';
import { runStrangler } from '../support/cli-io.ts';

let dir: string;
let storeUrl: string;
let store: ResultStore;

const routes = `version: 1
legacy: http://127.0.0.1:3000
services:
  catalog: http://127.0.0.1:4001
routes:
  - { id: products, path: /api/products, service: catalog, stage: shadow }
`;

const proxy = (id: string, revisions: Record<string, string>, heartbeatAt = Date.now()): StoredInstance => ({
  id,
  host: `host-${id}`,
  pid: 100,
  version: '0.1.0',
  routesRevision: 'whatever0000',
  routeRevisions: revisions,
  configVersion: null,
  startedAt: heartbeatAt,
  appliedAt: heartbeatAt,
  heartbeatAt,
  heartbeatInterval: 60_000,
  missedHeartbeats: 3,
});

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'strangler-promote-fleet-'));
  await writeFile(path.join(dir, 'routes.yaml'), routes);
  storeUrl = `sqlite:${path.join(dir, 'results.db')}`;
  store = await createKnexStore({ url: storeUrl });
});
beforeEach(async () => {
  for (const instance of await store.instances()) await store.removeInstance(instance.id);
});
afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const promote = (...more: string[]) =>
  runStrangler(['promote', 'products', '--store', storeUrl, ...more], { cwd: dir });

it('refuses while live proxies disagree on the route, naming each proxy and its revision', async () => {
  await store.putInstance(proxy('a', { products: 'aaaaaaaaaaaa' }));
  await store.putInstance(proxy('b', { products: 'bbbbbbbbbbbb' }));
  await store.putInstance(proxy('c', { products: 'aaaaaaaaaaaa' }));

  const run = await promote();
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('PROMOTE_FLEET_DISAGREES');
  expect(run.stderr).toContain('aaaaaaaaaaaa: a (host-a, pid 100), c (host-c, pid 100)');
  expect(run.stderr).toContain('bbbbbbbbbbbb: b (host-b, pid 100)');

  const forced = await promote('--force');
  expect(forced.stderr).not.toContain('PROMOTE_FLEET_DISAGREES');
  expect(forced.stderr).toContain('warning: the live proxies run 2 different revisions of products');
});

it('counts only live proxies, and only the route promoted', async () => {
  await store.putInstance(proxy('a', { products: 'aaaaaaaaaaaa', other: '1' }));
  await store.putInstance(proxy('b', { products: 'aaaaaaaaaaaa', other: '2' }));
  await store.putInstance(proxy('killed', { products: 'bbbbbbbbbbbb' }, Date.now() - 3_600_000));

  const run = await promote();
  expect(run.stderr).not.toContain('PROMOTE_FLEET_DISAGREES');
  expect(run.stderr).not.toContain('different revisions');
});
