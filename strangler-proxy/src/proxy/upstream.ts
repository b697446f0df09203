/**
 * One upstream (the monolith or a service): its endpoints (a URL, a list, or found by DNS), one
 * http-proxy-middleware instance per endpoint and one keep-alive agent (a pool per endpoint's origin),
 * created at start or reload and reused by every request: a proxy made per request (or per reload without
 * disposing the old one) leaks listeners (chimurai/http-proxy-middleware#909, #954). The safety net (circuit
 * breaker, bulkhead, retry budget) is the upstream's, whichever endpoint a request goes to.
 */
import {
  Agent,
  validateHeaderValue,
  type ClientRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { Stream, Writable } from 'node:stream';
import { createProxyMiddleware, type Plugin, type RequestHandler } from 'http-proxy-middleware';
import type { LoadedUpstream } from '../config/routes-config.ts';
import { staticUrls } from '../config/upstream-target.ts';
import { hasLargeBody, isBodyless, isCloseDelimitedFor, mayBeLargeAnswer } from './body-framing.ts';
import { classifyUpstreamError } from './failure-status.ts';
import { HOP_BY_HOP_HEADERS, isKeepAlive } from '../compare/hop-by-hop.ts';
import { getContext, type UpstreamFailureHandler } from './request-context.ts';
import { releaseWrittenChunks } from './release-written-chunks.ts';
import { createUpstreamGuard, type UpstreamGuard } from './upstream-guard.ts';
import { ExchangeDeadline, type DeadlineExpired } from './exchange-deadline.ts';
import { createEndpointSet, type EndpointSet, type EndpointTransport } from './endpoint-set.ts';
import { probeHealth, startHealthChecks } from './health-checks.ts';
import { startDnsDiscovery, type DnsDiscovery } from './dns-discovery.ts';
import type { UpstreamBase } from './upstream-path.ts';

export interface Upstream {
  readonly name: string;
  readonly config: LoadedUpstream;
  /** Same key → same settings: a reload keeps the upstream (and its warm connections). */
  readonly key: string;
  /** Keeps one pool of connections per endpoint origin. */
  readonly agent: Agent;
  /** The path and query every endpoint is asked under (`upstream-path.ts`). */
  readonly base: UpstreamBase;
  readonly endpoints: EndpointSet;
  readonly guard: UpstreamGuard;
  /** Settles once the endpoints are known: at once for URLs, after the first DNS answer otherwise. */
  readonly ready: Promise<void>;
  /** Why the last DNS resolution failed (the endpoints last known stay); null when none did. */
  discoveryError(): string | null;
  /**
   * Sends the request to an endpoint it has not tried yet when there is one; `onFailure` runs once if it
   * fails before the response completes. The attempt's endpoint is `context.endpointSettle`'s to settle.
   */
  forward(req: IncomingMessage, res: ServerResponse, onFailure: UpstreamFailureHandler): void;
  /** Stops checks and discovery; each endpoint's connections close once its requests in flight end. */
  dispose(): void;
  /** Closes every connection at once (shutdown, after the drain). */
  destroy(): void;
}

export function upstreamKey(config: LoadedUpstream): string {
  return JSON.stringify([
    config.url,
    config.discovery,
    config.balance,
    config.healthCheck,
    config.outlier,
    config.timeout,
    config.maxConcurrent,
  ]);
}

const NO_ENDPOINT = Object.assign(new Error('no endpoint is known for the upstream'), { code: 'ENOTFOUND' });

const NOTHING_HELD = () => false;

const TIMEOUT = Object.assign(new Error('upstream timeout'), { code: 'ETIMEDOUT_STRANGLER' });

/** A status line HTTP does not allow, reported as the parse error it is (a bad upstream response). */
function unsendableStatus(status: number): Error {
  return Object.assign(new Error(`the upstream answered with status ${status}, outside 100-999`), {
    code: 'HPE_INVALID_STATUS',
  });
}

/** Hands a proxying error to the request's current attempt, once; false when nobody was waiting. */
function reportFailure(req: IncomingMessage, error: unknown, recoverable = true): boolean {
  const context = getContext(req);
  // The attempt is over: its timer must not mark the next attempt (a retry, the fallback) as timed out.
  context?.deadline?.stop();
  const handler = context?.onUpstreamFailure;
  if (!context || !handler) return false;
  context.onUpstreamFailure = null;
  // This attempt's own deadline: after a timed-out service, a fallback that fails otherwise is no timeout.
  handler(classifyUpstreamError(error, context.deadline?.expired ?? false), error, recoverable);
  return true;
}

/**
 * The hop-by-hop headers removed from an answer, minus its framing (Transfer-Encoding, piped as it came),
 * Connection (replaced by the client's own) and Upgrade (kept on a 101).
 */
const REMOVED_FROM_ANSWERS: readonly string[] = HOP_BY_HOP_HEADERS.filter(
  (name) => name !== 'connection' && name !== 'transfer-encoding' && name !== 'upgrade',
);

/**
 * Leaves in the answer's head only what the client may get, before it is written or tapped.
 *
 * The upstream's Connection and Keep-Alive headers describe the proxy's connection to it, not the
 * client's: forwarded, they overrode the client's own `Connection: close` (Node keeps a connection open
 * when the response says keep-alive) and announced the upstream's keep-alive timeout as the proxy's.
 * Hop-by-hop headers go, and a client whose connection ends with this answer gets `Connection: close`.
 * So do the Trailer header and a reason phrase Node would refuse to write (see below).
 *
 * Headers are set to undefined rather than deleted: httpxy skips undefined values when it copies the
 * headers, and `delete` would turn every response's header object into a slow dictionary.
 */
function sanitizeResponseHead(proxyRes: IncomingMessage, res: ServerResponse | undefined): void {
  const headers = proxyRes.headers;
  const connection = headers.connection;
  if (connection !== undefined && !isKeepAlive(connection)) {
    for (const token of connection.split(',')) {
      const name = token.trim().toLowerCase();
      if (name && name !== 'transfer-encoding' && name !== 'content-length' && headers[name] !== undefined)
        headers[name] = undefined;
    }
  }
  if (connection !== undefined) headers.connection = undefined;
  // Trailer among them: the body is piped without its trailer fields, so announcing them would be wrong;
  // Node also refuses to write a Trailer header on an answer that is not chunked.
  for (const name of REMOVED_FROM_ANSWERS) if (headers[name] !== undefined) headers[name] = undefined;
  if (headers.upgrade !== undefined && proxyRes.statusCode !== 101) headers.upgrade = undefined;
  // An HTTP/1.0 keep-alive client was told `keep-alive` on an answer Node ends by closing the connection.
  if (res && (!res.shouldKeepAlive || isCloseDelimitedFor(res.req, proxyRes))) headers.connection = 'close';
  // Node's parser lets control characters through in the reason phrase, and Node refuses to write them
  // (with the check it applies to header values).
  if (proxyRes.statusMessage) {
    try {
      validateHeaderValue('reason phrase', proxyRes.statusMessage);
    } catch {
      proxyRes.statusMessage = '';
    }
  }
}

/**
 * Writes the answer's status line and headers with one `writeHead` and a flat list. httpxy skips its
 * response passes once the head is written (it still pipes the body); those passes called `setHeader`
 * once per header, building an object of them that `writeHead` then walked again. The head is the one
 * they would write: the upstream's headers under their lowercase names, minus the hop-by-hop ones (left
 * undefined by `sanitizeResponseHead`), no `transfer-encoding` where HTTP/1.0, 204 and 304 have none,
 * and a `connection` for the client's own connection. A head Node refuses to write (a header value it
 * does not accept) is left to httpxy's passes, which drop such headers one by one; the reason phrase and
 * the Trailer header, which the passes would not drop, are made writable by `sanitizeResponseHead`.
 */
function writeResponseHead(proxyRes: IncomingMessage, req: IncomingMessage, res: ServerResponse): void {
  if (res.headersSent) return;
  const headers = proxyRes.headers;
  const status = proxyRes.statusCode ?? 0;
  const http10 = req.httpVersion === '1.0';
  const withoutTransferEncoding = http10 || status === 204 || status === 304;
  const head: Array<string | string[]> = [];
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || name === 'connection') continue;
    if (withoutTransferEncoding && name === 'transfer-encoding') continue;
    head.push(name, value);
  }
  head.push('connection', headers.connection || req.headers.connection || (http10 ? 'close' : 'keep-alive'));
  try {
    if (proxyRes.statusMessage) res.writeHead(status, proxyRes.statusMessage, head);
    else res.writeHead(status, head);
  } catch {
    // Nothing was sent: httpxy's passes write the head instead.
  }
}

/**
 * What a request without a body (no Transfer-Encoding, no or a zero Content-Length: RFC 9112 §6.3) sends
 * upstream, given to httpxy as its `buffer` option, which it pipes into the upstream request instead of
 * the client's. Piping the empty client request cost every GET the stream plumbing of a pipe (listeners
 * on both streams, a tick to see the end, then their removal); this ends the upstream request at once.
 * Node discards the unread, empty client request when the response finishes.
 */
const NO_BODY = {
  pipe<Destination extends Writable>(destination: Destination): Destination {
    destination.end();
    return destination;
  },
} as unknown as Stream;

export function createUpstream(name: string, config: LoadedUpstream): Upstream {
  const agent = new Agent({
    keepAlive: true,
    maxSockets: config.maxConcurrent,
    maxFreeSockets: 64,
    scheduling: 'lifo',
  });
  const timeout = config.timeout;

  const expire: DeadlineExpired = (req, proxyReq, response) => {
    const context = getContext(req);
    if (context) context.timedOut = true;
    if (response === null) proxyReq.destroy(TIMEOUT);
    else response.destroy(TIMEOUT);
  };
  const armDeadline = (proxyReq: ClientRequest, req: IncomingMessage): void => {
    const context = getContext(req);
    // forward() cleared the deadline of the attempt before (stopped when that attempt failed).
    if (context) context.deadline = new ExchangeDeadline(req, proxyReq, timeout, expire);
  };

  /** Every exchange: failures, the deadline, the observers' taps, the answer's hop-by-hop headers. */
  const exchangePlugin: Plugin = (proxyServer) => {
    // An 'error' event without a listener would crash the process (node-http-proxy#527). With a
    // listener, httpxy reports failures only here (its promise resolves), so this is where they surface.
    proxyServer.on('error', (error, req, res) => {
      if (!(req && reportFailure(req, error)) && res && !('writeHead' in res)) res.destroy();
    });
    proxyServer.on('proxyReq', (proxyReq, req) => {
      armDeadline(proxyReq, req);
      const context = getContext(req);
      if (context) {
        // A kept-alive connection the endpoint closed as the request went out: safe to send elsewhere.
        context.reusedSocketUnanswered = proxyReq.reusedSocket;
        context.requestTap?.(proxyReq);
      }
    });
    proxyServer.on('proxyRes', (proxyRes, req, res) => {
      const status = proxyRes.statusCode ?? 0;
      if (status < 100 || status > 999) {
        // Node's parser takes any three digits, but no response may carry such a status: httpxy would copy
        // it and Node throw when writing it. Answered here, before httpxy touches the response.
        proxyRes.destroy();
        if (!reportFailure(req, unsendableStatus(status), false)) res.destroy();
        return;
      }
      const context = getContext(req);
      if (context) context.reusedSocketUnanswered = false;
      context?.deadline?.headArrived(proxyRes);
      sanitizeResponseHead(proxyRes, res);
      const tap = context?.responseTap;
      tap?.onResponse(proxyRes);
      // A tap that keeps the answer's chunks by reference (the shadow's capture) leaves them unfreed.
      if (!tap?.holdsChunks && mayBeLargeAnswer(proxyRes)) releaseWrittenChunks(proxyRes, res, NOTHING_HELD);
      writeResponseHead(proxyRes, req, res);
    });
  };
  /** Requests with a body: a large one's chunks are freed once written upstream. */
  const bodyPlugin: Plugin = (proxyServer) => {
    // After the taps (the plugin before this one), before httpxy pipes the body (same tick).
    proxyServer.on('proxyReq', (proxyReq, req) => {
      const context = getContext(req);
      if (context && hasLargeBody(req)) releaseWrittenChunks(req, proxyReq, () => context.requestChunksHeld);
    });
  };
  const endpointTransport = (url: URL): EndpointTransport => {
    // A URL object, not the string: httpxy parses a string target anew on every request (and only reads it).
    const proxyOptions = {
      target: url,
      changeOrigin: false,
      xfwd: false,
      agent,
      ejectPlugins: true,
    } satisfies Parameters<typeof createProxyMiddleware>[0];
    const middleware: RequestHandler = createProxyMiddleware({
      ...proxyOptions,
      plugins: [exchangePlugin, bodyPlugin],
    });
    const bodylessMiddleware: RequestHandler = createProxyMiddleware({
      ...proxyOptions,
      plugins: [exchangePlugin],
      buffer: NO_BODY,
    });
    return {
      forward(req, res) {
        void (isBodyless(req) ? bodylessMiddleware : middleware)(req, res, (error?: unknown) => {
          if (error !== undefined) reportFailure(req, error);
        });
      },
      close: () => closePool(agent, url),
    };
  };

  const endpoints = createEndpointSet({
    balance: config.balance,
    outlier: config.outlier,
    transport: endpointTransport,
  });
  const urls = staticUrls(config).map((text) => new URL(text));
  endpoints.replace(urls);
  const discovery: DnsDiscovery | null = config.discovery
    ? startDnsDiscovery(config.discovery, (found) => endpoints.replace(found))
    : null;
  const checks = config.healthCheck
    ? startHealthChecks(endpoints, config.healthCheck, config.healthCheck.path ?? config.health)
    : null;
  const first = urls[0];

  const stop = () => {
    discovery?.stop();
    checks?.stop();
  };
  return {
    name,
    config,
    key: upstreamKey(config),
    agent,
    base: first ? { pathname: first.pathname, search: first.search } : { pathname: '/', search: '' },
    endpoints,
    guard: createUpstreamGuard(config, () => {
      const endpoint = endpoints.choose(null);
      if (endpoint === null) return Promise.resolve(false);
      const path = config.healthCheck?.path ?? config.health;
      return probeHealth(new URL(path, endpoint.url), config.healthCheck?.timeout ?? config.timeout);
    }),
    ready: discovery?.ready ?? Promise.resolve(),
    discoveryError: () => discovery?.lastError() ?? null,
    forward(req, res, onFailure) {
      const context = getContext(req);
      if (context) {
        context.onUpstreamFailure = onFailure;
        // A new attempt: the one before's deadline (stopped when it failed) must not classify this one.
        context.deadline = null;
        context.reusedSocketUnanswered = false;
        context.endpointSettle = null;
      }
      const endpoint = endpoints.choose(context?.triedEndpoints ?? null);
      if (endpoint === null) {
        process.nextTick(() => reportFailure(req, NO_ENDPOINT));
        return;
      }
      if (context) {
        (context.triedEndpoints ??= []).push(endpoint);
        context.endpointSettle = endpoints.begin(endpoint);
        if (context.trace !== null)
          context.attemptTrace = context.trace.attempt(name, endpoint.origin, context.attempts, req.headers);
      }
      endpoint.transport.forward(req, res);
    },
    dispose() {
      stop();
      endpoints.dispose();
    },
    destroy() {
      stop();
      endpoints.dispose();
      agent.destroy();
    },
  };
}

/** Closes the pooled connections to one endpoint's origin (the agent names its pools `host:port:…`). */
function closePool(agent: Agent, url: URL): void {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const prefixes = [`${host}:${port}:`, `${url.hostname}:${port}:`];
  for (const pools of [agent.freeSockets, agent.sockets]) {
    for (const [poolName, sockets] of Object.entries(pools)) {
      if (!prefixes.some((prefix) => poolName.startsWith(prefix))) continue;
      for (const socket of sockets ?? []) socket.destroy();
    }
  }
}
