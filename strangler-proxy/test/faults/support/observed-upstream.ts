/**
 * A real upstream that records the life of every request it gets: whether its body arrived whole and
 * whether its response finished, or the connection was cut first (by the proxy, on the client's behalf).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ObservedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
  bodyBytes: number;
  /** The request body arrived complete. */
  bodyComplete: boolean;
  /** The response was written to the end. */
  finished: boolean;
  /** The connection closed before the response finished. */
  cut: boolean;
}

export interface ObservedUpstream {
  readonly url: string;
  readonly server: Server;
  readonly requests: ObservedRequest[];
  readonly openSockets: number;
  /** Resolves with the first request for which `predicate` holds (checked on every change), or null. */
  waitFor(
    predicate: (request: ObservedRequest) => boolean,
    timeoutMs: number,
  ): Promise<ObservedRequest | null>;
  close(): Promise<void>;
}

/**
 * Paths: `/stream` sends 64 KiB chunks, one per tick, for at most 2 000 ticks; `/stream-short` a few bytes
 * without a Content-Length (chunked); `/hang` never answers;
 * `/sink` (and anything else) reads the body and answers its length.
 */
export async function startObservedUpstream(name: string): Promise<ObservedUpstream> {
  const requests: ObservedRequest[] = [];
  const sockets = new Set<Socket>();
  const watchers = new Set<() => void>();
  const changed = () => {
    for (const watcher of [...watchers]) watcher();
  };
  const server = createServer((req, res) => {
    const observed: ObservedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      bodyBytes: 0,
      bodyComplete: false,
      finished: false,
      cut: false,
    };
    requests.push(observed);
    res.once('finish', () => {
      observed.finished = true;
      changed();
    });
    res.once('close', () => {
      if (!observed.finished) observed.cut = true;
      changed();
    });
    req.on('data', (chunk: Buffer) => {
      observed.bodyBytes += chunk.length;
    });
    req.once('end', () => {
      observed.bodyComplete = true;
      changed();
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (path.endsWith('/hang')) return;
      if (path.endsWith('/stream-short')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('short ');
        res.end('stream');
        return;
      }
      if (path.endsWith('/stream')) {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(64 * 1024, 0x61);
        let ticks = 0;
        const timer = setInterval(() => {
          ticks += 1;
          if (res.destroyed || ticks > 2_000) {
            clearInterval(timer);
            if (!res.destroyed) res.end();
            return;
          }
          res.write(chunk);
        }, 5);
        res.once('close', () => clearInterval(timer));
        return;
      }
      const body = JSON.stringify({
        upstream: name,
        method: req.method,
        url: req.url,
        bodyBytes: observed.bodyBytes,
      });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    changed();
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      changed();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    requests,
    get openSockets() {
      return sockets.size;
    },
    waitFor(predicate, timeoutMs) {
      const found = requests.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => {
        const check = () => {
          const hit = requests.find(predicate);
          if (!hit) return;
          watchers.delete(check);
          clearTimeout(timer);
          resolve(hit);
        };
        const timer = setTimeout(() => {
          watchers.delete(check);
          resolve(null);
        }, timeoutMs);
        watchers.add(check);
      });
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
