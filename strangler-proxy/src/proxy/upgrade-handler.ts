/**
 * WebSocket upgrade requests: refused or normalised like any request, matched, given a side, admitted by
 * the chosen upstream's guard (bulkhead and breaker) and forwarded on a connection of their own
 * (`forward-upgrade.ts`). Each gets the request metric and an access-log line with what the client got:
 * 101, the upstream's own answer (a server without WebSocket support answers a plain GET), the mapped
 * failure, or 499 when the client went away first. Wired on the server's 'upgrade' event explicitly: left
 * to the middleware, an upgrade works only after a first plain HTTP request
 * (chimurai/http-proxy-middleware#207). Upgrades are never mirrored, retried or sent to a fallback.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { ProxyMetrics } from '../admin/metrics.ts';
import { redactQuery } from '../compare/redact.ts';
import { createAccessLog } from '../logging/access-log.ts';
import type { Logger } from '../logging/logger.ts';
import { normalizeRequestTarget } from '../routing/normalize-path.ts';
import type { UpgradeHandler } from './create-proxy-server.ts';
import { errorCode, FAILURES, sendRawFailure } from './failure-status.ts';
import { prepareForwardedHeaders } from './forwarding-headers.ts';
import { forwardUpgrade, type UpgradeOutcome } from './forward-upgrade.ts';
import type { RoutingSnapshot } from './routing-snapshot.ts';

export interface UpgradeHandlerDeps {
  readonly current: () => RoutingSnapshot;
  readonly metrics: ProxyMetrics;
  readonly logger: Logger;
  readonly accessLog: boolean;
}

export function createUpgradeHandler(deps: UpgradeHandlerDeps): UpgradeHandler {
  const { metrics, logger } = deps;
  const accessLog = deps.accessLog ? createAccessLog(logger) : null;

  return (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const startedAt = performance.now();
    const requestTarget = req.url ?? '';
    // Origin-form only, as for any request: absolute-form would make this an open proxy.
    if (requestTarget.charCodeAt(0) !== 0x2f) return sendRawFailure(socket, 'not_an_open_proxy');
    const normalised = normalizeRequestTarget(requestTarget);
    if (!normalised.ok) {
      const failure = normalised.error.code === 'PATH_TOO_LONG' ? 'uri_too_long' : 'bad_request';
      return sendRawFailure(socket, failure, '', normalised.error.message);
    }
    const upgradeHeader = req.headers.upgrade;
    if (req.method !== 'GET' || upgradeHeader?.toLowerCase() !== 'websocket')
      return sendRawFailure(socket, 'bad_request', '', 'only a GET may upgrade, and only to websocket');

    const snapshot = deps.current();
    const remoteAddress = req.socket.remoteAddress ?? '';
    const requestId = prepareForwardedHeaders(req.headers, {
      remoteAddress,
      trustedPeer: snapshot.isTrustedPeer(remoteAddress),
      encrypted: false,
    });
    // The upgrade itself is the point of this request: put back what hop-by-hop stripping removed.
    req.headers.upgrade = upgradeHeader;
    req.headers.connection = 'Upgrade';
    const route = snapshot.match('GET', normalised.segments, req.headers);
    const side = route ? route.decide(req).serve : 'legacy';
    const upstream = side === 'service' && route ? route.service : snapshot.legacy;
    req.url = normalised.path + normalised.query;

    const finish = (status: number): void => {
      const durationMs = performance.now() - startedAt;
      const routeId = route?.id ?? 'unmatched';
      metrics.observeRequest(routeId, route?.stage ?? 'legacy', upstream.name, status, durationMs / 1000);
      if (route && side === 'service' && status !== 499) route.observeServiceOutcome(status < 500);
      accessLog?.({
        requestId,
        method: 'GET',
        path: redactQuery(req.url ?? '', route?.redactQuery),
        route: routeId,
        upstream: upstream.name,
        status,
        durationMs: Math.round(durationMs * 100) / 100,
      });
    };

    const admitted = upstream.guard.admit(false);
    if (typeof admitted === 'string') {
      metrics.upstreamError(upstream.name, admitted);
      sendRawFailure(socket, admitted, requestId);
      return finish(FAILURES[admitted].status);
    }
    // An open WebSocket is long-lived: the endpoint is chosen like a request's, not counted in flight.
    const endpoint = upstream.endpoints.choose();
    if (endpoint === null) {
      admitted('unknown');
      metrics.upstreamError(upstream.name, 'connection_refused');
      sendRawFailure(socket, 'connection_refused', requestId);
      return finish(FAILURES.connection_refused.status);
    }
    const target = { url: endpoint.url, timeoutMs: upstream.config.timeout };
    forwardUpgrade(req, socket, head, target, requestId, (outcome: UpgradeOutcome) => {
      switch (outcome.kind) {
        case 'upgraded':
          // An open WebSocket is not a request in flight: the bulkhead's slot is the handshake's.
          admitted('success');
          return finish(101);
        case 'answered':
          admitted(outcome.status < 500 ? 'success' : 'failure');
          return finish(outcome.status);
        case 'failed':
          admitted('failure');
          metrics.upstreamError(upstream.name, outcome.failure);
          logger.warn(
            { requestId, upstream: upstream.name, failure: outcome.failure, err: errorCode(outcome.error) },
            'upstream failed',
          );
          return finish(FAILURES[outcome.failure].status);
        case 'abandoned':
          admitted('unknown');
          return finish(499);
      }
    });
  };
}
