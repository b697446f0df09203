/**
 * Bad input on raw sockets: request smuggling shapes are refused with 400 and never reach an upstream;
 * what is accepted reaches the upstream framed one way only; oversized headers and bodies get the
 * configured 431/413 (`proxy.maxHeaderBytes`, `proxy.maxBodyBytes`) and the upstream sees nothing, or an
 * aborted request, never a complete one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type ProxyHarness } from '../support/proxy-harness.ts';
import { headerLines, startRawUpstream, type RawUpstream } from './support/raw-upstream.ts';
import { startObservedUpstream, type ObservedUpstream } from './support/observed-upstream.ts';
import { agentIdle, rawExchange, statuses } from './support/raw-client.ts';

const MAX_HEADER_BYTES = 4_096;
const MAX_BODY_BYTES = 10_000;

let upstream: RawUpstream;
let observed: ObservedUpstream;
let harness: ProxyHarness;

beforeAll(async () => {
  upstream = await startRawUpstream();
  observed = await startObservedUpstream('observed');
  harness = await startHarness(`
version: 1
legacy: ${upstream.url}
services:
  observed: ${observed.url}
proxy:
  maxHeaderBytes: ${MAX_HEADER_BYTES}
  maxBodyBytes: ${MAX_BODY_BYTES}
routes:
  - { id: observed, path: /observed, service: observed, stage: migrated }
`);
});
afterAll(async () => {
  await harness.close();
  await upstream.close();
  await observed.close();
});

const H = 'Host: shop\r\n';

/** Sends `request`, expects one answer with `status`, the connection closed, and no upstream traffic. */
async function expectRefused(request: string, status = 400): Promise<string> {
  const before = upstream.received.length + observed.requests.length;
  const exchange = await rawExchange(harness.proxy.port, request, { timeoutMs: 3_000 });
  expect(statuses(exchange.text), exchange.text).toEqual([status]);
  expect(exchange.closedByServer).toBe(true);
  expect(upstream.received.length + observed.requests.length).toBe(before);
  return exchange.text;
}

describe('request smuggling shapes are refused, never forwarded', () => {
  it.each([
    [
      'Content-Length with Transfer-Encoding',
      `POST /a HTTP/1.1\r\n${H}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    ],
    [
      'Transfer-Encoding with Content-Length',
      `POST /a HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n`,
    ],
    [
      'two different Content-Lengths',
      `POST /a HTTP/1.1\r\n${H}Content-Length: 4\r\nContent-Length: 5\r\n\r\nabcde`,
    ],
    [
      'two equal Content-Lengths',
      `POST /a HTTP/1.1\r\n${H}Content-Length: 4\r\nContent-Length: 4\r\n\r\nabcd`,
    ],
    ['a Content-Length list', `POST /a HTTP/1.1\r\n${H}Content-Length: 4, 4\r\n\r\nabcd`],
    ['a signed Content-Length', `POST /a HTTP/1.1\r\n${H}Content-Length: +4\r\n\r\nabcd`],
    ['a hex Content-Length', `POST /a HTTP/1.1\r\n${H}Content-Length: 0x4\r\n\r\nabcd`],
    ['an obs-fold header', `GET /a HTTP/1.1\r\n${H}X-Folded: one\r\n two\r\n\r\n`],
    [
      'an obs-fold Transfer-Encoding',
      `POST /a HTTP/1.1\r\n${H}Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n`,
    ],
    ['chunked not last', `POST /a HTTP/1.1\r\n${H}Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n`],
    ['an unknown coding', `POST /a HTTP/1.1\r\n${H}Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n`],
    [
      'identity then chunked',
      `POST /a HTTP/1.1\r\n${H}Transfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\n`,
    ],
    // The proxy does not decode gzip: the mirror (sent with the decoded chunks and a Content-Length) and
    // the primary would get two different requests.
    ['gzip then chunked', `POST /a HTTP/1.1\r\n${H}Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n`],
    ['chunked twice', `POST /a HTTP/1.1\r\n${H}Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n`],
    [
      'chunked in two header lines',
      `POST /a HTTP/1.1\r\n${H}Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    ],
    ['a space before the colon', `POST /a HTTP/1.1\r\n${H}Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n`],
    ['bare LF line ends', `GET /a HTTP/1.1\n${H.replace('\r\n', '\n')}\n`],
    ['a bare CR in a value', `GET /a HTTP/1.1\r\n${H}X-A: b\rX-B: c\r\n\r\n`],
    ['a NUL in a value', `GET /a HTTP/1.1\r\n${H}X-A: b\u0000c\r\n\r\n`],
    ['a space in a header name', `GET /a HTTP/1.1\r\n${H}X A: b\r\n\r\n`],
    ['no Host header', 'GET /a HTTP/1.1\r\n\r\n'],
    ['two Host headers', `GET /a HTTP/1.1\r\n${H}Host: elsewhere\r\n\r\n`],
  ])('%s', async (_name, request) => {
    await expectRefused(request);
  });

  it('the smuggled second request behind a refused one is never processed', async () => {
    const text = await expectRefused(
      `POST /a HTTP/1.1\r\n${H}Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /admin HTTP/1.1\r\n${H}\r\n`,
    );
    expect(text).not.toContain('ok');
  });
});

describe('a body whose chunk framing breaks midway', () => {
  it.each([
    ['an overflowing chunk size', 'FFFFFFFFFFFFFFFFF1\r\nx\r\n0\r\n\r\n'],
    ['a chunk size with a bare LF', '3\nabc\r\n0\r\n\r\n'],
    ['a chunk without its CRLF', '3\r\nabcGET /smuggled HTTP/1.1\r\nHost: shop\r\n\r\n0\r\n\r\n'],
  ])('%s: 400, and the upstream request (head already sent) is cut, never completed', async (name, body) => {
    const url = `/observed/chunks-${name.replaceAll(' ', '-')}`;
    const exchange = await rawExchange(
      harness.proxy.port,
      [`POST ${url} HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n`, body],
      { timeoutMs: 3_000 },
    );
    expect(statuses(exchange.text)).toEqual([400]);
    expect(exchange.closedByServer).toBe(true);
    // The head may or may not have reached the upstream before the framing broke; if it did, that
    // request was cut, never completed.
    const agent = harness.proxy.snapshot().upstreams.get('observed')?.agent;
    expect(agent && (await agentIdle(agent, 2_000))).toBe(true);
    for (const request of observed.requests.filter((candidate) => candidate.url === url)) {
      await observed.waitFor((candidate) => candidate === request && candidate.cut, 2_000);
      expect(request).toMatchObject({ cut: true, bodyComplete: false });
    }
    expect(observed.requests.some((request) => request.url.includes('smuggled'))).toBe(false);
  });
});

describe('what is accepted is forwarded framed one way only', () => {
  it.each([
    ['a Content-Length body', `POST /a HTTP/1.1\r\n${H}Content-Length: 5\r\nConnection: close\r\n\r\nhello`],
    [
      'a chunked body',
      `POST /a HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n`,
    ],
    ['an HTTP/1.0 request', `POST /a HTTP/1.0\r\n${H}Content-Length: 5\r\n\r\nhello`],
    ['a request line with a double space', `POST  /a HTTP/1.1\r\n${H}Content-Length: 5\r\n\r\nhello`],
    [
      'a chunked body with extensions',
      `POST /a HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n0\r\n\r\n`,
    ],
    [
      'chunked in capitals',
      `POST /a HTTP/1.1\r\n${H}Transfer-Encoding: CHUNKED\r\n\r\n5\r\nhello\r\n0\r\n\r\n`,
    ],
  ])('%s', async (_name, request) => {
    const before = upstream.received.length;
    const exchange = await rawExchange(harness.proxy.port, request, { timeoutMs: 3_000 });
    expect(statuses(exchange.text)).toEqual([200]);
    expect(upstream.received.length).toBe(before + 1);
    const raw = upstream.received[before] ?? '';
    const names = headerLines(raw).map((line) => line.slice(0, line.indexOf(':')).toLowerCase());
    const framing = names.filter((name) => name === 'content-length' || name === 'transfer-encoding');
    expect(framing, raw).toHaveLength(1);
    // A coding is forwarded in its one canonical spelling (names are case-insensitive, RFC 9112 §7).
    for (const line of headerLines(raw))
      if (/^transfer-encoding:/i.test(line)) expect(line).toBe('transfer-encoding: chunked');
    expect(headerLines(raw).every((line) => !/^[ \t]/.test(line))).toBe(true);
    expect(raw.split('\r\n\r\n')[1]).toMatch(/hello/);
    expect(raw.startsWith('POST /a HTTP/1.1\r\n')).toBe(true);
  });
});

describe('configured limits', () => {
  const headerOf = (bytes: number) => `X-Big: ${'h'.repeat(bytes)}\r\n`;

  it(`headers under proxy.maxHeaderBytes (${MAX_HEADER_BYTES}) pass`, async () => {
    const exchange = await rawExchange(
      harness.proxy.port,
      `GET /a HTTP/1.1\r\n${H}${headerOf(2_000)}Connection: close\r\n\r\n`,
    );
    expect(statuses(exchange.text)).toEqual([200]);
  });

  it('headers over proxy.maxHeaderBytes get 431 and reach no upstream', async () => {
    const text = await expectRefused(`GET /a HTTP/1.1\r\n${H}${headerOf(MAX_HEADER_BYTES + 100)}\r\n`, 431);
    expect(text).toContain('HEADERS_TOO_LARGE');
  });

  it('many small headers over the limit get 431 too', async () => {
    const many = Array.from({ length: 400 }, (_, i) => `X-H${i}: ${'v'.repeat(10)}\r\n`).join('');
    await expectRefused(`GET /a HTTP/1.1\r\n${H}${many}\r\n`, 431);
  });

  it(`a body of exactly proxy.maxBodyBytes (${MAX_BODY_BYTES}) passes whole`, async () => {
    const exchange = await rawExchange(
      harness.proxy.port,
      `POST /observed/exact HTTP/1.1\r\n${H}Content-Length: ${MAX_BODY_BYTES}\r\nConnection: close\r\n\r\n${'b'.repeat(MAX_BODY_BYTES)}`,
    );
    expect(statuses(exchange.text)).toEqual([200]);
    expect(exchange.text).toContain(`"bodyBytes":${MAX_BODY_BYTES}`);
  });

  it('a declared body over the limit gets 413 before anything is forwarded', async () => {
    const text = await expectRefused(
      `POST /observed/declared HTTP/1.1\r\n${H}Content-Length: ${MAX_BODY_BYTES + 1}\r\n\r\n${'b'.repeat(MAX_BODY_BYTES + 1)}`,
      413,
    );
    expect(text).toContain('BODY_TOO_LARGE');
  });

  it('a chunked body that grows over the limit gets 413, and the upstream sees an aborted request', async () => {
    const chunk = 'c'.repeat(4_000);
    const chunks = Array.from({ length: 5 }, () => `${(4_000).toString(16)}\r\n${chunk}\r\n`);
    const exchange = await rawExchange(
      harness.proxy.port,
      [`POST /observed/streamed HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n`, ...chunks, '0\r\n\r\n'],
      { timeoutMs: 3_000 },
    );
    expect(statuses(exchange.text), exchange.text).toEqual([413]);
    expect(exchange.closedByServer).toBe(true);
    const seen = await observed.waitFor(
      (request) => request.url === '/observed/streamed' && request.cut,
      2_000,
    );
    expect(seen?.bodyComplete).toBe(false);
    expect(seen?.bodyBytes ?? 0).toBeLessThanOrEqual(MAX_BODY_BYTES + 4_000);
  });

  it('a chunked body under the limit passes whole', async () => {
    const exchange = await rawExchange(
      harness.proxy.port,
      `POST /observed/small HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n`,
    );
    expect(statuses(exchange.text)).toEqual([200]);
    expect(exchange.text).toContain('"bodyBytes":5');
  });
});
