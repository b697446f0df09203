/**
 * The one table that maps upstream failures to what the client sees: a dead service is a 502 and a
 * timeout a 504, never 408 (http-proxy-middleware maps a refused connection to 504, which hides a dead
 * service behind a slow one), and the JSON error body every proxy-made response uses.
 */
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

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
  | 'rate_limited';

interface FailureEntry {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

export const FAILURES: Readonly<Record<ProxyFailure, FailureEntry>> = Object.freeze({
  connection_refused: {
    status: 502,
    code: 'UPSTREAM_UNAVAILABLE',
    message: 'the upstream refused the connection',
  },
  connection_reset: { status: 502, code: 'UPSTREAM_RESET', message: 'the upstream closed the connection' },
  upstream_timeout: { status: 504, code: 'UPSTREAM_TIMEOUT', message: 'the upstream did not answer in time' },
  bad_upstream_response: {
    status: 502,
    code: 'UPSTREAM_BAD_RESPONSE',
    message: 'the upstream sent an invalid response',
  },
  over_capacity: {
    status: 503,
    code: 'UPSTREAM_OVER_CAPACITY',
    message: 'too many requests in flight to the upstream',
  },
  circuit_open: {
    status: 503,
    code: 'UPSTREAM_CIRCUIT_OPEN',
    message: 'the upstream is failing; its circuit breaker is open',
  },
  bad_request: { status: 400, code: 'BAD_REQUEST', message: 'the request is malformed' },
  uri_too_long: { status: 414, code: 'URI_TOO_LONG', message: 'the request path is longer than allowed' },
  not_an_open_proxy: {
    status: 400,
    code: 'NOT_AN_OPEN_PROXY',
    message: 'absolute-form targets and CONNECT are refused',
  },
  body_too_large: { status: 413, code: 'BODY_TOO_LARGE', message: 'the request body is larger than allowed' },
  headers_too_large: {
    status: 431,
    code: 'HEADERS_TOO_LARGE',
    message: 'the request headers are larger than allowed',
  },
  request_timeout: {
    status: 408,
    code: 'REQUEST_TIMEOUT',
    message: 'the request was not received in time',
  },
  rate_limited: { status: 429, code: 'RATE_LIMITED', message: 'too many requests' },
});

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
