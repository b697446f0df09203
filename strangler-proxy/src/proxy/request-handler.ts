/**
 * The per-request pipeline. Everything that can be decided at load time already was (the routing
 * snapshot); here a request is refused or normalised once, matched, given a side, forwarded through the
 * chosen upstream's http-proxy-middleware, and on failure retried, sent to the fallback or answered with
 * the mapped error. The body is never parsed or buffered.
 */
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import type { Side } from '../config/side.ts';
import type { ProxyMetrics } from '../admin/metrics.ts';
import type { Logger } from '../logging/logger.ts';
import { normalizeRequestTarget } from '../routing/normalize-path.ts';
import { isBodyless } from './body-framing.ts';
import {
  errorCode,
  isConnectFailure,
  sendFailure,
  sendRateLimited,
  type ProxyFailure,
} from './failure-status.ts';
import { prepareForwardedHeaders } from './forwarding-headers.ts';
import { SHADOW_HEADER, type ShadowMark } from './shadow-mark.ts';
import type { ExchangeEnd, ExchangeObserver, ExchangeStart } from './exchange-observer.ts';
import { endObservers, startObservers } from './exchange-listeners.ts';
import { setContext, type RequestContext } from './request-context.ts';
import type { RoutingRoute, RoutingSnapshot } from './routing-snapshot.ts';
import type { SideDecision } from '../routing/choose-side.ts';
import { IDEMPOTENT_METHODS, SAFE_METHODS } from '../config/http-methods.ts';
import type { Upstream } from './upstream.ts';
import type { Settle } from './upstream-guard.ts';
import type { Tracing } from '../tracing/tracing.ts';
import type { EdgeRateLimits } from '../ratelimit/edge-rate-limits.ts';
import type { ServedBridge } from '../auth/served-bridge.ts';

const LEGACY_ONLY: SideDecision = Object.freeze({ serve: 'legacy', mirror: null });

export interface RequestHandlerDeps {
  readonly current: () => RoutingSnapshot;
  /** The mark of this proxy's own mirrors (loop guard). */
  readonly mark: ShadowMark;
  /** Told of every exchange that is forwarded, in this order (the shadow, the recorder, metrics, the access log). */
  readonly observers: readonly ExchangeObserver[];
  readonly metrics: ProxyMetrics;
  readonly logger: Logger;
  /** Null when tracing is not configured. */
  readonly tracing: Tracing | null;
  readonly rateLimits: EdgeRateLimits;
  /** Presents the service with a credential it accepts (`services.X.auth`); null: no bridge. */
  readonly bridgeServed?: ServedBridge;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export function createRequestHandler(deps: RequestHandlerDeps): RequestHandler {
  const { metrics, logger, observers } = deps;

  return function handleRequest(req, res) {
    const startedAt = performance.now();
    const target = req.url ?? '';
    // Origin-form only: absolute-form (`GET http://elsewhere/`) and `*` would make this an open proxy.
    if (target.charCodeAt(0) !== 0x2f) return refuse(res, 'not_an_open_proxy', '');
    const normalised = normalizeRequestTarget(target);
    if (!normalised.ok) {
      const failure = normalised.error.code === 'PATH_TOO_LONG' ? 'uri_too_long' : 'bad_request';
      return refuse(res, failure, normalised.error.message);
    }
    // Narrowed here: the request is served from a function of its own (after a rate limit's decision).
    const requested = normalised;
    const framing = framingProblem(req);
    if (framing !== null) return refuse(res, 'bad_request', framing);

    const snapshot = deps.current();
    const method = req.method ?? 'GET';
    const remoteAddress = req.socket.remoteAddress ?? '';
    // Only the proxy's own mirrors are a loop: anyone else's x-strangler-shadow is stripped, not honoured.
    const ownMirror = deps.mark.isOwn(req.headers[SHADOW_HEADER]);
    const requestId = prepareForwardedHeaders(req.headers, {
      remoteAddress,
      trustedPeer: snapshot.isTrustedPeer(remoteAddress),
      encrypted: false,
      ownMirror,
    });
    const declaredLength = req.headers['content-length'];
    if (declaredLength !== undefined && Number(declaredLength) > snapshot.config.proxy.maxBodyBytes) {
      return refuse(res, 'body_too_large', `at most ${snapshot.config.proxy.maxBodyBytes} bytes`, requestId);
    }
    if (req.headers.expect !== undefined) answerExpectation(req, res);

    const route = snapshot.match(method, normalised.segments, req.headers);
    const limit = route?.config.rateLimit;
    if (route !== null && limit !== undefined) {
      const verdict = deps.rateLimits.check(route.id, limit, {
        remoteAddress,
        header: (name) => {
          const value = req.headers[name];
          return typeof value === 'string' ? value : undefined;
        },
      });
      if (verdict instanceof Promise) {
        // A shared bucket: the request waits for its decision (bounded by the limit's timeout).
        verdict
          .then((decided) => {
            if (res.destroyed) return;
            if (decided.allowed) serve(route);
            else sendRateLimited(res, requestId, decided.retryAfterMs);
          })
          .catch((error: unknown) => {
            logger.error({ err: error, requestId }, 'request failed before it was forwarded');
            res.destroy();
          });
        return;
      }
      if (!verdict.allowed) return sendRateLimited(res, requestId, verdict.retryAfterMs);
    }
    serve(route);

    function serve(route: RoutingRoute | null): void {
      const decision = route ? route.decide(req) : LEGACY_ONLY;
      const trace = deps.tracing === null ? null : deps.tracing.startRequest(method, req.headers);
      if (trace !== null && route !== null) trace.setRoute(route.id, route.template, route.stage);
      req.url = requested.path + requested.query;
      const context: RequestContext = {
        requestId,
        startedAt,
        route,
        side: decision.serve,
        fellBack: false,
        timedOut: false,
        deadline: null,
        failure: null,
        onUpstreamFailure: null,
        attempts: 0,
        triedEndpoints: null,
        endpointSettle: null,
        reusedSocketUnanswered: false,
        requestTap: null,
        responseTap: null,
        requestChunksHeld: false,
        trace,
        attemptTrace: null,
      };
      setContext(req, context);
      const exchange: ExchangeStart = {
        requestId,
        method,
        path: requested.path,
        route,
        decision,
        request: req,
        ownMirror,
        trace,
      };
      const listeners = startObservers(observers, exchange, context);
      if (req.headers['transfer-encoding'] !== undefined) {
        limitStreamedBody(req, res, context, snapshot.config.proxy.maxBodyBytes);
      }

      let upstreamName = '';
      // The attempt in flight, settled with its outcome when the exchange ends (one close listener for all).
      let settleAttempt: Settle | null = null;
      res.once('close', () => {
        context.deadline?.stop();
        const status = res.headersSent ? res.statusCode : 499;
        if (settleAttempt !== null) {
          const outcome = res.headersSent ? (status < 500 ? 'success' : 'failure') : 'unknown';
          settleAttempt(outcome);
          settleAttempt = null;
          context.endpointSettle?.(outcome);
          context.attemptTrace?.end(res.headersSent ? status : null, null);
        }
        trace?.end(status, context.failure);
        // A fallback is the service's failure too (its own, or its open breaker's): with `fallback: legacy`
        // the client never sees it, and the automatic rollback must still.
        if (route && (context.side === 'service' || context.fellBack))
          route.observeServiceOutcome(!context.fellBack && status < 500 && context.failure === null);
        const outcome: ExchangeEnd = {
          status,
          durationMs: performance.now() - startedAt,
          side: context.side,
          fellBack: context.fellBack,
          failure: context.failure,
          timedOut: context.timedOut,
          upstream: upstreamName,
        };
        endObservers(listeners, exchange, outcome, res.writableFinished);
      });

      // A service that does not take the monolith's credential gets one it accepts (`services.X.auth`);
      // when the bridge cannot make one, the monolith serves the client as it would have.
      const bridging =
        route && context.side === 'service'
          ? (deps.bridgeServed?.(snapshot.config, route.config.service, req) ?? null)
          : null;
      if (bridging === null) send(context.side);
      else
        void bridging.then((bridged) => {
          if (!bridged) context.side = 'legacy';
          if (!res.destroyed) send(context.side);
        });

      function send(side: Side): void {
        const upstream: Upstream = side === 'service' && route ? route.service : snapshot.legacy;
        upstreamName = upstream.name;
        // Where the monolith would take the request, it is never the service breaker's half-open probe.
        const fallbackWaits = side === 'service' && route?.fallbackToLegacy === true;
        const admitted = upstream.guard.admit(context.attempts > 0, !fallbackWaits);
        if (typeof admitted === 'string') return fail(upstream, side, admitted, null);
        context.attempts += 1;
        settleAttempt = admitted;
        upstream.forward(req, res, (failure, error, recoverable) => {
          settleAttempt = null;
          context.endpointSettle?.('failure');
          context.attemptTrace?.end(null, failure);
          context.attemptTrace = null;
          if (recoverable && movesToAnotherEndpoint(upstream, failure)) {
            // One endpoint's failure, not the upstream's: its breaker only hears of the last attempt.
            admitted('unknown');
            metrics.upstreamError(upstream.name, failure);
            return send(side);
          }
          admitted('failure');
          fail(upstream, side, failure, error, recoverable);
        });
      }

      /**
       * Nothing reached the endpoint (or it closed a kept-alive connection as the request went out): another
       * endpoint of the same upstream takes the request, once per endpoint, outside the retry budget.
       */
      function movesToAnotherEndpoint(upstream: Upstream, failure: ProxyFailure): boolean {
        if (res.headersSent || res.destroyed || !isBodyless(req)) return false;
        const unsent =
          failure === 'connection_refused' ||
          (failure === 'connection_reset' &&
            context.reusedSocketUnanswered &&
            IDEMPOTENT_METHODS.has(method));
        return unsent && upstream.endpoints.hasUntried(context.triedEndpoints);
      }

      function fail(
        upstream: Upstream,
        side: Side,
        failure: ProxyFailure,
        error: unknown,
        recoverable = true,
      ): void {
        context.failure = failure;
        metrics.upstreamError(upstream.name, failure);
        if (res.headersSent || res.destroyed) {
          res.destroy();
          return;
        }
        const bodyless = isBodyless(req);
        if (
          recoverable &&
          isConnectFailure(failure) &&
          failure === 'connection_refused' &&
          IDEMPOTENT_METHODS.has(method) &&
          bodyless &&
          context.attempts <= upstream.config.retry.attempts &&
          upstream.guard.allowRetry()
        ) {
          return send(side);
        }
        if (
          recoverable &&
          side === 'service' &&
          route?.fallbackToLegacy &&
          SAFE_METHODS.has(method) &&
          bodyless
        ) {
          context.fellBack = true;
          context.side = 'legacy';
          metrics.fallback(route.id);
          return send('legacy');
        }
        if (error !== null)
          logger.warn(
            { requestId, upstream: upstream.name, failure, err: errorCode(error) },
            'upstream failed',
          );
        sendFailure(res, failure, requestId);
      }
    }
  };
}

/**
 * The proxy answers `Expect: 100-continue` itself, once the request has passed the checks that may refuse
 * it (a body it refuses is then never sent), and the header is not forwarded. Forwarded, it made httpxy
 * skip its `proxyReq` hook, where the upstream deadline, the streamed-body limit and the shadow's body
 * capture attach: such requests ran with none of them. Node hands the handler only this expectation
 * (`checkContinue`), and only from HTTP/1.1 clients: it answers any other one with 417, and an HTTP/1.0
 * client, which cannot be sent a 1xx, gets no 100 Continue.
 */
function answerExpectation(req: IncomingMessage, res: ServerResponse): void {
  delete req.headers.expect;
  if (req.httpVersionMajor === 1 && req.httpVersionMinor === 1) res.writeContinue();
}

function refuse(res: ServerResponse, failure: ProxyFailure, detail: string, requestId = ''): void {
  sendFailure(res, failure, requestId, detail || undefined);
}

/**
 * Framing that Node's parser lets through but the proxy refuses, checked before anything is sent
 * upstream: a Transfer-Encoding other than chunked alone, and more than one Host header (RFC 9112 §3.2;
 * Node keeps the first and drops the others). A final coding other than chunked leaves the length unknown
 * (§6.3; Node only fails once body bytes arrive, after the head was already forwarded). Any coding before
 * chunked (`gzip, chunked`, `identity, chunked`) is one the proxy does not decode: the primary would get
 * it as sent and the mirror, which is sent the de-chunked bytes with a Content-Length, without it.
 * Coding names are case-insensitive (§7): `CHUNKED` is chunked, and forwarded as `chunked`.
 */
function framingProblem(req: IncomingMessage): string | null {
  const coding = req.headers['transfer-encoding'];
  if (coding !== undefined && coding !== 'chunked') {
    if (coding.toLowerCase() !== 'chunked') return 'a request transfer-encoding must be chunked alone';
    req.headers['transfer-encoding'] = 'chunked';
  }
  let hosts = 0;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.length === 4 && (name === 'Host' || name === 'host' || name.toLowerCase() === 'host'))
      hosts += 1;
  }
  return hosts > 1 ? 'more than one Host header' : null;
}

/**
 * A chunked body has no declared length: count it as it streams and cut it off past the limit. The
 * counter joins in the same tick the proxy starts piping, so the stream is never read before that.
 */
function limitStreamedBody(
  req: IncomingMessage,
  res: ServerResponse,
  context: RequestContext,
  limit: number,
): void {
  const previous = context.requestTap;
  let attached = false;
  let seen = 0;
  let upstreamRequest: ClientRequest | null = null;
  const count = (chunk: Buffer) => {
    seen += chunk.length;
    if (seen <= limit) return;
    req.off('data', count);
    // The upstream holds a prefix of the body: cut its request (it would otherwise wait for the rest until
    // its own timeout, holding a socket), with nobody listening for the failure this causes.
    context.onUpstreamFailure = null;
    upstreamRequest?.destroy();
    if (res.headersSent) {
      req.destroy();
      return;
    }
    sendFailure(res, 'body_too_large', context.requestId, `at most ${limit} bytes`);
    // Destroying the socket at once could drop the 413 before it is written.
    res.once('finish', () => req.destroy());
  };
  context.requestTap = (proxyRequest) => {
    previous?.(proxyRequest);
    upstreamRequest = proxyRequest;
    if (attached) return;
    attached = true;
    req.on('data', count);
  };
}
