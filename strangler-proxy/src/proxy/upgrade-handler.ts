/**
 * WebSocket (and other Upgrade) requests: matched like any request, then handed to the chosen upstream's
 * http-proxy-middleware. Wired on the server's 'upgrade' event explicitly: left to the middleware, an
 * upgrade works only after a first plain HTTP request (chimurai/http-proxy-middleware#207). Upgrades are
 * never mirrored.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { normalizeRequestTarget } from '../routing/normalize-path.ts';
import { prepareForwardedHeaders } from './forwarding-headers.ts';
import { setContext } from './request-context.ts';
import type { RoutingSnapshot } from './routing-snapshot.ts';
import type { UpgradeHandler } from './create-proxy-server.ts';

export function createUpgradeHandler(current: () => RoutingSnapshot): UpgradeHandler {
  return (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const target = req.url ?? '';
    const normalised = target.charCodeAt(0) === 0x2f ? normalizeRequestTarget(target) : null;
    if (normalised === null || !normalised.ok) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const snapshot = current();
    const upgradeHeader = req.headers.upgrade;
    const connectionHeader = req.headers.connection;
    const remoteAddress = req.socket.remoteAddress ?? '';
    const requestId = prepareForwardedHeaders(req.headers, {
      remoteAddress,
      trustedPeer: snapshot.isTrustedPeer(remoteAddress),
      encrypted: false,
    });
    // The upgrade itself is the point of this request: put back what hop-by-hop stripping removed.
    if (upgradeHeader) req.headers.upgrade = upgradeHeader;
    if (connectionHeader) req.headers.connection = 'Upgrade';
    const route = snapshot.match(req.method ?? 'GET', normalised.segments, req.headers);
    const side = route ? route.decide(req).serve : 'legacy';
    req.url = normalised.path + normalised.query;
    setContext(req, {
      requestId,
      startedAt: performance.now(),
      route,
      side,
      fellBack: false,
      timedOut: false,
      deadline: null,
      failure: null,
      onUpstreamFailure: null,
      attempts: 1,
      requestTap: null,
      responseTap: null,
      requestChunksHeld: false,
    });
    const upstream = side === 'service' && route ? route.service : snapshot.legacy;
    upstream.upgrade(req, socket, head);
  };
}
