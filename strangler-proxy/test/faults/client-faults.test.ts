/**
 * Hostile clients: aborting mid-request and mid-response, slowloris on the headers and on the body, many
 * slow connections at once, and pipelined requests. The proxy must cut the upstream side of whatever the
 * client abandons (no upstream socket stays busy), enforce its header and request timeouts promptly, and
 * answer pipelined requests in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { startHarness, type ProxyHarness } from '../support/proxy-harness.ts';
import { startObservedUpstream, type ObservedUpstream } from './support/observed-upstream.ts';
import { agentIdle, closedWithin, openSocket, rawExchange, statuses } from './support/raw-client.ts';
import { send } from './support/http-client.ts';
import { startTestUpstream, type TestUpstream } from '../support/test-upstream.ts';

const HEADERS_TIMEOUT = 500;
const REQUEST_TIMEOUT = 1_500;

let legacy: ObservedUpstream;
let service: ObservedUpstream;
let harness: ProxyHarness;

beforeAll(async () => {
  legacy = await startObservedUpstream('legacy');
  service = await startObservedUpstream('catalog');
  harness = await startHarness(`
version: 1
legacy: ${legacy.url}
services:
  catalog: ${service.url}
proxy:
  headersTimeout: ${HEADERS_TIMEOUT}
  requestTimeout: ${REQUEST_TIMEOUT}
routes:
  - { id: catalog, path: /api/products, service: catalog, stage: migrated }
`);
});
afterAll(async () => {
  await harness.close();
  await legacy.close();
  await service.close();
});

const port = () => harness.proxy.port;
/** Whether every upstream agent gets back to no busy socket (bounded wait on socket events). */
async function agentsIdle(): Promise<boolean> {
  const upstreams = [...harness.proxy.snapshot().upstreams.values()];
  const idle = await Promise.all(upstreams.map((upstream) => agentIdle(upstream.agent, 2_000)));
  return idle.every(Boolean);
}
/** Requests counted in `strangler_requests_total`, all series together. */
async function servedCount(on = harness): Promise<number> {
  const text = await (await fetch(`${on.proxy.adminUrl}/metrics`)).text();
  return [...text.matchAll(/^strangler_requests_total\{[^}]*\} (\d+)$/gm)].reduce(
    (sum, match) => sum + Number(match[1]),
    0,
  );
}
async function inFlight(): Promise<number> {
  const status = (await (await fetch(`${harness.proxy.adminUrl}/status`)).json()) as { inFlight: number };
  return status.inFlight;
}

describe('clients that abort', () => {
  it('mid-request body: the upstream request is cut, not left waiting for the rest', async () => {
    const socket = await openSocket(port());
    socket.write(
      `POST /api/products/upload-1 HTTP/1.1\r\nHost: shop\r\nContent-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n`,
    );
    socket.write(Buffer.alloc(1_000, 0x62));
    const arrived = await service.waitFor((request) => request.url === '/api/products/upload-1', 2_000);
    expect(arrived).not.toBeNull();
    socket.destroy();
    const cut = await service.waitFor(
      (request) => request.url === '/api/products/upload-1' && request.cut,
      2_000,
    );
    expect(cut?.bodyComplete).toBe(false);
    expect(await agentsIdle()).toBe(true);
    expect(await inFlight()).toBe(0);
  });

  it('while the upstream is still thinking: the hung upstream request is cut', async () => {
    const socket = await openSocket(port());
    socket.write('GET /api/products/think-1/hang HTTP/1.1\r\nHost: shop\r\n\r\n');
    expect(await service.waitFor((request) => request.url.includes('think-1'), 2_000)).not.toBeNull();
    socket.destroy();
    expect(
      await service.waitFor((request) => request.url.includes('think-1') && request.cut, 2_000),
    ).not.toBeNull();
    expect(await agentsIdle()).toBe(true);
  });

  it('mid-response: the upstream stream is cut and stops sending', async () => {
    const socket = await openSocket(port());
    const firstBytes = new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.write('GET /api/products/big-1/stream HTTP/1.1\r\nHost: shop\r\n\r\n');
    await firstBytes;
    socket.destroy();
    const cut = await service.waitFor((request) => request.url.includes('big-1') && request.cut, 2_000);
    expect(cut).not.toBeNull();
    expect(await agentsIdle()).toBe(true);
    expect(await inFlight()).toBe(0);
  });
});

describe('slow clients', () => {
  /** Writes one header line per tick until the server closes the socket (bounded: 60 lines). */
  function dribbleHeaders(socket: Socket, tickMs: number): void {
    let lines = 0;
    const timer = setInterval(() => {
      if (socket.destroyed || lines >= 60) return clearInterval(timer);
      socket.write(`X-Slow-${lines}: ${'z'.repeat(8)}\r\n`);
      lines += 1;
    }, tickMs);
    socket.once('close', () => clearInterval(timer));
  }

  it(`slowloris on the headers is cut within headersTimeout (${HEADERS_TIMEOUT} ms) plus a margin`, async () => {
    const socket = await openSocket(port());
    const answer: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => answer.push(chunk));
    socket.on('error', () => undefined);
    socket.write('GET /api/products HTTP/1.1\r\nHost: shop\r\n');
    dribbleHeaders(socket, 100);
    expect(await closedWithin(socket, HEADERS_TIMEOUT + 2_500)).toBe(true);
    // 408: the headers timeout cut it, not any other limit.
    expect(statuses(Buffer.concat(answer).toString('latin1'))).toEqual([408]);
  });

  it(`slowloris on the body is cut within requestTimeout (${REQUEST_TIMEOUT} ms) plus a margin, upstream too`, async () => {
    const socket = await openSocket(port());
    socket.on('error', () => undefined);
    const answer: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => answer.push(chunk));
    socket.write('POST /api/products/slow-body-1 HTTP/1.1\r\nHost: shop\r\nContent-Length: 1000\r\n\r\n');
    let sent = 0;
    const timer = setInterval(() => {
      if (socket.destroyed || sent >= 100) return clearInterval(timer);
      socket.write('a');
      sent += 1;
    }, 50);
    expect(await closedWithin(socket, REQUEST_TIMEOUT + 2_500)).toBe(true);
    clearInterval(timer);
    expect(statuses(Buffer.concat(answer).toString('latin1'))).toEqual([408]);
    const cut = await service.waitFor((request) => request.url.includes('slow-body-1') && request.cut, 2_000);
    expect(cut?.bodyComplete).toBe(false);
    expect(await agentsIdle()).toBe(true);
  });

  it('200 slow connections at once do not stop normal requests, and are all cut', async () => {
    const sockets = await Promise.all(Array.from({ length: 200 }, () => openSocket(port())));
    for (const socket of sockets) {
      socket.on('error', () => undefined);
      socket.resume();
      socket.write('GET /api/products HTTP/1.1\r\nHost: shop\r\nX-Partial: ');
    }
    const normal = await Promise.all(
      Array.from({ length: 20 }, (_, i) => send(harness.proxy.url, `/api/products/${i}`)),
    );
    expect(normal.map((outcome) => outcome.status)).toEqual(Array(20).fill(200));
    const closed = await Promise.all(sockets.map((socket) => closedWithin(socket, HEADERS_TIMEOUT + 2_500)));
    expect(closed.every(Boolean)).toBe(true);
  });
});

describe('pipelined requests', () => {
  it('are answered in order, each by its own upstream, and leave nothing busy', async () => {
    const payload =
      'GET /api/products/1 HTTP/1.1\r\nHost: shop\r\n\r\n' +
      'POST /api/products/2 HTTP/1.1\r\nHost: shop\r\nContent-Length: 5\r\n\r\nhello' +
      'GET /elsewhere HTTP/1.1\r\nHost: shop\r\n\r\n' +
      'GET /api/products/3 HTTP/1.1\r\nHost: shop\r\nConnection: close\r\n\r\n';
    const exchange = await rawExchange(port(), payload, { timeoutMs: 5_000 });
    expect(exchange.closedByServer).toBe(true);
    expect(statuses(exchange.text)).toEqual([200, 200, 200, 200]);
    const bodies = [...exchange.text.matchAll(/\{[^}]*\}/g)].map(
      (match) => JSON.parse(match[0]) as Record<string, unknown>,
    );
    expect(bodies.map((body) => [body.upstream, body.url, body.bodyBytes])).toEqual([
      ['catalog', '/api/products/1', 0],
      ['catalog', '/api/products/2', 5],
      ['legacy', '/elsewhere', 0],
      ['catalog', '/api/products/3', 0],
    ]);
    expect(await agentsIdle()).toBe(true);
    expect(await inFlight()).toBe(0);
  });

  it('a pipelined request after an abusive one is not processed', async () => {
    const before = service.requests.length + legacy.requests.length;
    const payload =
      'GET /api/products/x HTTP/1.1\r\nHost: shop\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n' +
      'GET /api/products/smuggled HTTP/1.1\r\nHost: shop\r\n\r\n';
    const exchange = await rawExchange(port(), payload);
    expect(statuses(exchange.text)).toEqual([400]);
    expect(exchange.closedByServer).toBe(true);
    expect(service.requests.length + legacy.requests.length).toBe(before);
  });

  it('an HTTP/1.0 keep-alive client is told the connection closes after an answer of unknown length, and nothing after it runs', async () => {
    const before = await servedCount();
    const exchange = await rawExchange(
      port(),
      'GET /api/products/sized HTTP/1.0\r\nHost: shop\r\nConnection: keep-alive\r\n\r\n' +
        'GET /api/products/unsized/stream-short HTTP/1.0\r\nHost: shop\r\nConnection: keep-alive\r\n\r\n' +
        'POST /api/products/after-http10 HTTP/1.0\r\nHost: shop\r\nConnection: keep-alive\r\nContent-Length: 5\r\n\r\nhello',
      { timeoutMs: 3_000 },
    );
    expect(statuses(exchange.text)).toEqual([200, 200]);
    const heads = exchange.text
      .split(/(?=HTTP\/1\.1 )/)
      .map((answer) => answer.slice(0, answer.indexOf('\r\n\r\n')).toLowerCase());
    expect(heads[0]).toContain('\r\nconnection: keep-alive');
    expect(heads[1]).toContain('\r\nconnection: close');
    expect(heads[1]).not.toContain('content-length');
    expect(exchange.closedByServer).toBe(true);
    expect(service.requests.some((request) => request.url.includes('after-http10'))).toBe(false);
    expect(await servedCount()).toBe(before + 2);
  });
});

describe('requests pipelined behind a refusal', () => {
  let refusing: ProxyHarness;

  beforeAll(async () => {
    refusing = await startHarness(`
version: 1
legacy: ${legacy.url}
services:
  catalog: ${service.url}
proxy:
  maxBodyBytes: 1000
routes:
  - { id: catalog, path: /api/products, service: catalog, stage: migrated }
`);
  });
  afterAll(() => refusing.close());

  // RFC 9112 §9.6: a server that sent `Connection: close` must not process further requests on it. Node
  // has parsed what the client pipelined behind by then, and hands it over all the same.
  it.each([
    ['a bad escape (400)', 'GET /a%zz HTTP/1.1\r\nHost: shop\r\n\r\n', 400],
    ['a path over the limit (414)', `GET /${'p'.repeat(8_200)} HTTP/1.1\r\nHost: shop\r\n\r\n`, 414],
    [
      'a declared body over the limit (413)',
      `POST /api/products/big HTTP/1.1\r\nHost: shop\r\nContent-Length: 1001\r\n\r\n${'b'.repeat(1_001)}`,
      413,
    ],
  ])('a write pipelined behind %s is never executed, nor counted', async (_name, refused, status) => {
    const tag = `after-${status}`;
    const before = await servedCount(refusing);
    const exchange = await rawExchange(
      refusing.proxy.port,
      refused +
        `POST /api/products/${tag} HTTP/1.1\r\nHost: shop\r\nContent-Length: 5\r\n\r\nhello` +
        `DELETE /api/products/${tag} HTTP/1.1\r\nHost: shop\r\n\r\n`,
      { timeoutMs: 3_000 },
    );
    expect(statuses(exchange.text)).toEqual([status]);
    expect(exchange.closedByServer).toBe(true);
    const reached = [...service.requests, ...legacy.requests].filter((request) => request.url.includes(tag));
    expect(reached).toEqual([]);
    // Refusals are not counted as served (nor logged); what came after them is not either.
    expect(await servedCount(refusing)).toBe(before);
  });
});

describe('clients that send Expect: 100-continue', () => {
  const MAX_BODY_BYTES = 1_000;
  const TIMEOUT = 400;
  let slow: TestUpstream;
  let orders: TestUpstream;
  let expecting: ProxyHarness;

  beforeAll(async () => {
    // Never answers.
    slow = await startTestUpstream('slow', () => undefined);
    orders = await startTestUpstream('orders');
    expecting = await startHarness(`
version: 1
legacy: ${legacy.url}
services:
  catalog: ${service.url}
  slow:
    url: ${slow.url}
    timeout: ${TIMEOUT}
    breaker: { consecutiveFailures: 2, openFor: 60s }
  orders: ${orders.url}
proxy:
  maxBodyBytes: ${MAX_BODY_BYTES}
routes:
  - { id: catalog, path: /api/products, service: catalog, stage: migrated }
  - { id: slow, path: /api/slow, service: slow, stage: migrated, fallback: legacy }
  - id: orders
    path: /api/orders
    service: orders
    stage: shadow
    shadow: { unsafe: true, noiseSample: 0 }
`);
  });
  afterAll(async () => {
    await expecting.close();
    await slow.close();
    await orders.close();
  });

  /**
   * Sends `head` on a raw socket, and `body` only once the proxy has answered 100 Continue (as curl
   * does); collects everything until the proxy closes the connection (bounded).
   */
  async function expectContinue(head: string, body: string[]): Promise<string> {
    const socket = await openSocket(expecting.proxy.port);
    socket.on('error', () => undefined);
    let text = '';
    let continued = false;
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (continued || !text.includes('HTTP/1.1 100 Continue\r\n\r\n')) return;
      continued = true;
      for (const part of body) socket.write(part);
    });
    socket.write(head);
    await closedWithin(socket, 5_000);
    socket.destroy();
    return text;
  }

  it('a declared body over proxy.maxBodyBytes gets 413 instead of 100 Continue, and nothing is forwarded', async () => {
    const before = service.requests.length;
    const text = await expectContinue(
      `POST /api/products/declared HTTP/1.1\r\nHost: shop\r\nExpect: 100-continue\r\nContent-Length: ${MAX_BODY_BYTES + 1}\r\n\r\n`,
      ['b'.repeat(MAX_BODY_BYTES + 1)],
    );
    expect(statuses(text)).toEqual([413]);
    expect(text).toContain('BODY_TOO_LARGE');
    expect(service.requests.length).toBe(before);
  });

  it('a chunked body growing over proxy.maxBodyBytes gets 413, and the upstream request is cut', async () => {
    const chunk = `${(600).toString(16)}\r\n${'c'.repeat(600)}\r\n`;
    const text = await expectContinue(
      'POST /api/products/expect-streamed HTTP/1.1\r\nHost: shop\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n',
      [chunk, chunk, chunk, chunk, '0\r\n\r\n'],
    );
    expect(statuses(text), text).toEqual([100, 413]);
    const seen = await service.waitFor(
      (request) => request.url === '/api/products/expect-streamed' && request.cut,
      2_000,
    );
    expect(seen?.bodyComplete).toBe(false);
    expect(seen?.headers.expect).toBeUndefined();
  });

  it('a hanging upstream gets the timeout: the fallback for a GET, 504 for a POST, and the breaker is told', async () => {
    const expectHeaders = { expect: '100-continue' };
    const fellBack = await send(expecting.proxy.url, '/api/slow/get-1', {
      headers: expectHeaders,
      timeoutMs: 5_000,
    });
    expect([fellBack.status, JSON.parse(fellBack.body).upstream]).toEqual([200, 'legacy']);
    const timedOut = await send(expecting.proxy.url, '/api/slow/post-1', {
      method: 'POST',
      headers: { ...expectHeaders, 'content-type': 'text/plain' },
      body: 'hello',
      timeoutMs: 5_000,
    });
    expect([timedOut.status, JSON.parse(timedOut.body).error?.code]).toEqual([504, 'UPSTREAM_TIMEOUT']);
    expect(slow.received.map((request) => request.headers.expect)).toEqual([undefined, undefined]);
    // Two timeouts in a row open the breaker (consecutiveFailures: 2).
    const refused = await send(expecting.proxy.url, '/api/slow/post-2', {
      method: 'POST',
      headers: expectHeaders,
      body: 'hello',
      timeoutMs: 5_000,
    });
    expect([refused.status, JSON.parse(refused.body).error?.code]).toEqual([503, 'UPSTREAM_CIRCUIT_OPEN']);
  });

  it('a mirrored POST reaches the shadowed service with its whole body', async () => {
    const mirrored = orders.nextRequest();
    const outcome = await send(expecting.proxy.url, '/api/orders', {
      method: 'POST',
      headers: { expect: '100-continue', 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect([outcome.status, JSON.parse(outcome.body).bodyBytes]).toEqual([200, 5]);
    const request = await mirrored;
    expect(request.body.toString()).toBe('hello');
    expect(request.headers['content-length']).toBe('5');
    expect(request.headers.expect).toBeUndefined();
  });
});
