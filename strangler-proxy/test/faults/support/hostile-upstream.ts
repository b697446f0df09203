/**
 * A real upstream on 127.0.0.1:0 that misbehaves on request: the last path segment names the behaviour.
 * Byte-level behaviours write straight to the socket, bypassing Node's response writer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export const BEHAVIOURS = [
  'ok',
  'reset-head',
  'reset-body',
  'truncated',
  'truncated-chunked',
  'slow-head',
  'slow-body',
  'stalled-body',
  'late-head',
  'bad-status',
  'hang',
  'garbage',
] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

export interface HostileUpstream {
  readonly url: string;
  readonly server: Server;
  /** Sockets currently open to this upstream (from the proxy's agents). */
  readonly openSockets: number;
  readonly requests: number;
  /** Resolves once no socket to this upstream is open, or with false after `timeoutMs`. */
  socketsClosed(timeoutMs: number, atMost?: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Bytes sent by `slow-body`, one every `tickMs`. */
export const SLOW_BODY = 'abcdefghijklmnopqrst';
/** The default interval of the slow behaviours, ms. */
export const TICK_MS = 20;
/** `late-head` sends its head after this many ticks, and the rest of its body as many ticks later. */
export const LATE_HEAD_TICKS = 9;

export async function startHostileUpstream(options: { tickMs?: number } = {}): Promise<HostileUpstream> {
  const tickMs = options.tickMs ?? TICK_MS;
  const sockets = new Set<Socket>();
  const closeWaiters = new Set<() => void>();
  let requests = 0;

  const trickle = (
    socket: Socket,
    bytes: string,
    then: () => void,
    write = (byte: string) => socket.write(byte),
  ) => {
    let index = 0;
    const timer = setInterval(() => {
      if (socket.destroyed || index >= bytes.length) {
        clearInterval(timer);
        if (!socket.destroyed) then();
        return;
      }
      write(bytes[index] as string);
      index += 1;
    }, tickMs);
    socket.once('close', () => clearInterval(timer));
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    requests += 1;
    const socket = req.socket;
    const behaviour = (req.url ?? '/').split('?')[0]?.split('/').pop() as Behaviour;
    switch (behaviour) {
      case 'reset-head':
        socket.destroy();
        return;
      case 'reset-body':
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2000 });
        res.write('x'.repeat(500), () => setImmediate(() => socket.destroy()));
        return;
      case 'truncated':
        socket.end(
          `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n${'y'.repeat(40)}`,
        );
        return;
      case 'truncated-chunked':
        socket.end(
          'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n',
        );
        return;
      case 'slow-head':
        trickle(socket, 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', () => socket.end());
        return;
      case 'slow-body':
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': SLOW_BODY.length });
        trickle(
          socket,
          SLOW_BODY,
          () => res.end(),
          (byte) => res.write(byte),
        );
        return;
      case 'stalled-body': {
        // The head and a first part of the body, one more byte a tick later, then nothing: the connection
        // stays open. The late byte is the progress an idle timeout must count from.
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 100 });
        res.write('z'.repeat(10));
        const late = setTimeout(() => res.write('z'), tickMs);
        socket.once('close', () => clearTimeout(late));
        return;
      }
      case 'late-head': {
        const timer = setTimeout(() => {
          res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 4 });
          res.write('la');
          const rest = setTimeout(() => res.end('te'), LATE_HEAD_TICKS * tickMs);
          socket.once('close', () => clearTimeout(rest));
        }, LATE_HEAD_TICKS * tickMs);
        socket.once('close', () => clearTimeout(timer));
        return;
      }
      case 'bad-status':
        // Three digits, as Node's parser wants, but below 100: no HTTP response may carry it.
        socket.end('HTTP/1.1 099 Too Low\r\nContent-Length: 2\r\n\r\nok');
        return;
      case 'hang':
        return;
      case 'garbage':
        socket.end('SPAM SPAM SPAM\r\n\u0000\u0001\r\n\r\n');
        return;
      default: {
        const body = JSON.stringify({ upstream: 'hostile', url: req.url });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      }
    }
  };

  const server = createServer((req, res) => {
    req.resume();
    req.once('end', () => handle(req, res));
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      for (const wake of closeWaiters) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    get openSockets() {
      return sockets.size;
    },
    get requests() {
      return requests;
    },
    socketsClosed(timeoutMs, atMost = 0) {
      if (sockets.size <= atMost) return Promise.resolve(true);
      return new Promise((resolve) => {
        const check = () => {
          if (sockets.size > atMost) return;
          closeWaiters.delete(check);
          clearTimeout(timer);
          resolve(true);
        };
        const timer = setTimeout(() => {
          closeWaiters.delete(check);
          resolve(false);
        }, timeoutMs);
        closeWaiters.add(check);
      });
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
