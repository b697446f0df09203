import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import {
  startTestUpstream,
  deadPort,
  type TestUpstream,
  type UpstreamHandler,
} from '../support/test-upstream.ts';
import { startHarness, type ProxyHarness } from '../support/proxy-harness.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { createBatchingRecorder } from '../../src/store/batching-recorder.ts';
import { buildReport } from '../../src/report/build-report.ts';
import type { ResultStore } from '../../src/store/result-store.ts';

/** The monolith: snake_case JSON with a price as a string and a stamp that changes every call. */
let calls = 0;
const legacyProducts: UpstreamHandler = (req, res) => {
  calls += 1;
  const id = Number(/\/api\/products\/(\d+)/.exec(req.url ?? '')?.[1] ?? 1);
  const body = JSON.stringify({
    id,
    name: `Product ${id}`,
    price: (id * 1.5).toFixed(2),
    tags: ['a', 'b'],
    generated_at: `call-${String(calls).padStart(8, '0')}`,
  });
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    etag: `"${calls}"`,
  });
  res.end(body);
};

/** The rewrite: the same, except product 3 has its price as a number. */
const serviceProducts: UpstreamHandler = (req, res) => {
  const id = Number(/\/api\/products\/(\d+)/.exec(req.url ?? '')?.[1] ?? 1);
  const price = id === 3 ? id * 1.5 : (id * 1.5).toFixed(2);
  const body = JSON.stringify({
    id,
    name: `Product ${id}`,
    price,
    tags: ['a', 'b'],
    generated_at: `call-${String(calls).padStart(8, '0')}`,
  });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

let legacy: TestUpstream;
let service: TestUpstream;

beforeAll(async () => {
  legacy = await startTestUpstream('legacy', legacyProducts);
  service = await startTestUpstream('service', serviceProducts);
});
afterAll(async () => {
  await legacy.close();
  await service.close();
});

async function withShadowProxy(
  serviceUrl: string,
  shadowBlock = '{ percent: 100, timeout: 300ms, noiseSample: 1 }',
  proxyBlock = '{}',
) {
  const store = createMemoryStore();
  const recorder = createBatchingRecorder(store, { flushInterval: 60_000 });
  const harness = await startHarness(
    `
version: 1
legacy: ${legacy.url}
services:
  catalog: ${serviceUrl}
proxy: ${proxyBlock}
routes:
  - id: products
    path: /api/products
    service: catalog
    stage: shadow
    shadow: ${shadowBlock}
    compare:
      ignoreHeaders: [etag]
`,
    { recorder },
  );
  return { harness, store, recorder };
}

async function fetchRaw(url: string, init: RequestInit = {}) {
  const response = await fetch(url, init);
  const body = Buffer.from(await response.arrayBuffer());
  const headers = Object.fromEntries(
    [...response.headers].filter(([name]) => !['date', 'etag'].includes(name)),
  );
  return { status: response.status, headers, body };
}

/** Sends a body in the given chunks with no declared length (chunked), and waits for the whole answer. */
function sendChunked(
  url: string,
  method: string,
  headers: Record<string, string>,
  chunks: readonly Buffer[],
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const outgoing = httpRequest(url, { method, headers }, (response) => {
      response.resume();
      response.on('end', resolve);
    });
    outgoing.on('error', reject);
    for (const chunk of chunks) outgoing.write(chunk);
    outgoing.end();
  });
}

let open: Array<{ harness: ProxyHarness }> = [];
afterEach(async () => {
  for (const entry of open) await entry.harness.close();
  open = [];
});

async function report(store: ResultStore) {
  return (await buildReport(store, { routes: [{ id: 'products', stage: 'shadow' }] })).routes[0]!;
}

describe('shadow traffic', () => {
  it('gives the client exactly the primary answer, compares in the background, and records the differences', async () => {
    const shadowed = await withShadowProxy(service.url);
    open.push(shadowed);
    const plain = await startHarness(`version: 1\nlegacy: ${legacy.url}\n`);
    open.push({ harness: plain });

    for (const id of [1, 2, 3, 4]) {
      const viaShadow = await fetchRaw(`${shadowed.harness.proxy.url}/api/products/${id}`);
      const direct = await fetchRaw(`${plain.proxy.url}/api/products/${id}`);
      expect(viaShadow.status).toBe(direct.status);
      expect(viaShadow.headers).toEqual(direct.headers);
      // Bodies differ only in the legacy's own random timestamp: compare everything else.
      const strip = (body: Buffer) => ({ ...(JSON.parse(body.toString()) as object), generated_at: null });
      expect(strip(viaShadow.body)).toEqual(strip(direct.body));
    }
    await shadowed.harness.proxy.mirror.idle();
    await shadowed.recorder.flush();

    const route = await report(shadowed.store);
    expect(route.compared).toBe(4);
    expect(route.mismatched).toBe(1);
    expect(route.matched).toBe(3);
    expect(route.diffs.map((diff) => `${diff.path} ${diff.kind}`)).toEqual(['$.price type']);
    // The legacy answers differ between two calls at generated_at: learned as noise, not counted.
    expect(route.noisy).toContain('$.generated_at');
    const seen = service.received.at(-1)!;
    expect(seen.headers['x-strangler-shadow']).toBe(shadowed.harness.proxy.mirror.mark.value);
  });

  for (const [name, handler] of [
    ['dead', null],
    ['hanging', (() => undefined) as UpstreamHandler],
    ['garbage-answering', ((req, res) => res.socket?.end('HTTP/1.1 2oo what\r\n\r\n')) as UpstreamHandler],
  ] as const) {
    it(`never lets a ${name} shadow service affect the client, and records the failure`, async () => {
      const broken = handler ? await startTestUpstream(name, handler) : null;
      const shadowed = await withShadowProxy(broken?.url ?? (await deadPort()));
      open.push(shadowed);
      for (let i = 0; i < 5; i += 1) {
        const response = await fetchRaw(`${shadowed.harness.proxy.url}/api/products/${i + 1}`);
        expect(response.status).toBe(200);
        expect(JSON.parse(response.body.toString())).toMatchObject({
          id: i + 1,
          price: ((i + 1) * 1.5).toFixed(2),
        });
      }
      await shadowed.harness.proxy.mirror.idle();
      await shadowed.recorder.flush();
      const route = await report(shadowed.store);
      expect(route.errors).toBe(5);
      // One outcome per mirror: a failed mirror is its error verdict, not also a skip.
      expect(route.skipped.timeout + route.skipped.connection_error).toBe(0);
      await broken?.close();
    });
  }

  it('mirrors only safe methods unless the route allows writes, and never mirrors a mirror', async () => {
    const shadowed = await withShadowProxy(service.url);
    open.push(shadowed);
    const before = service.received.length;
    await fetchRaw(`${shadowed.harness.proxy.url}/api/products/1`, { method: 'POST', body: '{}' });
    // What one of the proxy's own mirrors carries: it came back to the proxy (a loop).
    await fetchRaw(`${shadowed.harness.proxy.url}/api/products/1`, {
      headers: { 'x-strangler-shadow': shadowed.harness.proxy.mirror.mark.value },
    });
    await shadowed.harness.proxy.mirror.idle();
    await shadowed.recorder.flush();
    expect(service.received.length).toBe(before);
    const route = await report(shadowed.store);
    expect(route.skipped.unsafe_method).toBe(1);
    expect(route.skipped.loop).toBe(1);
  });

  it('mirrors a write with its exact body when allowed, and skips bodies over the limit', async () => {
    const shadowed = await withShadowProxy(
      service.url,
      '{ percent: 100, unsafe: true, maxBodyBytes: 1000, timeout: 300ms }',
    );
    open.push(shadowed);
    const body = '{"name":"  spaced  ", "qty": 1.50}';
    const mirrored = service.nextRequest();
    await fetchRaw(`${shadowed.harness.proxy.url}/api/products/1`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect((await mirrored).body.toString()).toBe(body);

    // Chunked (no declared length): the limit is found while streaming.
    const big = Buffer.alloc(5000, 97);
    await sendChunked(`${shadowed.harness.proxy.url}/api/products/2`, 'PUT', {}, [
      big.subarray(0, 2500),
      big.subarray(2500),
    ]);
    await fetchRaw(`${shadowed.harness.proxy.url}/api/products/3`, { method: 'PUT', body: big });
    await shadowed.harness.proxy.mirror.idle();
    await shadowed.recorder.flush();
    const route = await report(shadowed.store);
    expect(route.skipped.too_large).toBe(2);
    expect(legacy.received.at(-1)!.body.length).toBe(5000);
  });

  it('mirrors a large write whole while the recorder keeps only an excerpt of it', async () => {
    const shadowed = await withShadowProxy(
      service.url,
      '{ percent: 100, unsafe: true, maxBodyBytes: 2000000, timeout: 2s }',
    );
    open.push(shadowed);
    // Many chunks, one of them big enough to show that nothing past the excerpt reaches the recorder.
    const body = Buffer.from(JSON.stringify({ note: 'x'.repeat(400_000), id: 3 }));
    const mirrored = service.nextRequest();
    const chunks: Buffer[] = [];
    for (let offset = 0; offset < body.length; offset += 50_000)
      chunks.push(body.subarray(offset, offset + 50_000));
    await sendChunked(
      `${shadowed.harness.proxy.url}/api/products/3`,
      'POST',
      { 'content-type': 'application/json' },
      chunks,
    );
    expect(Buffer.compare((await mirrored).body, body)).toBe(0);
    await shadowed.harness.proxy.mirror.idle();
    await shadowed.recorder.flush();
    const [sample] = await shadowed.store.samples({ routeId: 'products' });
    expect(sample?.request.body?.length).toBeLessThan(70_000);
    expect(sample?.request.body?.startsWith('{"note":"xxx')).toBe(true);
  });

  it('mirrors large writes of declared length byte for byte, round after round, within the budget', async () => {
    // A budget of 2 MB: six 300 kB bodies at once fit, and the next six come once those are given back.
    const { harness, store, recorder } = await withShadowProxy(
      service.url,
      '{ percent: 100, unsafe: true, maxBodyBytes: 1000000, timeout: 5s }',
      '{ maxShadowBytesInFlight: 2000000 }',
    );
    open.push({ harness });
    const bodyFor = (round: number, i: number) =>
      Buffer.from(JSON.stringify({ round, i, fill: String.fromCharCode(97 + i).repeat(300_000) }));
    const sent: Buffer[] = [];
    const mirroredBefore = service.received.length;
    for (const round of [0, 1]) {
      const bodies = [0, 1, 2, 3, 4, 5].map((i) => bodyFor(round, i));
      sent.push(...bodies);
      const answers = await Promise.all(
        bodies.map((body, i) =>
          fetchRaw(`${harness.proxy.url}/api/products/${i + 1}`, {
            method: 'POST',
            body,
            headers: { 'content-type': 'application/json' },
          }),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
      await harness.proxy.mirror.idle();
    }
    const mirrored = service.received.slice(mirroredBefore).map((request) => request.body);
    expect(mirrored).toHaveLength(12);
    const key = (body: Buffer) => body.toString('latin1');
    expect(mirrored.map(key).sort()).toEqual(sent.map(key).sort());
    await recorder.flush();
    const route = await report(store);
    expect(route.compared).toBe(12);
    expect(route.skipped.over_capacity ?? 0).toBe(0);
  });

  it('samples a share of requests and counts the rest', async () => {
    const shadowed = await withShadowProxy(service.url, '{ percent: 0 }');
    open.push(shadowed);
    for (let i = 0; i < 3; i += 1) await fetchRaw(`${shadowed.harness.proxy.url}/api/products/1`);
    await shadowed.harness.proxy.mirror.idle();
    await shadowed.recorder.flush();
    const route = await report(shadowed.store);
    expect(route.compared).toBe(0);
    expect(route.skipped.sampled_out).toBe(3);
  });

  it('compares content, not transfer bytes: a gzipped answer matches the same JSON sent plain', async () => {
    const json = JSON.stringify({ id: 1, name: 'Lamp', price: '12.50' });
    const gzipping = await startTestUpstream('gzipping', (req, res) => {
      const body = gzipSync(json);
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'content-length': body.length,
      });
      res.end(body);
    });
    const plainService = await startTestUpstream('plain', (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
      res.end(json);
    });
    const store = createMemoryStore();
    const recorder = createBatchingRecorder(store, { flushInterval: 60_000 });
    const harness = await startHarness(
      `version: 1
legacy: ${gzipping.url}
services: { catalog: "${plainService.url}" }
routes:
  - { id: products, path: /api/products, service: catalog, stage: shadow, compare: { ignoreHeaders: [content-encoding] } }
`,
      { recorder },
    );
    open.push({ harness });
    const response = await fetch(`${harness.proxy.url}/api/products/1`);
    expect(await response.json()).toEqual(JSON.parse(json));
    await harness.proxy.mirror.idle();
    await recorder.flush();
    const route = await report(store);
    expect(route.compared).toBe(1);
    expect(route.matched).toBe(1);
    await gzipping.close();
    await plainService.close();
  });

  it('holds the shadow path to its memory budget: mirrors that would exceed it are dropped and counted', async () => {
    const big = JSON.stringify({ data: 'x'.repeat(20_000) });
    const bigAnswers = await startTestUpstream('big', (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(big) });
      res.end(big);
    });
    const store = createMemoryStore();
    const recorder = createBatchingRecorder(store, { flushInterval: 60_000 });
    const harness = await startHarness(
      `version: 1
legacy: ${bigAnswers.url}
services: { catalog: "${service.url}" }
proxy: { maxShadowBytesInFlight: 10000 }
routes:
  - { id: products, path: /api/products, service: catalog, stage: shadow }
`,
      { recorder },
    );
    open.push({ harness });
    const response = await fetch(`${harness.proxy.url}/api/products/1`);
    expect(await response.text()).toBe(big);
    await harness.proxy.mirror.idle();
    await recorder.flush();
    const route = await report(store);
    expect(route.skipped.over_capacity).toBe(1);
    expect(route.compared).toBe(0);
    await bigAnswers.close();
  });

  it('counts a client that gave up before the answer as client_aborted, not as an error of either side', async () => {
    const slow = await startTestUpstream('slow', () => undefined);
    const store = createMemoryStore();
    const recorder = createBatchingRecorder(store, { flushInterval: 60_000 });
    const harness = await startHarness(
      `version: 1
legacy: ${slow.url}
services: { catalog: "${service.url}" }
routes:
  - { id: products, path: /api/products, service: catalog, stage: shadow }
`,
      { recorder },
    );
    open.push({ harness });
    const arrived = slow.nextRequest();
    const controller = new AbortController();
    const pending = fetch(`${harness.proxy.url}/api/products/1`, { signal: controller.signal }).catch(
      () => null,
    );
    await arrived;
    controller.abort();
    await pending;
    await harness.proxy.mirror.idle();
    await recorder.flush();
    const route = await report(store);
    expect(route.skipped.client_aborted).toBe(1);
    expect(route.errors).toBe(0);
    await slow.close();
  });

  it('pauses mirroring to a shadow service that keeps failing, and counts the pause', async () => {
    const shadowed = await withShadowProxy(await deadPort());
    open.push(shadowed);
    for (let i = 0; i < 5; i += 1) await fetchRaw(`${shadowed.harness.proxy.url}/api/products/${i + 1}`);
    await shadowed.harness.proxy.mirror.idle();
    for (let i = 0; i < 3; i += 1)
      expect((await fetchRaw(`${shadowed.harness.proxy.url}/api/products/1`)).status).toBe(200);
    await shadowed.harness.proxy.mirror.idle();
    await shadowed.recorder.flush();
    const route = await report(shadowed.store);
    expect(route.errors).toBe(5);
    expect(route.skipped.shadow_unhealthy).toBe(3);
  });

  it('lets go of the exchange while its mirror waits for a slow shadow service', async () => {
    // The shadow service holds every mirror until the test lets it answer.
    let letAnswer!: () => void;
    const answering = new Promise<void>((resolve) => (letAnswer = resolve));
    const slow = await startTestUpstream('slow', (req, res, body) => {
      void answering.then(() => serviceProducts(req, res, body));
    });
    const shadowed = await withShadowProxy(slow.url, '{ percent: 100, timeout: 10s, unsafe: true }');
    open.push(shadowed);
    const proxyPort = shadowed.harness.proxy.port;
    // Weak references to every object of the exchange: the client's request and response at the proxy,
    // and the proxy's request to the monolith with its answer.
    const exchange: Array<WeakRef<object>> = [];
    const onServerRequest = (message: unknown) => {
      const { request, response, socket } = message as {
        request: IncomingMessage;
        response: object;
        socket: Socket;
      };
      if (socket.localPort === proxyPort) exchange.push(new WeakRef(request), new WeakRef(response));
    };
    const onClientResponse = (message: unknown) => {
      const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
      if (request.getHeader('x-strangler-shadow') === undefined && request.socket?.remotePort !== proxyPort)
        exchange.push(new WeakRef(request), new WeakRef(response));
    };
    subscribe('http.server.request.start', onServerRequest);
    subscribe('http.client.response.finish', onClientResponse);
    const mirrored = slow.nextRequest();
    try {
      const answer = await fetchRaw(`${shadowed.harness.proxy.url}/api/products/1`, {
        method: 'POST',
        body: '{"qty":1}',
        headers: { 'content-type': 'application/json', connection: 'close' },
      });
      expect(answer.status).toBe(200);
    } finally {
      unsubscribe('http.server.request.start', onServerRequest);
      unsubscribe('http.client.response.finish', onClientResponse);
    }
    await mirrored;
    expect(shadowed.harness.proxy.mirror.inFlight).toBe(1);
    expect(exchange).toHaveLength(4);
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    for (let round = 0; round < 3; round += 1) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    expect(exchange.filter((ref) => ref.deref() !== undefined)).toEqual([]);
    letAnswer();
    await shadowed.harness.proxy.mirror.idle();
    await shadowed.recorder.flush();
    expect((await report(shadowed.store)).compared).toBe(1);
    await slow.close();
  });
});
