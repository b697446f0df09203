/**
 * The auth bridge on the serving path: a request the service serves (canary, migrated) is given the
 * service's credential before it is forwarded. The client's own headers are kept aside, so its mirror to
 * the monolith still carries the monolith's credential. A bridge that fails sends the request to the
 * monolith, which answers as it always did: the client never gets an error it would not have had.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { RoutesConfig } from '../config/index.ts';
import { createAuthBridge, type AuthBridge } from './auth-bridge.ts';

export type ServedBridge = (
  config: RoutesConfig,
  serviceName: string,
  req: IncomingMessage,
) => Promise<boolean> | null;

const CLIENT_HEADERS = Symbol('strangler.clientHeaders');

type WithClientHeaders = IncomingMessage & { [CLIENT_HEADERS]?: IncomingHttpHeaders };

/** The headers the client sent, before a bridge replaced its credential (the request's own otherwise). */
export function clientHeaders(req: IncomingMessage): IncomingHttpHeaders {
  return (req as WithClientHeaders)[CLIENT_HEADERS] ?? req.headers;
}

/** Null when the service has no bridge (the request goes on at once). */
export function createServedBridge(): ServedBridge {
  // One bridge per configuration, kept across reloads: its token cache outlives a table.
  const bridges = new Map<string, AuthBridge>();
  return (config, serviceName, req) => {
    const auth = config.services[serviceName]?.auth;
    if (auth === undefined) return null;
    const key = JSON.stringify(auth);
    let bridge = bridges.get(key);
    if (bridge === undefined) {
      bridge = createAuthBridge(auth);
      bridges.set(key, bridge);
    }
    return bridge
      .present({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers })
      .then((outcome) => {
        if (!outcome.ok) return false;
        (req as WithClientHeaders)[CLIENT_HEADERS] = { ...req.headers };
        for (const [name, value] of Object.entries(outcome.headers)) req.headers[name] = value;
        return true;
      });
  };
}
