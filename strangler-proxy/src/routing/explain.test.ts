import { describe, expect, it } from 'vitest';
import { loadRoutes } from '../runtime/load-routes.ts';
import type { RoutesConfig } from '../config/routes-config.ts';
import { bucketOf, createBucketSeed } from './bucket.ts';
import { explainRoute, formatExplanation } from './explain.ts';
import { createRouteTable } from './route-table.ts';

const text = `
version: 1
legacy: http://127.0.0.1:4000
services:
  catalog: http://127.0.0.1:4001
  orders: http://127.0.0.1:4002
routes:
  - id: products
    path: /api/products
    methods: [GET]
    service: catalog
    stage: canary
    canary: { percent: 10, sticky: 'cookie:uid' }
  - id: product-item
    path: /api/products/:id
    headers: { x-beta: '1' }
    service: catalog
    stage: shadow
  - id: orders
    path: /api/orders
    service: orders
    stage: canary
    canary: { percent: 40 }
    shadow: { percent: 5 }
  - id: migrated
    path: /api/users
    service: orders
    stage: migrated
    shadow: { percent: 100, sticky: 'ip' }
`;

function setup(proxyBlock = ''): {
  config: RoutesConfig;
  explain: (
    method: string,
    path: string,
    headers?: Record<string, string>,
  ) => ReturnType<typeof explainRoute>;
} {
  const loaded = loadRoutes(text + proxyBlock, { file: 'routes.yaml', env: {} });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  const table = createRouteTable(loaded.config.routes, { caseSensitive: loaded.config.proxy.caseSensitive });
  return {
    config: loaded.config,
    explain: (method, path, headers = {}) =>
      explainRoute(table, loaded.config, { method, path, headers, remoteAddress: '::ffff:192.0.2.7' }),
  };
}

describe('explainRoute', () => {
  const { explain } = setup();

  it('lists covering routes with why each was accepted or rejected, and the winner', () => {
    const result = explain('GET', '/api/products/7?x=1', { 'X-Beta': '0', Cookie: 'uid=42' });
    expect(result.normalized).toEqual({
      ok: true,
      path: '/api/products/7',
      query: '?x=1',
      segments: ['api', 'products', '7'],
    });
    expect(result.candidates).toEqual([
      {
        id: 'products',
        index: 0,
        template: '/api/products',
        accepted: true,
        checks: [{ kind: 'method', ok: true, detail: 'method GET allowed' }],
      },
      {
        id: 'product-item',
        index: 1,
        template: '/api/products/:id',
        accepted: false,
        checks: [{ kind: 'header', ok: false, detail: 'header x-beta: wants "1", got "0"' }],
      },
    ]);
    expect(result.winner).toMatchObject({ id: 'products', reason: expect.stringMatching(/only route/) });
    const bucket = bucketOf(createBucketSeed('products'), '42');
    expect(result.destination).toMatchObject({
      stage: 'canary',
      serve: bucket < 1000 ? 'service' : 'legacy',
      canary: { percent: 10, sticky: 'cookie:uid', key: '42', bucket, included: bucket < 1000 },
      // A canary keeps comparing, both ways: the side that does not serve gets the mirror.
      mirror: { to: bucket < 1000 ? 'legacy' : 'service', methodMirrored: true, sample: { percent: 100 } },
    });
  });

  it('explains precedence between accepted routes', () => {
    const result = explain('GET', '/api/products/7', { 'x-beta': '1' });
    expect(result.winner).toMatchObject({
      id: 'product-item',
      reason: 'beats "products": as many literal segments (2) and a longer pattern (3 > 2 segments)',
    });
    expect(result.candidates.find((c) => c.id === 'products')?.outranked).toMatch(/longer pattern/);
    expect(result.destination).toMatchObject({
      stage: 'shadow',
      serve: 'legacy',
      mirror: { to: 'service', methodMirrored: true },
    });
  });

  it('shows a random canary split and the mirror to the other side', () => {
    const result = explain('POST', '/api/orders');
    expect(result.destination).toMatchObject({
      serve: 'split',
      canary: { percent: 40, sticky: null, key: null, bucket: null, included: null },
      mirror: { to: 'other', methodMirrored: false },
    });
    expect(result.destination?.summary).toMatch(/40% to service orders .* drawn per request; not mirrored/);
  });

  it('reads the ip sticky key from the remote address', () => {
    const result = explain('GET', '/api/users/1');
    expect(result.destination).toMatchObject({
      serve: 'service',
      mirror: { to: 'legacy', sample: { key: '192.0.2.7', included: true } },
    });
  });

  it('sends unmatched and method-rejected requests to legacy', () => {
    const result = explain('DELETE', '/api/products');
    expect(result.winner).toBeNull();
    expect(result.candidates[0]).toMatchObject({
      accepted: false,
      checks: [{ ok: false, detail: 'method DELETE not in GET' }],
    });
    expect(result.destination).toMatchObject({
      stage: null,
      serve: 'legacy',
      legacyUrl: 'http://127.0.0.1:4000',
    });
    expect(explain('GET', '/api/productsX').candidates).toEqual([]);
  });

  it('reports a refused target instead of a destination', () => {
    const result = explain('GET', '/api/..;/admin');
    expect(result.normalized).toMatchObject({ ok: false, code: 'PATH_AMBIGUOUS_SEGMENT' });
    expect(result.destination).toBeNull();
    expect(formatExplanation(result, { color: false })).toMatch(/refused\s+PATH_AMBIGUOUS_SEGMENT: .* 400/);
  });

  it('agrees with the table on the normalised path (/api/../admin is /admin)', () => {
    expect(explain('GET', '/api/products/../orders').winner?.id).toBe('orders');
  });

  it('says paths ignore case by default, matches /API/ORDERS/1 to orders and keeps the path as sent', () => {
    const result = explain('POST', '/API/ORDERS/1');
    expect(result.caseSensitive).toBe(false);
    expect(result.normalized).toMatchObject({ ok: true, path: '/API/ORDERS/1' });
    expect(result.candidates.map((candidate) => candidate.id)).toEqual(['orders']);
    expect(result.winner?.id).toBe('orders');
    expect(formatExplanation(result, { color: false })).toMatch(
      /case\s+ignored: .*proxy\.caseSensitive: false/,
    );
  });

  it('with proxy.caseSensitive, says so and leaves /API/ORDERS/1 to the monolith', () => {
    const result = setup('proxy: { caseSensitive: true }\n').explain('POST', '/API/ORDERS/1');
    expect(result.caseSensitive).toBe(true);
    expect(result.candidates).toEqual([]);
    expect(result.winner).toBeNull();
    expect(formatExplanation(result, { color: false })).toMatch(
      /case\s+counts: .*proxy\.caseSensitive: true/,
    );
  });
});

describe('formatExplanation', () => {
  const { explain } = setup();

  it('prints candidates, winner and destination, colored only when asked', () => {
    const result = explain('GET', '/api/products/7', { 'x-beta': '1' });
    const plain = formatExplanation(result, { color: false });
    expect(plain).toContain('GET /api/products/7');
    expect(plain).toMatch(/✓ products\s+\/api\/products\s+#1/);
    expect(plain).toMatch(/winner\s+product-item: beats "products"/);
    expect(plain).toMatch(/goes to\s+route "product-item", stage shadow/);
    expect(plain).not.toContain('\u001b[');
    expect(formatExplanation(result, { color: true })).toContain('\u001b[');
  });

  it('serialises to JSON for --json', () => {
    const result = explain('GET', '/api/orders/1');
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });
});
