/**
 * A load compiles each route once: the routes compiled to find unreachable ones are those the proxy then
 * serves with, at start and on every reload.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compiledRouteCount } from '../../src/routing/compile-route.ts';
import { startHarness, type ProxyHarness } from '../support/proxy-harness.ts';
import { startTestUpstream, type TestUpstream } from '../support/test-upstream.ts';

let legacy: TestUpstream;
let catalog: TestUpstream;
let harness: ProxyHarness | undefined;

const routes = (stage: string) => `
version: 1
legacy: ${legacy.url}
services:
  catalog: ${catalog.url}
routes:
  - { id: products, path: /api/products/:id, service: catalog, stage: ${stage} }
  - { id: search, path: /api/search, methods: [GET], service: catalog, stage: legacy }
  - { id: admin, path: /api/admin, headers: { x-admin: '*' }, service: catalog, stage: legacy }
`;

async function served(path: string): Promise<string> {
  const response = await fetch(`${harness?.proxy.url}${path}`);
  return ((await response.json()) as { upstream: string }).upstream;
}

beforeAll(async () => {
  legacy = await startTestUpstream('legacy');
  catalog = await startTestUpstream('catalog');
});
afterAll(async () => {
  await harness?.close();
  await legacy.close();
  await catalog.close();
});

describe('route compilation', () => {
  it('compiles each route once at start and once per reload', async () => {
    const atStart = compiledRouteCount();
    harness = await startHarness(routes('legacy'));
    expect(compiledRouteCount() - atStart).toBe(3);
    expect(await served('/api/products/1')).toBe('legacy');

    const beforeReload = compiledRouteCount();
    const reloaded = await harness.rewrite(routes('migrated'));
    expect(reloaded.ok).toBe(true);
    expect(compiledRouteCount() - beforeReload).toBe(3);
    expect(await served('/api/products/1')).toBe('catalog');
  });
});
