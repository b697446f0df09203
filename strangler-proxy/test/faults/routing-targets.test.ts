/**
 * Routing and mirror targets under hostile input, through real servers: case variants of a migrated path
 * reach the service (not the monolith, as Express would route them there too), with their path as sent;
 * mirrors and noise probes reach each side under its upstream URL's base path, as the primary does;
 * a client's `x-strangler-shadow` neither opts its request out of mirroring nor reaches an upstream,
 * while a real mirror loop (the shadow target is the proxy itself) is still stopped.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestUpstream, type TestUpstream } from '../support/test-upstream.ts';
import { startHarness, type ProxyHarness } from '../support/proxy-harness.ts';
import type { ShadowSettled } from '../../src/shadow/shadow-mirror.ts';
import { rawExchange } from './support/raw-client.ts';

let legacy: TestUpstream;
let orders: TestUpstream;
let open: ProxyHarness[] = [];

beforeAll(async () => {
  legacy = await startTestUpstream('legacy');
  orders = await startTestUpstream('orders');
});
afterAll(async () => {
  await legacy.close();
  await orders.close();
});
afterEach(async () => {
  for (const harness of open) await harness.close();
  open = [];
});

async function startProxy(routesYaml: string): Promise<ProxyHarness> {
  const harness = await startHarness(routesYaml);
  open.push(harness);
  return harness;
}

/** Sends a request and returns the upstream's echo: which upstream answered and the path it got. */
async function send(harness: ProxyHarness, method: string, path: string) {
  const response = await fetch(`${harness.proxy.url}${path}`, {
    method,
    body: method === 'GET' ? null : '{}',
  });
  return (await response.json()) as { upstream: string; url: string };
}

describe('case variants of a migrated path', () => {
  const migratedOrders = (proxyBlock: string) => `
version: 1
legacy: ${legacy.url}
services:
  orders: ${orders.url}
proxy: ${proxyBlock}
routes:
  - { id: orders, path: /api/orders, service: orders, stage: migrated }
`;
  const variants = [
    ['POST', '/API/ORDERS/1'],
    ['PUT', '/Api/Orders/1'],
    ['DELETE', '/api/ORDERS'],
    ['GET', '/API/orders/1/Items?Page=2'],
  ] as const;

  it('reach the service that took the route over, their path forwarded as sent; the monolith sees none', async () => {
    const harness = await startProxy(migratedOrders('{}'));
    const before = legacy.received.length;
    for (const [method, path] of variants) {
      expect(await send(harness, method, path), `${method} ${path}`).toEqual({
        upstream: 'orders',
        method,
        url: path,
        bodyBytes: method === 'GET' ? 0 : 2,
      });
    }
    expect(legacy.received.length).toBe(before);
  });

  it('go to the monolith when proxy.caseSensitive says case counts', async () => {
    const harness = await startProxy(migratedOrders('{ caseSensitive: true }'));
    for (const [method, path] of variants) {
      expect(await send(harness, method, path), `${method} ${path}`).toMatchObject({
        upstream: 'legacy',
        url: path,
      });
    }
    expect(await send(harness, 'POST', '/api/orders/1')).toMatchObject({ upstream: 'orders' });
  });
});

describe('upstream URLs with a base path', () => {
  /** Request target → what each side must receive: the primary's join of base path and forwarded path. */
  const targets = [
    ['/', '/legacy-base', '/svc-base/?tenant=7'],
    ['/api/products/1', '/legacy-base/api/products/1', '/svc-base/api/products/1?tenant=7'],
    ['/api/products/', '/legacy-base/api/products/', '/svc-base/api/products/?tenant=7'],
    ['/API/Products/1?x=1&y', '/legacy-base/API/Products/1?x=1&y', '/svc-base/API/Products/1?tenant=7&x=1&y'],
    ['/?x=1', '/legacy-base/?x=1', '/svc-base/?tenant=7&x=1'],
  ] as const;
  const baseRoutes = (stage: string) => `
version: 1
legacy: ${legacy.url}/legacy-base
services:
  orders: "${orders.url}/svc-base/?tenant=7"
routes:
  - { id: all, path: /, service: orders, stage: ${stage}, shadow: { percent: 100, noiseSample: 1, timeout: 5s } }
`;

  /** Sends `target`, waits for its mirror and noise probe, and returns the paths each side received. */
  async function exchange(harness: ProxyHarness, target: string) {
    const legacyBefore = legacy.received.length;
    const ordersBefore = orders.received.length;
    const response = await fetch(`${harness.proxy.url}${target}`);
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    await harness.proxy.mirror.idle();
    return {
      legacy: legacy.received.slice(legacyBefore).map((request) => request.url),
      service: orders.received.slice(ordersBefore).map((request) => request.url),
    };
  }

  it('legacy serves: the primary and its noise probe reach the monolith, the mirror the service, each under its base', async () => {
    const harness = await startProxy(baseRoutes('shadow'));
    for (const [target, onLegacy, onService] of targets) {
      expect(await exchange(harness, target), target).toEqual({
        legacy: [onLegacy, onLegacy],
        service: [onService],
      });
    }
  });

  it('the service serves: the primary and its noise probe reach the service, the mirror the monolith, each under its base', async () => {
    const harness = await startProxy(baseRoutes('migrated'));
    for (const [target, onLegacy, onService] of targets) {
      expect(await exchange(harness, target), target).toEqual({
        legacy: [onLegacy],
        service: [onService, onService],
      });
    }
  });
});

describe('the shadow marker, x-strangler-shadow', () => {
  const shadowRoutes = (serviceUrl: string, proxyBlock = '{}') => `
version: 1
legacy: ${legacy.url}
services:
  orders: ${serviceUrl}
proxy: ${proxyBlock}
routes:
  - { id: orders, path: /api/orders, service: orders, stage: shadow, shadow: { percent: 100, noiseSample: 0, timeout: 5s } }
`;

  /** Records every settled mirror of a proxy. */
  function settledOf(harness: ProxyHarness): ShadowSettled[] {
    const settled: ShadowSettled[] = [];
    harness.proxy.mirror.onSettled((event) => settled.push(event));
    return settled;
  }

  /** A GET with exactly these header lines (repeated names kept), on a socket of its own. */
  async function getWith(harness: ProxyHarness, path: string, lines: readonly string[]) {
    const head = [`GET ${path} HTTP/1.1`, 'Host: shop', 'Connection: close', ...lines].join('\r\n');
    const exchange = await rawExchange(harness.proxy.port, `${head}\r\n\r\n`);
    expect(exchange.text).toMatch(/^HTTP\/1\.1 200/);
  }

  const forged = [
    ['x-strangler-shadow: 1'],
    ['X-Strangler-Shadow: AAAAAAAAAAAAAAAAAAAAAA'],
    ['x-strangler-shadow: 1', 'x-strangler-shadow: 1'],
  ] as const;

  for (const trusted of [false, true]) {
    it(`from ${trusted ? 'a trusted proxy' : 'a client'}: the request is still mirrored and the header reaches neither upstream`, async () => {
      const harness = await startProxy(
        shadowRoutes(orders.url, trusted ? '{ trustedProxies: [127.0.0.1] }' : '{}'),
      );
      const settled = settledOf(harness);
      const legacyBefore = legacy.received.length;
      const ordersBefore = orders.received.length;
      for (const lines of forged) await getWith(harness, '/api/orders/1', lines);
      await harness.proxy.mirror.idle();

      expect(settled.map((event) => event.skipped ?? 'compared')).toEqual([
        'compared',
        'compared',
        'compared',
      ]);
      const primaries = legacy.received.slice(legacyBefore);
      const mirrors = orders.received.slice(ordersBefore);
      expect(primaries).toHaveLength(3);
      expect(mirrors).toHaveLength(3);
      for (const request of primaries) expect(request.headers['x-strangler-shadow']).toBeUndefined();
      // The mirrors carry the proxy's own mark, never the client's value.
      for (const request of mirrors)
        expect(request.headers['x-strangler-shadow']).toBe(harness.proxy.mirror.mark.value);
      expect(harness.proxy.mirror.mark.value).toMatch(/^[\w-]{22}$/);
    });
  }

  it('a mirror whose shadow target is the proxy itself comes back once and is not mirrored again', async () => {
    const harness = await startProxy(shadowRoutes(orders.url));
    const reloaded = await harness.rewrite(shadowRoutes(harness.proxy.url));
    expect(reloaded).toMatchObject({ ok: true });
    const settled = settledOf(harness);
    const legacyBefore = legacy.received.length;
    await getWith(harness, '/api/orders/1', []);
    await harness.proxy.mirror.idle();

    // The client's request, then its mirror: served by the monolith through the proxy, marked, not mirrored.
    expect(settled.map((event) => event.skipped ?? 'compared')).toEqual(['loop', 'compared']);
    const received = legacy.received.slice(legacyBefore);
    expect(received.map((request) => request.headers['x-strangler-shadow'])).toEqual([
      undefined,
      harness.proxy.mirror.mark.value,
    ]);
  });

  it('each proxy draws a mark of its own', async () => {
    const first = await startProxy(shadowRoutes(orders.url));
    const second = await startProxy(shadowRoutes(orders.url));
    expect(first.proxy.mirror.mark.value).not.toBe(second.proxy.mirror.mark.value);
  });
});
