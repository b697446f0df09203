/**
 * The admin listener: health, readiness, Prometheus metrics, the active route table and the proxy's
 * run-time state. It binds to 127.0.0.1 by default; anywhere else it requires a token, checked in
 * constant time. Requests naming another host, and cross-site writes, are refused first
 * (`admin-request-guard.ts`). The proxy port never serves any of this.
 */
import type { ErrorCode } from '../errors/catalogue.ts';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIPv4, type AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { redactUrl, withoutUserinfo } from '../compare/redact-url.ts';
import { createAdminRequestGuard } from './admin-request-guard.ts';

export interface AdminSources {
  readonly metrics: Registry;
  /** Upstreams to probe for /health: name → health URL. */
  upstreamHealthUrls(): ReadonlyMap<string, URL>;
  ready(): boolean;
  routes(): unknown;
  status(): unknown;
  /** Which live route a request would take and where it goes (`GET /explain?method=&path=&header=`). */
  explain?(request: AdminExplainRequest): unknown;
  /** The results store's health, null when no store is kept; an unhealthy store degrades /health. */
  store(): { readonly healthy: boolean } | null;
  reload(): Promise<unknown>;
}

export interface AdminExplainRequest {
  readonly method: string;
  readonly path: string;
  /** Lowercased header names. */
  readonly headers: Readonly<Record<string, string>>;
}

export interface AdminServerOptions {
  readonly host: string;
  readonly port: number;
  readonly token?: string | undefined;
  /** Host names accepted in `Host` besides the bound address (see `admin-request-guard.ts`). */
  readonly allowedHosts?: readonly string[] | undefined;
}

export class AdminConfigError extends Error {
  readonly code: ErrorCode = 'ADMIN_TOKEN_REQUIRED';
}

const LOOPBACK = new Set(['::1', 'localhost']);

/**
 * Loopback literals only: a name such as `127.example.com` starts with "127." but resolves wherever its
 * DNS says, so it needs a token like any other non-loopback host.
 */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host) || (isIPv4(host) && host.startsWith('127.'));
}

export async function startAdminServer(
  options: AdminServerOptions,
  sources: AdminSources,
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  if (!isLoopbackHost(options.host) && !options.token) {
    throw new AdminConfigError(
      `the admin listener on ${options.host} would be reachable from the network: set --admin-token (or STRANGLER_ADMIN_TOKEN)`,
    );
  }
  const expected = options.token ? digest(options.token) : null;
  let guard: ReturnType<typeof createAdminRequestGuard> | undefined;
  const server = createServer((req, res) => {
    // Made at the first request: the port (0 asks for any) is known once bound.
    guard ??= createAdminRequestGuard({
      host: options.host,
      port: (server.address() as AddressInfo).port,
      loopback: isLoopbackHost(options.host),
      allowedHosts: options.allowedHosts,
    });
    const refusal = guard(req.method ?? 'GET', req.headers);
    if (refusal)
      return json(res, refusal.status, { error: { code: refusal.code, message: refusal.message } });
    if (expected && !authorized(req, expected))
      return json(res, 401, {
        error: { code: 'ADMIN_UNAUTHORIZED', message: 'a valid admin token is required' },
      });
    route(req, res, sources).catch((error: unknown) => {
      json(res, 500, { error: { code: 'ADMIN_FAILED', message: String(error) } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    server,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function route(req: IncomingMessage, res: ServerResponse, sources: AdminSources): Promise<void> {
  const [path, query = ''] = (req.url ?? '/').split('?', 2);
  if (req.method === 'POST' && path === '/reload') return json(res, 200, await sources.reload());
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return json(res, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: 'use GET' } });
  switch (path) {
    case '/health': {
      const upstreams = await probeAll(sources.upstreamHealthUrls());
      const store = sources.store();
      const healthy = Object.values(upstreams).every((probe) => probe.healthy) && (store?.healthy ?? true);
      return json(res, 200, { status: healthy ? 'ok' : 'degraded', proxy: 'ok', upstreams, store });
    }
    case '/ready':
      return sources.ready() ? json(res, 200, { ready: true }) : json(res, 503, { ready: false });
    case '/metrics': {
      const text = await sources.metrics.metrics();
      res.writeHead(200, { 'content-type': sources.metrics.contentType });
      res.end(text);
      return;
    }
    case '/routes':
      return json(res, 200, sources.routes());
    case '/status':
      return json(res, 200, await sources.status());
    case '/explain': {
      if (!sources.explain) break;
      const request = explainRequestOf(new URLSearchParams(query));
      if (typeof request === 'string')
        return json(res, 400, { error: { code: 'ADMIN_BAD_REQUEST', message: request } });
      return json(res, 200, sources.explain(request));
    }
  }
  return json(res, 404, { error: { code: 'NOT_FOUND', message: `no admin endpoint ${path}` } });
}

/** `method=GET&path=/api/x&header=x-user-id:42`, or what is wrong with it. */
function explainRequestOf(query: URLSearchParams): AdminExplainRequest | string {
  const method = query.get('method');
  const path = query.get('path');
  if (!method || !path) return 'explain needs method and path, e.g. ?method=GET&path=/api/products/7';
  const headers: Record<string, string> = {};
  for (const header of query.getAll('header')) {
    const colon = header.indexOf(':');
    if (colon <= 0) return `header expects name:value, got "${header}"`;
    headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
  }
  return { method: method.toUpperCase(), path, headers };
}

interface Probe {
  readonly url: string;
  readonly healthy: boolean;
  readonly status?: number;
  readonly error?: string;
  readonly latencyMs: number;
}

async function probeAll(targets: ReadonlyMap<string, URL>): Promise<Record<string, Probe>> {
  const entries = await Promise.all(
    [...targets].map(async ([name, url]) => [name, await probe(url)] as const),
  );
  return Object.fromEntries(entries);
}

/** Probes `url` without its userinfo: credentials in an upstream URL are never sent, by anything. */
function probe(url: URL): Promise<Probe> {
  const target = withoutUserinfo(url);
  const shown = redactUrl(url.href);
  const startedAt = performance.now();
  const elapsed = () => Math.round((performance.now() - startedAt) * 100) / 100;
  return new Promise((resolve) => {
    const outgoing = request(target, { method: 'GET', agent: false, timeout: 2_000 }, (response) => {
      response.resume();
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        resolve({ url: shown, healthy: status >= 200 && status < 300, status, latencyMs: elapsed() });
      });
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('timed out after 2000 ms')));
    outgoing.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ url: shown, healthy: false, error: error.code ?? error.message, latencyMs: elapsed() }),
    );
    outgoing.end();
  });
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function authorized(req: IncomingMessage, expected: Buffer): boolean {
  const header = req.headers.authorization ?? '';
  const given = header.startsWith('Bearer ')
    ? header.slice(7)
    : ((req.headers['x-admin-token'] as string | undefined) ?? '');
  // Hashing first makes both sides the same length, so the comparison time says nothing about the token.
  return timingSafeEqual(digest(given), expected);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
