/**
 * Prepares a client's headers for the upstream, in place (no copy on the hot path): hop-by-hop and
 * internal `x-strangler-*` headers removed, X-Forwarded-* set or appended, a request id ensured.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { randomUUID } from 'node:crypto';
import { HOP_BY_HOP_HEADERS, isKeepAlive } from '../compare/hop-by-hop.ts';
import { SHADOW_HEADER } from './shadow-mark.ts';

/**
 * The hop-by-hop headers removed from a request, minus the framing Node needs to forward its body
 * (Transfer-Encoding) and Connection, dealt with on its own.
 */
const REMOVED_FROM_REQUESTS: readonly string[] = HOP_BY_HOP_HEADERS.filter(
  (name) => name !== 'connection' && name !== 'transfer-encoding',
);

const INTERNAL_PREFIX = 'x-strangler-';

export interface ForwardingContext {
  readonly remoteAddress: string;
  /** The peer is a trusted proxy: its X-Forwarded-* are kept and appended to. */
  readonly trustedPeer: boolean;
  readonly encrypted: boolean;
  /**
   * The request is this proxy's own mirror come back (`shadow-mark.ts`): its `x-strangler-shadow` is kept,
   * so the upstream can tell a copy. Any other `x-strangler-*` header, from anyone, is removed.
   */
  readonly ownMirror?: boolean;
}

/** Returns the request id (the client's `x-request-id` when sane, else a new one). */
export function prepareForwardedHeaders(headers: IncomingHttpHeaders, context: ForwardingContext): string {
  const connection = headers.connection;
  // `Connection: keep-alive` names no other header and says what the proxy's own pooled connection
  // says anyway, so it stays. Everything is removed only where present: deleting a property turns the
  // headers object into a slow dictionary, which every later read and httpxy's copy of it then pay for.
  if (connection !== undefined && !isKeepAlive(connection)) {
    for (const token of connection.split(',')) {
      const name = token.trim().toLowerCase();
      if (name && name !== 'transfer-encoding' && name !== 'content-length') delete headers[name];
    }
    delete headers.connection;
  }
  for (const name of REMOVED_FROM_REQUESTS) if (headers[name] !== undefined) delete headers[name];
  for (const name in headers) {
    if (name.startsWith(INTERNAL_PREFIX) && !(context.ownMirror === true && name === SHADOW_HEADER))
      delete headers[name];
    // From an untrusted peer, any other claim about where the request came from (X-Forwarded-Port,
    // -Prefix, -Ssl..., Forwarded, X-Real-IP) is the client's own invention: upstreams that build URLs or
    // log client addresses from them would be misled. For/Proto/Host are replaced just below.
    else if (!context.trustedPeer && isForwardingClaim(name)) delete headers[name];
  }

  const priorFor = headers['x-forwarded-for'];
  headers['x-forwarded-for'] =
    context.trustedPeer && priorFor ? `${String(priorFor)}, ${context.remoteAddress}` : context.remoteAddress;
  if (!context.trustedPeer || !headers['x-forwarded-proto']) {
    headers['x-forwarded-proto'] = context.encrypted ? 'https' : 'http';
  }
  if (!context.trustedPeer || !headers['x-forwarded-host']) {
    if (headers.host) headers['x-forwarded-host'] = headers.host;
    else delete headers['x-forwarded-host'];
  }

  const given = headers['x-request-id'];
  if (typeof given === 'string' && given.length > 0 && given.length <= 200 && /^[\w.:@/+=-]+$/.test(given))
    return given;
  const requestId = randomUUID();
  headers['x-request-id'] = requestId;
  return requestId;
}

const REPLACED = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host']);

function isForwardingClaim(name: string): boolean {
  return (
    (name.startsWith('x-forwarded-') && !REPLACED.has(name)) || name === 'forwarded' || name === 'x-real-ip'
  );
}

/** Whether `address` (as Node reports it, possibly IPv4-mapped) is in the trusted list. */
export function createTrustedPeerCheck(trusted: readonly string[]): (address: string) => boolean {
  if (trusted.length === 0) return () => false;
  const set = new Set(trusted.flatMap((entry) => [entry, `::ffff:${entry}`]));
  return (address) => set.has(address);
}
