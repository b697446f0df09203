/**
 * A real HTTP server on 127.0.0.1:0 standing in for the monolith or a service. It records what it
 * receives and answers by a handler the test chooses; helpers cover the hostile behaviours.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

export type UpstreamHandler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

export interface TestUpstream {
  readonly url: string;
  readonly server: Server;
  readonly received: ReceivedRequest[];
  /** Resolves with the next request this upstream receives. */
  nextRequest(): Promise<ReceivedRequest>;
  setHandler(handler: UpstreamHandler): void;
  readonly openSockets: number;
  close(): Promise<void>;
}

/** Answers JSON naming the upstream, echoing method, url and body length. */
export function jsonEcho(name: string): UpstreamHandler {
  return (req, res, body) => {
    const text = JSON.stringify({ upstream: name, method: req.method, url: req.url, bodyBytes: body.length });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
}

export async function startTestUpstream(
  name: string,
  handler: UpstreamHandler = jsonEcho(name),
): Promise<TestUpstream> {
  let current = handler;
  const received: ReceivedRequest[] = [];
  const waiters: Array<(request: ReceivedRequest) => void> = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      received.push(request);
      waiters.shift()?.(request);
      current(req, res, body);
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    received,
    nextRequest: () => new Promise((resolve) => waiters.push(resolve)),
    setHandler: (next) => {
      current = next;
    },
    get openSockets() {
      return sockets.size;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port that refuses connections: bound, then released. */
export async function deadPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
