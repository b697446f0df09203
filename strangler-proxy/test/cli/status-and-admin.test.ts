/**
 * The CLI knows the running proxy: `status`, `routes` and `explain` with `--admin` (or
 * STRANGLER_ADMIN_URL) read the live table from the admin API, automatic rollbacks and breakers
 * included; without it they say they show the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadPort, startTestUpstream } from '../support/test-upstream.ts';
import { startRecordedProxy, type RecordedProxy } from '../support/recorded-proxy.ts';
import { runStrangler } from '../support/cli-io.ts';
import type { StatusView } from '../../src/cli/status/status-view.ts';
import type { RoutesJson } from '../../src/cli/commands/routes.ts';

/** The CLI in the proxy's folder, beside its routes.yaml. */
const cli = (argv: readonly string[], env: Record<string, string> = {}) =>
  runStrangler(argv, { cwd: running.dir, env });

const opened: Array<{ close(): Promise<unknown> }> = [];
let running: RecordedProxy;
let admin: string;

beforeAll(async () => {
  const legacy = await startTestUpstream('legacy');
  const catalog = await startTestUpstream('catalog');
  opened.push(legacy, catalog);
  const dead = await deadPort();
  running = await startRecordedProxy(`version: 1
legacy: ${legacy.url}
services:
  catalog: ${catalog.url}
  orders: ${dead}
routes:
  - { id: products, path: /api/products, service: catalog, stage: shadow }
  - id: orders
    path: /api/orders
    service: orders
    stage: canary
    canary: { percent: 100 }
    fallback: legacy
    autoRollback: { errorRate: 0.5, minRequests: 10, window: 1m }
`);
  opened.push(running);
  admin = running.proxy.adminUrl!;
  // The orders service is dead: its canary trips the automatic rollback.
  await running.traffic('/api/orders', 20);
});
afterAll(async () => {
  for (const item of opened.splice(0).reverse()) await item.close();
});

describe('status', () => {
  it('with --admin: the live table, its version, the rollback with its reason, breakers', async () => {
    const result = await cli(['status', '--admin', admin, '--json']);
    expect(result.code).toBe(0);
    const view = JSON.parse(result.stdout) as StatusView;
    expect(view).toMatchObject({ source: 'admin', from: admin, version: 1, draining: false });
    expect(view.routes).toEqual([
      expect.objectContaining({ id: 'products', stage: 'shadow', servedBy: 'legacy', autoRolledBack: false }),
      expect.objectContaining({
        id: 'orders',
        stage: 'canary',
        canaryPercent: 100,
        servedBy: 'legacy',
        autoRolledBack: true,
        rollback: { since: expect.any(String), reason: expect.stringMatching(/^service error rate/) },
        revision: expect.stringMatching(/^[0-9a-f]+$/),
      }),
    ]);
    expect(view.upstreams.find((upstream) => upstream.name === 'orders')?.breaker).toBe('open');

    const table = await cli(['status', '--admin', admin]);
    expect(table.stdout).toContain(`running proxy at ${admin}: table version 1`);
    expect(table.stdout).toMatch(/orders +canary 100% \(rolled back\) +legacy/);
    expect(table.stdout).toMatch(/rolled back orders since \S+: service error rate/);
  });

  it('reads STRANGLER_ADMIN_URL like --admin', async () => {
    const result = await cli(['status', '--json'], { STRANGLER_ADMIN_URL: admin });
    expect((JSON.parse(result.stdout) as StatusView).source).toBe('admin');
  });

  it('without it: the file, and says so', async () => {
    const result = await cli(['status']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('(the file; --admin URL or STRANGLER_ADMIN_URL reads the running proxy)');
    expect(result.stdout).toMatch(/orders +canary 100% +service 100%, legacy/);
  });

  it('names the admin URL it could not reach', async () => {
    const dead = await deadPort();
    const result = await cli(['status', '--admin', dead]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot reach the admin API at ${dead}`);
  });
});

describe('routes', () => {
  it('with --admin: the live table; a rolled-back canary shows as rolled back, served by legacy', async () => {
    const result = await cli(['routes', '--admin', admin, '--json']);
    const table = JSON.parse(result.stdout) as RoutesJson;
    expect(table).toMatchObject({ source: 'admin', from: admin, version: 1 });
    expect(table.routes.find((route) => route.id === 'orders')).toMatchObject({
      servedBy: 'legacy',
      autoRolledBack: true,
    });
    const text = await cli(['routes', '--admin', admin]);
    expect(text.stdout).toContain(`live route table of the proxy at ${admin} (version 1)`);
    expect(text.stdout).toMatch(/orders +\/api\/orders +all +canary 100% \(rolled back\) +legacy /);
  });

  it('shows the monolith under SERVED BY for a shadow route, the service under MIRRORED TO', async () => {
    for (const argv of [['routes'], ['routes', '--admin', admin]]) {
      const result = await cli(argv);
      expect(result.stdout).toMatch(
        /products +\/api\/products +all +shadow +legacy http:\S+ +100% → catalog/,
      );
    }
    const file = await cli(['routes']);
    expect(file.stdout).toMatch(
      /route table of \S*routes\.yaml \(the file; --admin URL shows the running proxy\)/,
    );
  });
});

describe('explain', () => {
  it('with --admin: the live table answers, and says the route is rolled back', async () => {
    const result = await cli(['explain', 'GET', '/api/orders/1', '--admin', admin]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`from the running proxy at ${admin} (live table version 1)`);
    expect(result.stdout).toMatch(/winner +orders/);
    expect(result.stdout).toMatch(/rolled back automatically/);
    const json = await cli(['explain', 'GET', '/api/orders/1', '--admin', admin, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      source: 'admin',
      version: 1,
      autoRolledBack: true,
      winner: { id: 'orders' },
    });
  });

  it('without it: the file, and says so', async () => {
    const result = await cli(['explain', 'GET', '/api/products']);
    expect(result.stdout).toMatch(/from \S*routes\.yaml \(the file; --admin URL asks the running proxy\)/);
  });
});
