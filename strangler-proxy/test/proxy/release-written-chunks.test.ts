/**
 * The chunk release through real sockets: a front server pipes each request it receives into a request to
 * an upstream server, as httpxy does, with `releaseWrittenChunks` between them. The test keeps its own
 * references to every chunk the front server sees, to tell which were freed (a detached buffer is empty).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import {
  createServer,
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { releaseWrittenChunks } from '../../src/proxy/release-written-chunks.ts';

interface Exchange {
  /** Every chunk the front server received, in order (the test's own references). */
  readonly chunks: Buffer[];
  /** Their byte lengths as they arrived. */
  readonly sizes: number[];
  /** How many chunks had arrived when the upstream request closed. */
  chunksAtClose: number | null;
  readonly upstreamRequest: Promise<ClientRequest>;
  /** Resolves when the pipe first paused the client's request: the upstream's writes backed up. */
  readonly backedUp: Promise<void>;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** An upstream that hashes what it receives; `beforeReading` may hold its reading back. */
async function startUpstream(beforeReading: () => Promise<void> = () => Promise.resolve()) {
  const received: string[] = [];
  const url = await listen((req, res) => {
    req.pause();
    void beforeReading().then(() => {
      const hash = createHash('sha256');
      req.on('data', (chunk: Buffer) => hash.update(chunk));
      req.on('end', () => {
        received.push(hash.digest('hex'));
        res.end('ok');
      });
      req.resume();
    });
  });
  return { url, received };
}

/** A front server that forwards to `upstreamUrl` with the release in place. */
async function startFront(upstreamUrl: string, isHeld: () => boolean) {
  const exchanges: Exchange[] = [];
  const url = await listen((req, res) => {
    let resolveUpstream!: (request: ClientRequest) => void;
    const exchange: Exchange = {
      chunks: [],
      sizes: [],
      chunksAtClose: null,
      upstreamRequest: new Promise((resolve) => (resolveUpstream = resolve)),
      backedUp: once(req, 'pause').then(() => undefined),
    };
    exchanges.push(exchange);
    const headers = { ...req.headers };
    const upstream = httpRequest(`${upstreamUrl}${req.url ?? '/'}`, { method: req.method, headers });
    resolveUpstream(upstream);
    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    upstream.once('close', () => (exchange.chunksAtClose = exchange.chunks.length));
    // The order the proxy has: the release first, then the pipe.
    releaseWrittenChunks(req, upstream, isHeld);
    req.on('data', (chunk: Buffer) => {
      exchange.chunks.push(chunk);
      exchange.sizes.push(chunk.length);
    });
    req.pipe(upstream);
  });
  return { url, exchanges };
}

/** Sends `body` (declared length, or chunked in pieces of `piece` bytes) and resolves with the answer. */
function send(url: string, body: Buffer, piece: number | null = null): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const headers = piece === null ? { 'content-length': String(body.length) } : {};
    const outgoing = httpRequest(`${url}/upload`, { method: 'POST', headers }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
    });
    outgoing.on('error', reject);
    if (piece === null) outgoing.end(body);
    else {
      for (let offset = 0; offset < body.length; offset += piece)
        outgoing.write(body.subarray(offset, offset + piece));
      outgoing.end();
    }
  });
}

const isFreed = (chunk: Buffer) => chunk.byteLength === 0;

describe('releasing written body chunks', () => {
  it('frees every chunk once the upstream socket has taken it, and the upstream gets every byte', async () => {
    const upstream = await startUpstream();
    const front = await startFront(upstream.url, () => false);
    const body = randomBytes(4 * 1024 * 1024);
    const { status } = await send(front.url, body);
    expect(status).toBe(200);
    expect(upstream.received).toEqual([sha256(body)]);
    const [exchange] = front.exchanges;
    const upstreamRequest = await exchange!.upstreamRequest;
    if (!upstreamRequest.writableFinished) await once(upstreamRequest, 'finish');
    expect(exchange!.chunks.length).toBeGreaterThan(16);
    expect(exchange!.sizes.reduce((sum, size) => sum + size, 0)).toBe(body.length);
    expect(exchange!.chunks.filter((chunk) => !isFreed(chunk))).toEqual([]);
  });

  it('frees the chunks of a chunked body too', async () => {
    const upstream = await startUpstream();
    const front = await startFront(upstream.url, () => false);
    const body = randomBytes(1024 * 1024 + 123);
    await send(front.url, body, 100_000);
    expect(upstream.received).toEqual([sha256(body)]);
    const [exchange] = front.exchanges;
    const upstreamRequest = await exchange!.upstreamRequest;
    if (!upstreamRequest.writableFinished) await once(upstreamRequest, 'finish');
    expect(exchange!.chunks.filter((chunk) => !isFreed(chunk))).toEqual([]);
  });

  it('leaves every chunk alone while something else holds them', async () => {
    const upstream = await startUpstream();
    const front = await startFront(upstream.url, () => true);
    const body = randomBytes(2 * 1024 * 1024);
    await send(front.url, body);
    expect(upstream.received).toEqual([sha256(body)]);
    const [exchange] = front.exchanges;
    const upstreamRequest = await exchange!.upstreamRequest;
    if (!upstreamRequest.writableFinished) await once(upstreamRequest, 'finish');
    expect(exchange!.chunks.some(isFreed)).toBe(false);
    expect(sha256(Buffer.concat(exchange!.chunks))).toBe(sha256(body));
  });

  it('keeps chunks that wait behind a slow upstream until the upstream has taken them', async () => {
    // The upstream reads nothing until the front server's writes have backed up (the pipe paused).
    let exchanges: Exchange[] = [];
    const upstream = await startUpstream(() => exchanges[0]!.backedUp);
    const front = await startFront(upstream.url, () => false);
    exchanges = front.exchanges;
    const body = randomBytes(8 * 1024 * 1024);
    await send(front.url, body);
    expect(upstream.received).toEqual([sha256(body)]);
    const upstreamRequest = await exchanges[0]!.upstreamRequest;
    if (!upstreamRequest.writableFinished) await once(upstreamRequest, 'finish');
    expect(exchanges[0]!.chunks.filter((chunk) => !isFreed(chunk))).toEqual([]);
  });

  it('stops at an upstream that closes early: what arrives after is left alone, and nothing breaks', async () => {
    // An upstream that answers at once and closes the connection without reading the body.
    const url = await listen((req, res) => {
      res.writeHead(413, { connection: 'close' });
      res.end();
      req.socket.destroySoon();
    });
    const front = await startFront(url, () => false);
    const body = randomBytes(8 * 1024 * 1024);
    const answer = await send(front.url, body).catch((error: unknown) => ({ status: 0, error }));
    expect([0, 413]).toContain(answer.status);
    const [exchange] = front.exchanges;
    const upstreamRequest = await exchange!.upstreamRequest;
    if (!upstreamRequest.closed) await once(upstreamRequest, 'close');
    const after = exchange!.chunks.slice(exchange!.chunksAtClose ?? exchange!.chunks.length);
    expect(after.some(isFreed)).toBe(false);
  });
});
