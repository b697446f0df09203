/**
 * The servers of the bench other than strangler: the upstream every setup forwards to (the monolith at
 * `url`, the extracted service, a service that hangs), and the proxies a team would write by hand.
 */
import { Agent, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Where a child's server listens: `url`, and for the upstream, its `service` and `hang` origins too. */
export type Ready = { readonly url: string } & Readonly<Record<string, string>>;

/** A server running in a child process (`server-process.ts`). */
export interface RunningServer {
  readonly ready: Ready;
  /** What strangler counted of its mirrors: compared (any outcome), and not sent by reason. */
  readonly mirrors?: () => { readonly compared: number; readonly skipped: Readonly<Record<string, number>> };
  /** Resolves once the mirrors in flight are done, or after `boundMs`. */
  readonly settle?: (boundMs: number) => Promise<unknown>;
  /** Closes the server; its answer is the child's final report. */
  close(): Promise<unknown>;
}

/** A product as a small JSON API returns it; only `servedAt` differs between the sides. */
const product = (servedAt: string): Buffer =>
  Buffer.from(
    JSON.stringify({
      id: 42,
      sku: 'SKU-000042',
      name: 'Stainless steel water bottle, 750 ml',
      description: 'Double-walled, keeps drinks cold for 24 hours and hot for 12.',
      price: { amount: 2490, currency: 'EUR' },
      stock: { available: 137, warehouse: 'DUB-1' },
      tags: ['outdoor', 'kitchen', 'gift'],
      rating: { average: 4.6, count: 312 },
      images: ['/img/42/front.jpg', '/img/42/side.jpg'],
      updatedAt: '2026-01-05T10:00:00.000Z',
      servedAt,
    }),
  );

/** What the monolith answers to the request under load. */
export const LEGACY_PRODUCT = product('2026-01-06T12:00:00.000Z');

/** Listens on an ephemeral port of 127.0.0.1; resolves with the server's base URL. */
function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    );
  });
}

/** Stops accepting and drops the idle and hanging connections too. */
const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

/** Answers a GET with `body`, and any other method with how many bytes it received. */
const answerWith = (body: Buffer) => (req: IncomingMessage, res: ServerResponse) => {
  const send = (status: number, bytes: Buffer) => {
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length });
    res.end(req.method === 'HEAD' ? undefined : bytes);
  };
  if (req.method === 'GET' || req.method === 'HEAD') return send(200, body);
  let received = 0;
  req.on('data', (chunk: Buffer) => (received += chunk.length));
  req.on('end', () => send(201, Buffer.from(JSON.stringify({ ok: true, received }))));
};

export async function startUpstream(): Promise<RunningServer> {
  // Long keep-alive: a proxy's idle pooled sockets must not be closed under it between trials.
  const serve = (handler: (req: IncomingMessage, res: ServerResponse) => void) =>
    createServer({ keepAliveTimeout: 120_000, requestTimeout: 0 }, handler);
  const legacy = serve(answerWith(LEGACY_PRODUCT));
  const service = serve(answerWith(product('2026-01-06T12:00:00.003Z')));
  // Reads the request and never answers; closing the server drops what hangs.
  const hang = serve((req) => req.resume());
  return {
    ready: { url: await listen(legacy), service: await listen(service), hang: await listen(hang) },
    close: () => Promise.all([legacy, service, hang].map(closeServer)),
  };
}

/** express + http-proxy-middleware: one target, keep-alive, nothing else. */
export async function startExpressHpm(target: string): Promise<RunningServer> {
  const { default: express } = await import('express');
  const { createProxyMiddleware } = await import('http-proxy-middleware');
  const app = express();
  app.use(createProxyMiddleware({ target, changeOrigin: false, agent: new Agent({ keepAlive: true }) }));
  const server = createServer(app);
  return { ready: { url: await listen(server) }, close: () => closeServer(server) };
}

/** fastify + @fastify/http-proxy, likewise. */
export async function startFastifyProxy(target: string): Promise<RunningServer> {
  const { default: Fastify } = await import('fastify');
  const { default: proxy } = await import('@fastify/http-proxy');
  const app = Fastify({ logger: false });
  await app.register(proxy, { upstream: target });
  return { ready: { url: await app.listen({ port: 0, host: '127.0.0.1' }) }, close: () => app.close() };
}
