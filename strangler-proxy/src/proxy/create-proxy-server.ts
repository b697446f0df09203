/**
 * The client-facing HTTP server: node:http with the limits that keep abusive clients bounded (header
 * size and time, request time), refusal of CONNECT and of requests Node's parser rejects (smuggling
 * shapes such as Content-Length with Transfer-Encoding), WebSocket upgrades, and a graceful drain.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { RoutesConfig } from '../config/index.ts';
import type { RequestHandler } from './request-handler.ts';
import { sendRawFailure, type ProxyFailure } from './failure-status.ts';

export interface ProxyServer {
  readonly server: Server;
  /** Requests whose response has not ended yet. */
  readonly inFlight: number;
  listen(port: number, host: string): Promise<{ port: number; host: string }>;
  /**
   * Stops accepting, lets requests in flight finish and WebSockets close within `timeoutMs`, then cuts
   * what is left; `completed` says whether nothing had to be cut.
   */
  drain(timeoutMs: number): Promise<{ completed: boolean }>;
}

export type UpgradeHandler = (req: IncomingMessage, socket: Socket, head: Buffer) => void;

export function createProxyServer(
  settings: RoutesConfig['proxy'],
  handle: RequestHandler,
  upgrade: UpgradeHandler,
): ProxyServer {
  let inFlight = 0;
  let drained: (() => void) | null = null;
  // Node's server forgets a connection once it is upgraded: `closeAllConnections` does not reach it, and
  // `close` waits for it, so a drain with an open WebSocket never ended. The server keeps them here.
  const upgradedSockets = new Set<Socket>();
  const settleDrain = (): void => {
    if (inFlight === 0 && upgradedSockets.size === 0 && drained) drained();
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    // Node parses and hands over every request in the buffer at once, but whether the connection outlives
    // the answer ahead is known only once that answer is written (a refusal with `Connection: close`, an
    // HTTP/1.0 answer delimited by the close). A request pipelined behind an unwritten answer gets the
    // socket when that answer is done; one that gets it (or had it) after the proxy ended the connection
    // is never forwarded, nor counted (RFC 9112 §9.6: after a close, no later request is processed).
    if (res.socket === null) res.once('socket', () => onRequest(req, res));
    else if (!res.socket.writableEnded) serve(req, res);
  };
  const serve = (req: IncomingMessage, res: ServerResponse): void => {
    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
      settleDrain();
    });
    handle(req, res);
  };
  const server = createServer(
    {
      maxHeaderSize: settings.maxHeaderBytes,
      headersTimeout: settings.headersTimeout,
      requestTimeout: settings.requestTimeout,
      // Node enforces both timeouts only when it sweeps its connections, every 30 s by default: a
      // slowloris client would hold its socket up to 30 s past the limit. Sweep often enough that the
      // limits mean what they say (at most a quarter of the shorter one late, and at least once a second).
      connectionsCheckingInterval: checkingInterval(settings.headersTimeout, settings.requestTimeout),
      keepAliveTimeout: 5_000,
      requireHostHeader: true,
    },
    onRequest,
  );
  // `Expect: 100-continue` comes here instead of Node answering 100 Continue by itself: the handler
  // refuses a body it would not take before the client sends it, and sends 100 Continue otherwise.
  server.on('checkContinue', onRequest);
  server.on('connect', (_req: IncomingMessage, socket: Socket) =>
    sendRawFailure(socket, 'not_an_open_proxy'),
  );
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    upgradedSockets.add(socket);
    socket.once('close', () => {
      upgradedSockets.delete(socket);
      settleDrain();
    });
    upgrade(req, socket, head);
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // Node reports a client too slow with its headers or body (headersTimeout, requestTimeout) here too.
    const failure: ProxyFailure =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? 'headers_too_large'
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? 'request_timeout'
          : 'bad_request';
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    // A response is already on this connection (the parser failed in a body, or in a pipelined request
    // after it): a second status line would corrupt the stream. Close once that response is out.
    const current = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (current?.headersSent) {
      if (current.writableEnded) socket.end();
      else socket.destroy();
      return;
    }
    sendRawFailure(socket, failure);
  });

  return {
    server,
    get inFlight() {
      return inFlight;
    },
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address();
          resolve({ port: typeof address === 'object' && address ? address.port : port, host });
        });
      });
    },
    async drain(timeoutMs) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const finished =
        inFlight === 0 && upgradedSockets.size === 0
          ? Promise.resolve(true)
          : new Promise<boolean>((resolve) => {
              const timer = setTimeout(() => resolve(false), timeoutMs);
              drained = () => {
                clearTimeout(timer);
                resolve(true);
              };
            });
      const completed = await finished;
      server.closeAllConnections();
      for (const socket of upgradedSockets) socket.destroy();
      await closed;
      return { completed };
    },
  };
}

function checkingInterval(...timeouts: number[]): number {
  const shortest = Math.min(...timeouts.filter((timeout) => timeout > 0), 4_000);
  return Math.max(50, Math.floor(shortest / 4));
}
