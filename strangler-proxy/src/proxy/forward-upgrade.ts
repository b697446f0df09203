/**
 * Forwards one Upgrade request (a WebSocket handshake) to an upstream and, once it switches protocols,
 * joins the two connections. The handshake runs on a connection of its own, never one of the upstream's
 * keep-alive agent: those are the ordinary requests' (an upgrade that hangs held one until the agent had
 * none left), and a connection that switched protocols cannot go back to a pool anyway.
 *
 * Until the upstream's answer head arrives, the exchange has a total deadline (the upstream's `timeout`);
 * a client that goes away (closes, or only ends its side) cuts the upstream request. An answer other than
 * 101 is passed on and the connection closed after it. Once upgraded, either side closing closes the
 * other, so neither connection is left half open.
 */
import { request as httpRequest, STATUS_CODES, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { classifyUpstreamError, sendRawFailure, type ProxyFailure } from './failure-status.ts';
import { HOP_BY_HOP_HEADERS } from '../compare/hop-by-hop.ts';

export interface UpgradeTarget {
  readonly url: URL;
  readonly timeoutMs: number;
}

/** How the handshake ended; reported once, when the client has its answer (or is gone). */
export type UpgradeOutcome =
  | { readonly kind: 'upgraded' }
  | { readonly kind: 'answered'; readonly status: number }
  | { readonly kind: 'failed'; readonly failure: ProxyFailure; readonly error: unknown }
  | { readonly kind: 'abandoned' };

/** Never passed on with a non-upgrade answer, which goes out delimited by the close of the connection. */
const NOT_RELAYED: ReadonlySet<string> = new Set(HOP_BY_HOP_HEADERS);

export function forwardUpgrade(
  req: IncomingMessage,
  client: Socket,
  head: Buffer,
  target: UpgradeTarget,
  requestId: string,
  done: (outcome: UpgradeOutcome) => void,
): void {
  let settled = false;
  let timedOut = false;
  const settle = (outcome: UpgradeOutcome): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    client.off('end', abandon);
    client.off('close', abandon);
    done(outcome);
  };
  const upstream: ClientRequest = (target.url.protocol === 'https:' ? httpsRequest : httpRequest)({
    protocol: target.url.protocol,
    hostname: target.url.hostname,
    port: target.url.port,
    method: req.method,
    path: joinPath(target.url.pathname, req.url ?? '/'),
    headers: req.headers,
    agent: false,
  });
  const timer = setTimeout(() => {
    timedOut = true;
    upstream.destroy();
  }, target.timeoutMs);
  const abandon = (): void => {
    upstream.destroy();
    client.destroy();
    settle({ kind: 'abandoned' });
  };
  client.once('end', abandon);
  client.once('close', abandon);

  // `on`, not `once`: the request may report a second error after the first (its socket's, once destroyed).
  upstream.on('error', (error) => {
    if (settled) return;
    const failure = classifyUpstreamError(error, timedOut);
    sendRawFailure(client, failure, requestId);
    settle({ kind: 'failed', failure, error });
  });
  upstream.once('response', (answer: IncomingMessage) => {
    if (settled) return answer.destroy();
    relayAnswer(answer, client);
    settle({ kind: 'answered', status: answer.statusCode ?? 0 });
  });
  upstream.once('upgrade', (answer: IncomingMessage, tunnel: Socket, tunnelHead: Buffer) => {
    if (settled) return tunnel.destroy();
    client.write(`HTTP/1.1 101 Switching Protocols\r\n${headerLines(answer.rawHeaders, null)}\r\n`);
    if (tunnelHead.length > 0) client.write(tunnelHead);
    if (head.length > 0) tunnel.write(head);
    join(client, tunnel);
    settle({ kind: 'upgraded' });
  });
  upstream.end();
}

/** Pipes both ways; an error or a close on either side closes the other (the client's errors are handled by the caller). */
function join(client: Socket, tunnel: Socket): void {
  tunnel.setNoDelay(true);
  tunnel.on('error', () => tunnel.destroy());
  tunnel.once('close', () => client.destroy());
  client.once('close', () => tunnel.destroy());
  tunnel.pipe(client).pipe(tunnel);
}

/** The upstream's own answer, delimited by the close of the connection (its body is read de-chunked). */
function relayAnswer(answer: IncomingMessage, client: Socket): void {
  const status = answer.statusCode ?? 502;
  client.write(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${headerLines(answer.rawHeaders, NOT_RELAYED)}` +
      'Connection: close\r\n\r\n',
  );
  answer.once('error', () => client.destroy());
  client.once('close', () => answer.destroy());
  answer.pipe(client);
}

/** Header lines as the upstream sent them (names as written, repeats kept), minus `skip` and what they name. */
function headerLines(raw: readonly string[], skip: ReadonlySet<string> | null): string {
  const named = skip ? connectionTokens(raw) : null;
  let lines = '';
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    const lower = name.toLowerCase();
    if (skip?.has(lower) || named?.has(lower)) continue;
    lines += `${name}: ${raw[i + 1] as string}\r\n`;
  }
  return lines;
}

/** The header names an answer's Connection header lists (hop-by-hop as well). */
function connectionTokens(raw: readonly string[]): Set<string> {
  const tokens = new Set<string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if ((raw[i] as string).toLowerCase() !== 'connection') continue;
    for (const token of (raw[i + 1] as string).split(',')) tokens.add(token.trim().toLowerCase());
  }
  return tokens;
}

/** The upstream URL's path, then the request's (as httpxy joins them for ordinary requests). */
function joinPath(base: string, path: string): string {
  if (base === '' || base === '/') return path;
  return base.endsWith('/') ? base + path.slice(1) : base + path;
}
