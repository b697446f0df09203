/**
 * Header comparison through the real proxy and real upstreams: quiet by default (only the headers a
 * client acts on), and header noise learned on one route's safe requests silences that header on every
 * route of the same upstream, write routes included.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestUpstream, type TestUpstream, type UpstreamHandler } from '../support/test-upstream.ts';
import { startHarness, type ProxyHarness } from '../support/proxy-harness.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { createBatchingRecorder } from '../../src/store/batching-recorder.ts';
import { buildReport } from '../../src/report/build-report.ts';

let answers = 0;
/** The monolith: security headers, a timing that changes on every answer, a location on creation. */
const legacyHandler: UpstreamHandler = (req, res) => {
  answers += 1;
  res.writeHead(req.method === 'POST' ? 201 : 200, {
    'content-type': 'application/json',
    'strict-transport-security': 'max-age=31536000',
    'x-frame-options': 'DENY',
    'x-response-time': `${answers}.${answers % 7}ms`,
    ...(req.method === 'POST' ? { location: req.url ?? '/' } : {}),
  });
  res.end('{"ok":true}');
};
/** The service: CORS headers instead, its own timing, and a different location for order 2. */
const serviceHandler: UpstreamHandler = (req, res) => {
  const location = req.url === '/api/orders/2' ? '/v2/orders/2' : (req.url ?? '/');
  res.writeHead(req.method === 'POST' ? 201 : 200, {
    'content-type': 'application/json',
    'access-control-allow-origin': '*',
    'x-response-time': '0.4ms',
    ...(req.method === 'POST' ? { location } : {}),
  });
  res.end('{"ok":true}');
};

let legacy: TestUpstream;
let service: TestUpstream;
let open: ProxyHarness[] = [];

beforeAll(async () => {
  legacy = await startTestUpstream('legacy', legacyHandler);
  service = await startTestUpstream('service', serviceHandler);
});
afterAll(async () => {
  await legacy.close();
  await service.close();
});
afterEach(async () => {
  for (const harness of open) await harness.close();
  open = [];
});

async function start(compare: string) {
  const store = createMemoryStore();
  const recorder = createBatchingRecorder(store, { flushInterval: 60_000 });
  const harness = await startHarness(
    `version: 1
legacy: ${legacy.url}
services:
  shop: ${service.url}
routes:
  - id: items
    path: /api/items
    methods: [GET]
    service: shop
    stage: shadow
    shadow: { percent: 100, noiseSample: 1 }
    compare: ${compare}
  - id: orders
    path: /api/orders
    methods: [POST]
    service: shop
    stage: shadow
    shadow: { percent: 100, unsafe: true }
    compare: ${compare}
`,
    { recorder },
  );
  open.push(harness);
  const send = async (method: string, path: string) => {
    const response = await fetch(`${harness.proxy.url}${path}`, { method });
    await response.arrayBuffer();
    await harness.proxy.mirror.idle();
  };
  const report = async () => {
    await recorder.flush();
    const built = await buildReport(store, {
      routes: [
        { id: 'items', stage: 'shadow' },
        { id: 'orders', stage: 'shadow' },
      ],
    });
    return new Map(built.routes.map((route) => [route.id, route]));
  };
  return { send, report };
}

describe('header comparison', () => {
  it('compares only the headers a client acts on by default: security and CORS headers do not count', async () => {
    const { send, report } = await start('{}');
    await send('GET', '/api/items');
    await send('POST', '/api/orders/1');
    await send('POST', '/api/orders/2');
    const routes = await report();
    expect(routes.get('items')).toMatchObject({ compared: 1, mismatched: 0 });
    expect(routes.get('orders')).toMatchObject({ compared: 2, mismatched: 1 });
    expect(routes.get('orders')!.diffs.map((diff) => diff.path)).toEqual(['header:location']);
  });

  it('compareHeaders: all compares every header, as before', async () => {
    const { send, report } = await start('{ compareHeaders: all }');
    await send('POST', '/api/orders/1');
    const orders = (await report()).get('orders')!;
    expect(orders.mismatched).toBe(1);
    expect(orders.diffs.map((diff) => diff.path).sort()).toEqual([
      'header:access-control-allow-origin',
      'header:strict-transport-security',
      'header:x-frame-options',
      'header:x-response-time',
    ]);
  });

  it('header noise learned on a read route silences it on a write route of the same upstream', async () => {
    const { send, report } = await start(
      '{ compareHeaders: [x-response-time, location], ignoreHeaders: [access-control-allow-origin] }',
    );
    // A safe request: the monolith is asked twice, and its timing differs between its own answers.
    await send('GET', '/api/items');
    await send('POST', '/api/orders/1');
    await send('POST', '/api/orders/2');
    const routes = await report();
    expect(routes.get('items')!.noisy).toContain('header:x-response-time');
    const orders = routes.get('orders')!;
    expect(orders).toMatchObject({ compared: 2, mismatched: 1 });
    // The timing no longer counts on the write route; the real difference still does.
    expect(orders.diffs.map((diff) => diff.path)).toEqual(['header:location']);
  });
});
