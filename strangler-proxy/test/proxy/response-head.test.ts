/**
 * The head the client gets for an upstream's answer, byte by byte: the status line as the upstream wrote
 * it, every end-to-end header (repeated Set-Cookie lines kept apart), no hop-by-hop header, framing that
 * suits the client's HTTP version, and no crash on what Node's parser accepts but its writer refuses: a
 * status out of range (502), a control character in the reason phrase, a Trailer header.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { startHarness, type ProxyHarness } from '../support/proxy-harness.ts';
import { startTestUpstream, type TestUpstream } from '../support/test-upstream.ts';
import { rawExchange } from '../faults/support/raw-client.ts';

/** Canned answers, by the last segment of the request path. */
const ANSWERS: Record<string, string> = {
  'custom-status':
    'HTTP/1.1 299 Quite Fine\r\nX-One: 1\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n' +
    'Content-Type: text/plain\r\nContent-Length: 2\r\n\r\nok',
  'hop-by-hop':
    'HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Hop\r\nX-Hop: secret\r\nKeep-Alive: timeout=99\r\n' +
    'Proxy-Connection: keep-alive\r\nX-End: kept\r\nContent-Length: 2\r\n\r\nok',
  'proxy-credentials':
    'HTTP/1.1 200 OK\r\nProxy-Authenticate: Basic realm="upstream"\r\nX-End: kept\r\n' +
    'Content-Length: 2\r\n\r\nok',
  chunked:
    'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n' +
    '5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n',
  'no-content': 'HTTP/1.1 204 No Content\r\nX-Empty: yes\r\n\r\n',
  'status-out-of-range': 'HTTP/1.1 099 Too Low\r\nContent-Length: 2\r\n\r\nok',
  'control-in-reason': 'HTTP/1.1 200 O\u0001K\r\nContent-Length: 2\r\n\r\nok',
  'trailer-sized': 'HTTP/1.1 200 OK\r\nTrailer: X-Sum\r\nContent-Length: 2\r\n\r\nok',
  'trailer-chunked':
    'HTTP/1.1 200 OK\r\nTrailer: X-Sum\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-Sum: 1\r\n\r\n',
};

let legacy: TestUpstream;
let upstream: Server;
let harness: ProxyHarness;

beforeAll(async () => {
  legacy = await startTestUpstream('legacy');
  upstream = createServer((socket) => {
    socket.on('error', () => undefined);
    let head = '';
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      const target = head.slice(head.indexOf(' ') + 1, head.indexOf(' HTTP/'));
      const answer =
        ANSWERS[target.split('/').pop() ?? ''] ?? 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n';
      head = '';
      socket.write(answer);
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const { port } = upstream.address() as AddressInfo;
  harness = await startHarness(`
version: 1
legacy: ${legacy.url}
services:
  canned: { url: 'http://127.0.0.1:${port}' }
routes:
  - { id: canned, path: /canned, service: canned, stage: migrated }
`);
});
afterAll(async () => {
  await harness.close();
  await new Promise((resolve) => upstream.close(resolve));
  await legacy.close();
});

const ask = (path: string, version = '1.1') =>
  rawExchange(
    harness.proxy.port,
    `GET ${path} HTTP/${version}\r\nHost: shop\r\n${version === '1.1' ? 'Connection: close\r\n' : ''}\r\n`,
    { timeoutMs: 3_000 },
  );

/** The answer to `GET path`, split into status line, lowercased header lines and body. */
const answerTo = async (path: string, version = '1.1') => split((await ask(path, version)).text);

function split(text: string): { statusLine: string; headers: string[]; body: string } {
  const end = text.indexOf('\r\n\r\n');
  const [statusLine = '', ...headers] = text.slice(0, end).split('\r\n');
  return { statusLine, headers: headers.map((line) => line.toLowerCase()), body: text.slice(end + 4) };
}

describe('the response head', () => {
  it('keeps the status line as the upstream wrote it, and each Set-Cookie on a line of its own', async () => {
    const { statusLine, headers, body } = await answerTo('/canned/custom-status');
    expect(statusLine).toBe('HTTP/1.1 299 Quite Fine');
    expect(headers).toEqual(
      expect.arrayContaining([
        'x-one: 1',
        'set-cookie: a=1',
        'set-cookie: b=2',
        'content-type: text/plain',
        'content-length: 2',
      ]),
    );
    expect(body).toBe('ok');
  });

  it('drops hop-by-hop headers and speaks for its own connection', async () => {
    const { headers, body } = await answerTo('/canned/hop-by-hop');
    expect(headers).toContain('x-end: kept');
    expect(headers.filter((line) => /^(x-hop|keep-alive|proxy-connection):/.test(line))).toEqual([]);
    // The client asked to close.
    expect(headers.filter((line) => line.startsWith('connection:'))).toEqual(['connection: close']);
    expect(body).toBe('ok');
  });

  it('drops the upstream’s proxy credentials challenge, meant for the proxy’s own hop', async () => {
    const { headers, body } = await answerTo('/canned/proxy-credentials');
    expect(headers).toContain('x-end: kept');
    expect(headers.filter((line) => line.startsWith('proxy-authenticate:'))).toEqual([]);
    expect(body).toBe('ok');
  });

  it('passes a chunked answer on to an HTTP/1.1 client chunked', async () => {
    const { headers, body } = await answerTo('/canned/chunked');
    expect(headers).toContain('transfer-encoding: chunked');
    expect(body).toBe('5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n');
  });

  it('gives an HTTP/1.0 client the chunked answer unchunked, ended by closing', async () => {
    const exchange = await ask('/canned/chunked', '1.0');
    const { statusLine, headers, body } = split(exchange.text);
    expect(statusLine).toBe('HTTP/1.1 200 OK');
    expect(headers.some((line) => line.startsWith('transfer-encoding:'))).toBe(false);
    expect(headers).toContain('connection: close');
    expect(body).toBe('hello world');
    expect(exchange.closedByServer).toBe(true);
  });

  it('sends a 204 with its headers and no body framing', async () => {
    const { statusLine, headers, body } = await answerTo('/canned/no-content');
    expect(statusLine).toBe('HTTP/1.1 204 No Content');
    expect(headers).toContain('x-empty: yes');
    expect(headers.some((line) => /^(transfer-encoding|content-length):/.test(line))).toBe(false);
    expect(body).toBe('');
  });

  it('replaces a reason phrase Node cannot write (a control character) with the standard one', async () => {
    const { statusLine, body } = await answerTo('/canned/control-in-reason');
    expect(statusLine).toBe('HTTP/1.1 200 OK');
    expect(body).toBe('ok');
  });

  it('announces no trailer it does not pass on, sized or chunked, to HTTP/1.1 and HTTP/1.0 clients', async () => {
    for (const [path, version] of [
      ['/canned/trailer-sized', '1.1'],
      ['/canned/trailer-sized', '1.0'],
      ['/canned/trailer-chunked', '1.1'],
      ['/canned/trailer-chunked', '1.0'],
    ] as const) {
      const { statusLine, headers, body } = await answerTo(path, version);
      expect(statusLine, `${path} HTTP/${version}`).toBe('HTTP/1.1 200 OK');
      expect(headers.some((line) => line.startsWith('trailer:'))).toBe(false);
      expect(body, `${path} HTTP/${version}`).toMatch(/ok/);
    }
  });

  it('answers 502 for a status Node cannot send on, and keeps serving', async () => {
    const { statusLine, body } = await answerTo('/canned/status-out-of-range');
    expect(statusLine).toMatch(/^HTTP\/1\.1 502 /);
    expect(JSON.parse(body)).toMatchObject({ error: { code: 'UPSTREAM_BAD_RESPONSE' } });
    expect((await answerTo('/canned/custom-status')).statusLine).toBe('HTTP/1.1 299 Quite Fine');
  });
});
