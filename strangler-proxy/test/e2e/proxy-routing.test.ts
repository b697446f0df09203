import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { startTestUpstream, deadPort, jsonEcho, type TestUpstream } from '../support/test-upstream.ts';
import { startHarness, type ProxyHarness } from '../support/proxy-harness.ts';

let legacy: TestUpstream;
let catalog: TestUpstream;
let harness: ProxyHarness;

const routes = (catalogUrl: string, legacyUrl: string, extra = '') => `
version: 1
legacy: ${legacyUrl}
services:
  catalog: ${catalogUrl}
routes:
  - id: products
    path: /api/products
    methods: [GET, HEAD]
    service: catalog
    stage: migrated
  - id: product-reviews
    path: /api/products/:id/reviews
    service: catalog
    stage: legacy
  - id: beta-search
    path: /api/search
    headers: { x-beta: "yes" }
    service: catalog
    stage: migrated
${extra}`;

beforeAll(async () => {
  legacy = await startTestUpstream('legacy');
  catalog = await startTestUpstream('catalog');
  harness = await startHarness(routes(catalog.url, legacy.url));
});
afterAll(async () => {
  await harness.close();
  await legacy.close();
  await catalog.close();
});

async function get(path: string, headers: Record<string, string> = {}, method = 'GET') {
  const response = await fetch(`${harness.proxy.url}${path}`, { method, headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : null };
}

describe('routing through the proxy', () => {
  it('sends a migrated route to its service and everything else to legacy', async () => {
    expect((await get('/api/products')).json.upstream).toBe('catalog');
    expect((await get('/api/products/7')).json.upstream).toBe('catalog');
    expect((await get('/api/orders/1')).json.upstream).toBe('legacy');
    expect((await get('/')).json.upstream).toBe('legacy');
  });

  it('matches on segment boundaries only', async () => {
    expect((await get('/api/productsX')).json.upstream).toBe('legacy');
  });

  it('lets the more specific route win', async () => {
    // /api/products/:id/reviews (stage legacy) is more specific than /api/products (migrated).
    expect((await get('/api/products/7/reviews')).json.upstream).toBe('legacy');
  });

  it('narrows by method and header conditions', async () => {
    expect((await get('/api/products', {}, 'POST')).json.upstream).toBe('legacy');
    expect((await get('/api/search')).json.upstream).toBe('legacy');
    expect((await get('/api/search', { 'x-beta': 'yes' })).json.upstream).toBe('catalog');
  });

  it('normalises once and forwards exactly what it matched', async () => {
    const dotted = await get('/api/orders/../products/5');
    expect(dotted.json).toMatchObject({ upstream: 'catalog', url: '/api/products/5' });
    const encoded = await get('/api/orders/%2e%2e/products/6');
    expect(encoded.json).toMatchObject({ upstream: 'catalog', url: '/api/products/6' });
    const slashes = await get('//api///products?q=a%20b');
    expect(slashes.json).toMatchObject({ upstream: 'catalog', url: '/api/products?q=a%20b' });
  });

  it('sets forwarding headers, a request id, and keeps traceparent', async () => {
    const seen = catalog.nextRequest();
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    // node:http rather than fetch: fetch may not set Connection.
    await new Promise<void>((resolve, reject) => {
      const headers = {
        traceparent,
        'x-strangler-shadow': '1',
        connection: 'keep-alive, x-drop-me',
        'x-drop-me': 'x',
      };
      httpRequest(`${harness.proxy.url}/api/products`, { headers }, (response) => {
        response.resume();
        response.on('end', resolve);
      })
        .on('error', reject)
        .end();
    });
    const request = await seen;
    expect(request.headers['x-forwarded-for']).toMatch(/127\.0\.0\.1/);
    expect(request.headers['x-forwarded-proto']).toBe('http');
    expect(request.headers['x-forwarded-host']).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(request.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(request.headers.traceparent).toBe(traceparent);
    expect(request.headers['x-strangler-shadow']).toBeUndefined();
    expect(request.headers['x-drop-me']).toBeUndefined();
  });

  it('keeps a client request id', async () => {
    const seen = legacy.nextRequest();
    await get('/anything', { 'x-request-id': 'abc-123' });
    expect((await seen).headers['x-request-id']).toBe('abc-123');
  });
});

/** Writes `text` to the proxy over a plain socket and resolves with everything it answers. */
const raw = (text: string) =>
  new Promise<string>((resolve, reject) => {
    const socket = connect(harness.proxy.port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });

describe('refusing to be an open proxy', () => {
  it('answers 400 to an absolute-form target', async () => {
    const answer = await raw(
      'GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(answer).toContain('NOT_AN_OPEN_PROXY');
  });

  it('answers 400 to CONNECT', async () => {
    const answer = await raw('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
  });

  it('answers 414 to a path over the limit', async () => {
    const answer = await raw(`GET /${'a'.repeat(9000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 414/);
    expect(answer).toContain('URI_TOO_LONG');
  });

  it('answers 400 to a malformed path', async () => {
    const answer = await raw('GET /api/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
  });
});

describe('upstream failures', () => {
  let failing: ProxyHarness;
  let hanging: TestUpstream;

  beforeAll(async () => {
    hanging = await startTestUpstream('hanging', () => undefined);
    const dead = await deadPort();
    failing = await startHarness(`
version: 1
legacy: ${legacy.url}
services:
  dead: ${dead}
  slow: { url: "${hanging.url}", timeout: 200ms }
routes:
  - { id: dead, path: /dead, service: dead, stage: migrated }
  - { id: slow, path: /slow, service: slow, stage: migrated }
`);
  });
  afterAll(async () => {
    await failing.close();
    await hanging.close();
  });

  it('answers 502 with a JSON error when the service is dead', async () => {
    const response = await fetch(`${failing.proxy.url}/dead/x`);
    expect(response.status).toBe(502);
    const body = (await response.json()) as { error: { code: string; requestId: string } };
    expect(body.error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(body.error.requestId).toMatch(/[0-9a-f-]{36}/);
  });

  it('answers 504 when the service does not answer within its timeout', async () => {
    const response = await fetch(`${failing.proxy.url}/slow/x`);
    expect(response.status).toBe(504);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('UPSTREAM_TIMEOUT');
  });
});

describe('request framing', () => {
  /** Sends one request with the given framing over a raw socket and returns what legacy received. */
  async function sendRaw(head: string, body = '') {
    const seen = legacy.nextRequest();
    const answer = await raw(`${head}\r\nHost: example.test\r\nConnection: close\r\n\r\n${body}`);
    return { answer, received: await seen };
  }

  it.each([
    ['GET without framing', 'GET /framing/a HTTP/1.1', '', undefined],
    ['DELETE without framing', 'DELETE /framing/b HTTP/1.1', '', '0'],
    ['POST with Content-Length: 0', 'POST /framing/c HTTP/1.1\r\nContent-Length: 0', '', '0'],
    ['GET with a body', 'GET /framing/d HTTP/1.1\r\nContent-Length: 5', 'hello', '5'],
    [
      'PUT with a chunked body',
      'PUT /framing/e HTTP/1.1\r\nTransfer-Encoding: chunked',
      '5\r\nhello\r\n0\r\n\r\n',
      undefined,
    ],
  ] as const)('forwards a %s as sent, bodyless or not', async (_name, head, body, length) => {
    const { answer, received } = await sendRaw(head, body);
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(received.method).toBe(head.split(' ')[0]);
    expect(received.headers['content-length']).toBe(length);
    expect(received.body.toString()).toBe(body === '' ? '' : 'hello');
  });
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Keeps the test's own reference to every body chunk a message emits, without reading it (a `data`
 * listener would start the stream flowing before the proxy pipes it): a detached chunk is one the proxy
 * freed.
 */
function recordChunks(message: IncomingMessage, into: Buffer[]): void {
  const emit = message.emit.bind(message);
  message.emit = (event: string | symbol, ...args: unknown[]) => {
    if (event === 'data') into.push(args[0] as Buffer);
    return emit(event, ...args);
  };
}

/** The body chunks of the requests the proxy receives and of the answers it receives from upstreams. */
function watchProxyChunks(proxyPort: number) {
  const requestChunks: Buffer[] = [];
  const answerChunks: Buffer[] = [];
  const onRequest = (message: unknown) => {
    const { request, socket } = message as { request: IncomingMessage; socket: Socket };
    if (socket.localPort === proxyPort) recordChunks(request, requestChunks);
  };
  const onAnswer = (message: unknown) => {
    const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
    if (request.socket?.remotePort !== proxyPort) recordChunks(response, answerChunks);
  };
  subscribe('http.server.request.start', onRequest);
  subscribe('http.client.response.finish', onAnswer);
  return {
    requestChunks,
    answerChunks,
    stop() {
      unsubscribe('http.server.request.start', onRequest);
      unsubscribe('http.client.response.finish', onAnswer);
    },
  };
}

describe('streaming', () => {
  it('streams a large request body through byte for byte, freeing each chunk once written upstream', async () => {
    const body = randomBytes(8 * 1024 * 1024);
    const watch = watchProxyChunks(harness.proxy.port);
    try {
      for (const framing of ['declared', 'chunked'] as const) {
        watch.requestChunks.length = 0;
        const seen = legacy.nextRequest();
        const status = await new Promise<number>((resolve, reject) => {
          const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
          if (framing === 'declared') headers['content-length'] = String(body.length);
          const outgoing = httpRequest(
            `${harness.proxy.url}/upload`,
            { method: 'POST', headers },
            (response) => {
              response.resume();
              response.on('end', () => resolve(response.statusCode ?? 0));
            },
          );
          outgoing.on('error', reject);
          let sent = 0;
          const pump = () => {
            while (sent < body.length) {
              const piece = body.subarray(sent, sent + 64 * 1024);
              sent += piece.length;
              if (!outgoing.write(piece)) return void outgoing.once('drain', pump);
            }
            outgoing.end();
          };
          pump();
        });
        expect(status).toBe(200);
        expect(sha256((await seen).body)).toBe(sha256(body));
        expect(watch.requestChunks.length).toBeGreaterThan(16);
        expect(watch.requestChunks.filter((chunk) => chunk.byteLength > 0)).toEqual([]);
      }
    } finally {
      watch.stop();
    }
  });

  it('streams a large answer through byte for byte, freeing each chunk once written to the client', async () => {
    const answer = randomBytes(8 * 1024 * 1024);
    legacy.setHandler((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(answer);
    });
    const watch = watchProxyChunks(harness.proxy.port);
    try {
      const response = await fetch(`${harness.proxy.url}/download`);
      const received = Buffer.from(await response.arrayBuffer());
      expect(response.status).toBe(200);
      expect(sha256(received)).toBe(sha256(answer));
      expect(watch.answerChunks.length).toBeGreaterThan(16);
      expect(watch.answerChunks.filter((chunk) => chunk.byteLength > 0)).toEqual([]);
    } finally {
      watch.stop();
      legacy.setHandler(jsonEcho('legacy'));
    }
  });
});
