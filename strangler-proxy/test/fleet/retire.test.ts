/**
 * `retire <route>`: from the evidence a real proxy recorded, the certificate holds for a migrated route the
 * monolith served nothing of, and is refused, with its figures, for a route the monolith still served,
 * one without traffic, and one under whose path requests still went unclaimed to the monolith.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startRecordedProxy, type RecordedProxy } from '../support/recorded-proxy.ts';
import { startTestUpstream, type TestUpstream } from '../support/test-upstream.ts';

let legacy: TestUpstream;
let catalog: TestUpstream;
let recorded: RecordedProxy;

beforeAll(async () => {
  legacy = await startTestUpstream('legacy');
  catalog = await startTestUpstream('catalog');
  recorded = await startRecordedProxy(`
version: 1
legacy: ${legacy.url}
services:
  catalog: ${catalog.url}
routes:
  - { id: products, path: /api/products, methods: [GET], service: catalog, stage: migrated }
  - { id: prices, path: /api/prices, service: catalog, stage: migrated }
  - { id: orders, path: /api/orders, service: catalog, stage: canary, canary: { percent: 50 } }
  - { id: users, path: /api/users, service: catalog, stage: migrated }
`);
  await recorded.traffic('/api/prices', 4);
  await recorded.traffic('/api/products', 3);
  await recorded.traffic('/api/orders', 20);
  // A method the products route does not take: the monolith answers it, unclaimed.
  const post = await fetch(`${recorded.proxy.url}/api/products/17`, { method: 'POST', body: '{}' });
  await post.arrayBuffer();
  await recorded.recorder.flush();
});
afterAll(async () => {
  await recorded.close();
  await Promise.all([legacy.close(), catalog.close()]);
});

it('certifies a migrated route the monolith served none of, as Markdown fit for a pull request', async () => {
  const run = await recorded.cli(['retire', 'prices']);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toContain('## Retirement certificate: route `prices`');
  expect(run.stdout).toContain('| The service served the route | 4 requests served by catalog | ✓ |');
  expect(run.stdout).toContain('0 requests served by the monolith (0 of them fallbacks)');
  expect(run.stdout).toContain('**Retirable:**');
  expect(run.stderr).toContain('store: sqlite:');
});

it('refuses a route under whose path the monolith still answered, naming the paths', async () => {
  const run = await recorded.cli(['retire', 'products', '--json']);
  expect(run.code).toBe(1);
  const certificate = JSON.parse(run.stdout) as {
    retirable: boolean;
    checks: { name: string; passed: boolean }[];
    unclaimed: { method: string; template: string; count: number }[];
  };
  expect(certificate.retirable).toBe(false);
  expect(certificate.checks.filter((check) => !check.passed).map((check) => check.name)).toEqual([
    'unclaimed_paths',
  ]);
  expect(certificate.unclaimed).toEqual([{ method: 'POST', template: '/api/products/:id', count: 1 }]);
});

it('refuses, with figures, a route the monolith still served and one without any traffic', async () => {
  const orders = await recorded.cli(['retire', 'orders', '--json']);
  expect(orders.code).toBe(1);
  const checks = (
    JSON.parse(orders.stdout) as { checks: { name: string; passed: boolean; figure: string }[] }
  ).checks;
  expect(checks.find((check) => check.name === 'migrated')?.passed).toBe(false);
  const monolith = checks.find((check) => check.name === 'monolith_traffic');
  expect(monolith?.passed).toBe(false);
  expect(monolith?.figure).toMatch(/^[1-9]\d* requests served by the monolith/);

  const users = await recorded.cli(['retire', 'users']);
  expect(users.code).toBe(1);
  expect(users.stdout).toContain('| The service served the route | 0 requests served by catalog | ✗ |');
  expect(users.stdout).toContain('**Refused:** not shown: the service served the route.');
});

it('will not prove more than the inventory keeps, nor certify a route it does not know', async () => {
  const long = await recorded.cli(['retire', 'prices', '--window', '30d']);
  expect(long.code).toBe(2);
  expect(long.stderr).toContain('--window 30d is longer than the 7 days the inventory');
  const unknown = await recorded.cli(['retire', 'nope']);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain('no route "nope"');
});
