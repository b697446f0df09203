/**
 * The one table that maps upstream failures to what the client sees: a dead service is a 502 and a
 * timeout a 504, never 408 (http-proxy-middleware maps a refused connection to 504, which hides a dead
 * service behind a slow one), and the JSON error body every proxy-made response uses.
 */
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { PROXY_CATALOGUE } from '../errors/catalogue.ts';

export type ProxyFailure =
  | 'connection_refused'
  | 'connection_reset'
  | 'upstream_timeout'
  | 'bad_upstream_response'
  | 'over_capacity'
  | 'circuit_open'
  | 'bad_request'
  | 'uri_too_long'
  | 'not_an_open_proxy'
  | 'body_too_large'
  | 'headers_too_large'
  | 'request_timeout'
  | 'rate_limited'
  | 'auth_missing'
  | 'auth_expired'
  | 'auth_bad_signature'
  | 'auth_wrong_audience'
  | 'auth_invalid';

interface FailureEntry {
  readonly status: number;
  readonly code: ProxyErrorCode;
  readonly message: string;
}

type ProxyErrorCode = keyof typeof PROXY_CATALOGUE;

/** Each failure's code; its status and message are the catalogue's. */
const FAILURE_CODES: Readonly<Record<ProxyFailure, ProxyErrorCode>> = {
  connection_refused: 'UPSTREAM_UNAVAILABLE',
  connection_reset: 'UPSTREAM_RESET',
  upstream_timeout: 'UPSTREAM_TIMEOUT',
  bad_upstream_response: 'UPSTREAM_BAD_RESPONSE',
  over_capacity: 'UPSTREAM_OVER_CAPACITY',
  circuit_open: 'UPSTREAM_CIRCUIT_OPEN',
  bad_request: 'BAD_REQUEST',
  uri_too_long: 'URI_TOO_LONG',
  not_an_open_proxy: 'NOT_AN_OPEN_PROXY',
  body_too_large: 'BODY_TOO_LARGE',
  headers_too_large: 'HEADERS_TOO_LARGE',
  request_timeout: 'REQUEST_TIMEOUT',
  rate_limited: 'RATE_LIMITED',
  auth_missing: 'AUTH_MISSING',
  auth_expired: 'AUTH_EXPIRED',
  auth_bad_signature: 'AUTH_BAD_SIGNATURE',
  auth_wrong_audience: 'AUTH_WRONG_AUDIENCE',
  auth_invalid: 'AUTH_INVALID',
};

export const FAILURES: Readonly<Record<ProxyFailure, FailureEntry>> = Object.freeze(
  Object.fromEntries(
    Object.entries(FAILURE_CODES).map(([failure, code]) => {
      const { status, message } = PROXY_CATALOGUE[code];
      return [failure, Object.freeze({ status, code, message })];
    }),
  ) as Record<ProxyFailure, FailureEntry>,
);

/** Classifies a proxying error by its Node error code (timeouts are flagged by the caller). */
export function classifyUpstreamError(error: unknown, timedOut: boolean): ProxyFailure {
  if (timedOut) return 'upstream_timeout';
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'EAI_AGAIN') {
    return 'connection_refused';
  }
  if (typeof code === 'string' && code.startsWith('HPE_')) return 'bad_upstream_response';
  return 'connection_reset';
}

/** A failure's Node error code, for the log. */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : String(error);
}

/** Failures that happened before any byte reached the upstream: safe to retry or fall back for any method. */
export function isConnectFailure(failure: ProxyFailure): boolean {
  return failure === 'connection_refused' || failure === 'circuit_open' || failure === 'over_capacity';
}

/** The JSON error body of every proxy-made answer. */
function errorBody(failure: ProxyFailure, requestId: string, detail?: string): string {
  const entry = FAILURES[failure];
  return JSON.stringify({
    error: { code: entry.code, message: detail ? `${entry.message}: ${detail}` : entry.message, requestId },
  });
}

/**
 * Answers on a raw socket, where no ServerResponse exists (a parser error, CONNECT, an upgrade request),
 * and closes it.
 */
export function sendRawFailure(socket: Socket, failure: ProxyFailure, requestId = '', detail?: string): void {
  const status = FAILURES[failure].status;
  const body = errorBody(failure, requestId, detail);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** 429 with the JSON error body and `Retry-After` (whole seconds, at least 1). */
export function sendRateLimited(res: ServerResponse, requestId: string, retryAfterMs: number): void {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1_000));
  const body = errorBody('rate_limited', requestId, `retry after ${seconds} s`);
  res.writeHead(FAILURES.rate_limited.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'retry-after': String(seconds),
    'x-request-id': requestId,
  });
  res.end(body);
}

/**
 * Answers with the JSON error body, or just ends the response when the upstream's status line already
 * went out (the body is then cut short, which clients detect).
 */
export function sendFailure(
  res: ServerResponse,
  failure: ProxyFailure,
  requestId: string,
  detail?: string,
): void {
  const entry = FAILURES[failure];
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = errorBody(failure, requestId, detail);
  res.writeHead(entry.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'x-request-id': requestId,
    ...(entry.status === 400 ||
    entry.status === 408 ||
    entry.status === 413 ||
    entry.status === 414 ||
    entry.status === 431
      ? { connection: 'close' }
      : {}),
  });
  res.end(body);
}
