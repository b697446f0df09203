/**
 * The fixed-rate load's pacer against real servers on 127.0.0.1: every answer counted once, whatever its
 * framing, and every way a server can fail it counted as an error without stalling the run.
 */
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runPaced } from '../../bench/lib/load.ts';

const servers: Array<{ close(): unknown }> = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/items/7?view=full`;
}

function httpServer(listener: RequestListener): Promise<string> {
  const server = createHttpServer(listener);
  server.keepAliveTimeout = 30_000;
  return listen(server);
}

/** A TCP server that answers each request's head with `answer(socket, count)`. */
function rawServer(answer: (socket: Socket, count: number) => void): Promise<string> {
  let count = 0;
  const server = createTcpServer((socket) => {
    let buffered = '';
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      while (buffered.includes('\r\n\r\n')) {
        buffered = buffered.slice(buffered.indexOf('\r\n\r\n') + 4);
        answer(socket, ++count);
      }
    });
  });
  return listen(server);
}

describe('fixed-rate load', () => {
  it('sends the scheduled requests on the connections it counts and times each answer', async () => {
    const seen: string[] = [];
    const sockets = new Set<unknown>();
    const url = await httpServer((request, response) => {
      sockets.add(request.socket);
      seen.push(`${request.method ?? ''} ${request.url ?? ''} ${request.headers.host ?? ''}`);
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': 11 });
      response.end('{"id": 7 }\n');
    });
    const result = await runPaced({ url, rate: 1000, durationSec: 0.1 });

    expect(result).toMatchObject({ sent: 100, completed: 100, errors: 0, non2xx: 0 });
    expect(result.connections).toBe(sockets.size);
    // Percentiles of the same answers: ordered, whatever the machine's speed.
    expect(result.p99Ms).toBeGreaterThanOrEqual(result.p50Ms);
    expect(result.maxMs).toBeGreaterThanOrEqual(result.p99Ms);
    expect(new Set(seen)).toEqual(new Set([`GET /items/7?view=full ${new URL(url).host}`]));
  });

  it('sends each request when it is due, not when an answer comes: on a new connection if all are busy', async () => {
    // No answer until every request has arrived: only an open-loop pacer gets them all out, and each
    // one finds every open connection busy, whatever the machine's speed.
    const held: Array<() => void> = [];
    const sockets = new Set<unknown>();
    const url = await httpServer((request, response) => {
      sockets.add(request.socket);
      held.push(() => response.end('ok'));
      if (held.length === 20) for (const answer of held) answer();
    });
    const result = await runPaced({ url, rate: 1000, durationSec: 0.02, timeoutMs: 5_000 });

    expect(result).toMatchObject({ sent: 20, completed: 20, errors: 0, connections: 20 });
    expect(sockets.size).toBe(20);
  });

  it('keeps to its bound of connections: past it, due requests wait for a free one', async () => {
    // Answers go out four at a time, when four are waiting: the bound is reached, never passed.
    let waiting: Array<() => void> = [];
    let mostWaiting = 0;
    const sockets = new Set<unknown>();
    const url = await httpServer((request, response) => {
      sockets.add(request.socket);
      waiting.push(() => response.end('ok'));
      mostWaiting = Math.max(mostWaiting, waiting.length);
      if (waiting.length === 4) for (const answer of waiting.splice(0)) answer();
    });
    const result = await runPaced({ url, rate: 1000, durationSec: 0.012, connections: 4, timeoutMs: 5_000 });

    expect(result).toMatchObject({ sent: 12, completed: 12, errors: 0, connections: 4 });
    expect([sockets.size, mostWaiting]).toEqual([4, 4]);
    waiting = [];
  });

  it('reports the lead-in apart: its requests are in neither the measured counts nor percentiles', async () => {
    let count = 0;
    const url = await httpServer((_request, response) => {
      count++;
      response.writeHead(200, { 'content-length': 2 });
      response.end('ok');
    });
    const result = await runPaced({ url, rate: 1000, durationSec: 0.05, leadInSec: 0.03 });

    expect(count).toBe(80);
    expect(result).toMatchObject({ sent: 50, completed: 50, errors: 0 });
    expect(result.leadIn).toMatchObject({ sent: 30, completed: 30, errors: 0, non2xx: 0 });
  });

  it('counts a lead-in request that fails in the lead-in', async () => {
    const url = await rawServer((socket, count) => {
      if (count === 1) return; // never answered
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
    const result = await runPaced({ url, rate: 1000, durationSec: 0.02, leadInSec: 0.01, timeoutMs: 200 });

    expect(result).toMatchObject({ sent: 20, completed: 20, errors: 0 });
    expect(result.leadIn).toMatchObject({ sent: 10, completed: 9, errors: 1 });
  });

  it('frames chunked answers and counts statuses outside 2xx', async () => {
    let count = 0;
    const url = await httpServer((_request, response) => {
      count++;
      response.writeHead(count % 2 === 0 ? 503 : 200, { 'content-type': 'text/plain' });
      response.write('first part, ');
      setImmediate(() => response.end('second part'));
    });
    const result = await runPaced({ url, rate: 1000, durationSec: 0.06 });

    expect(result).toMatchObject({ sent: 60, completed: 60, errors: 0, non2xx: 30 });
  });

  it('opens a new connection after an answer that closes its own', async () => {
    const url = await httpServer((_request, response) => {
      response.writeHead(200, { connection: 'close', 'content-length': 2 });
      response.end('ok');
    });
    const result = await runPaced({ url, rate: 500, durationSec: 0.04 });

    expect(result).toMatchObject({ sent: 20, completed: 20, errors: 0, connections: 20 });
  });

  it('takes the end of the connection as the end of an answer without a length', async () => {
    const url = await rawServer((socket) => {
      socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nthe body runs to the close');
    });
    const result = await runPaced({ url, rate: 500, durationSec: 0.04 });

    expect(result).toMatchObject({ sent: 20, completed: 20, errors: 0 });
  });

  it('counts an answer that never comes, a cut answer and garbage as errors, and finishes', async () => {
    const url = await rawServer((socket, count) => {
      if (count % 4 === 1) return; // never answered
      if (count % 4 === 2) socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\ncut short');
      else if (count % 4 === 3) socket.end('SSH-2.0-OpenSSH_9.6\r\n\r\n');
      else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
    const result = await runPaced({ url, rate: 1000, durationSec: 0.04, timeoutMs: 200 });

    expect(result).toMatchObject({ sent: 40, completed: 10, errors: 30, non2xx: 0 });
  });

  it('counts every request as an error when nothing listens', async () => {
    const url = await httpServer(() => undefined);
    servers.pop()?.close();
    const result = await runPaced({ url, rate: 1000, durationSec: 0.02 });

    expect(result).toMatchObject({ sent: 20, completed: 0, errors: 20 });
  });
});
