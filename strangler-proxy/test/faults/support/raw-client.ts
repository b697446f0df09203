/**
 * Byte-level HTTP/1.1 clients for hostile-input tests: what a real client library would refuse to send
 * (smuggling shapes, obs-fold, slow or pipelined requests) goes out exactly as written.
 */
import type { Agent } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface RawExchange {
  /** Everything the server sent. */
  readonly text: string;
  /** The server closed (or reset) the connection before our bound. */
  readonly closedByServer: boolean;
  /** The socket ended with an error (ECONNRESET...). */
  readonly error: string | null;
  readonly elapsedMs: number;
}

/**
 * Writes `payload` (chunks are written one after another, each awaited) and collects the answer until the
 * server closes the connection, or `until(text)` is satisfied, or the hard bound `timeoutMs` passes.
 */
export function rawExchange(
  port: number,
  payload: string | Buffer | ReadonlyArray<string | Buffer>,
  options: { timeoutMs?: number; until?: (text: string) => boolean } = {},
): Promise<RawExchange> {
  const startedAt = performance.now();
  const timeoutMs = options.timeoutMs ?? 5_000;
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let error: string | null = null;
    let done = false;
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(bound);
      socket.destroy();
      resolve({
        text: Buffer.concat(chunks).toString('latin1'),
        closedByServer,
        error,
        elapsedMs: performance.now() - startedAt,
      });
    };
    const bound = setTimeout(() => finish(false), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (options.until?.(Buffer.concat(chunks).toString('latin1'))) finish(false);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      error = err.code ?? err.message;
    });
    socket.on('close', () => finish(true));
    socket.once('connect', () => {
      void (async () => {
        const parts = typeof payload === 'string' || Buffer.isBuffer(payload) ? [payload] : payload;
        for (const part of parts) {
          if (done || socket.destroyed) return;
          await new Promise<void>((written) => socket.write(part, () => written()));
        }
      })();
    });
  });
}

/** Status codes of every response head in `text`, in order. */
export function statuses(text: string): number[] {
  return [...text.matchAll(/HTTP\/1\.[01] (\d{3}) /g)].map((match) => Number(match[1]));
}

/** Opens a socket and resolves once connected. */
export function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves when `socket` closes, with whether that happened within `timeoutMs`. */
export function closedWithin(socket: Socket, timeoutMs: number): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Resolves once none of `agent`'s sockets is serving a request (each busy socket either closes or goes
 * back to the free list), or with false after `timeoutMs`.
 */
export function agentIdle(agent: Agent, timeoutMs: number): Promise<boolean> {
  const busy = () =>
    Object.values(agent.sockets)
      .flat()
      .filter((socket) => socket !== undefined);
  if (busy().length === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const watched = new Set<Socket>();
    const check = () => {
      const left = busy();
      if (left.length === 0) {
        clearTimeout(timer);
        resolve(true);
        return;
      }
      for (const socket of left) {
        if (watched.has(socket)) continue;
        watched.add(socket);
        // 'close' when destroyed; 'free' (on the agent) when returned to the pool: both after the bookkeeping.
        socket.once('close', () => setImmediate(check));
      }
    };
    const onFree = () => setImmediate(check);
    agent.on('free', onFree);
    const timer = setTimeout(() => {
      agent.off('free', onFree);
      resolve(false);
    }, timeoutMs);
    check();
  });
}
