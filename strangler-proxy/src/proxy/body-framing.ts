/** What a message's framing (Content-Length, Transfer-Encoding) says about its body, before any of it arrives. */
import type { IncomingMessage } from 'node:http';

/**
 * The request's framing says it has no body: no Transfer-Encoding, and no or a zero Content-Length
 * (RFC 9112 §6.3: a request with neither has none).
 */
export function isBodyless(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0');
}

/** Bodies of one read (64 KiB) or less arrive in one chunk: above that, or of unknown length, a body is large. */
const ONE_READ = 65_536;

/**
 * The request's body may come in many chunks: a Transfer-Encoding (no length known in advance), or a
 * Content-Length over one read.
 */
export function hasLargeBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && Number(length) > ONE_READ;
}

/** An answer without a declared length (chunked, or read until the connection closes) or over one read. */
export function mayBeLargeAnswer(response: IncomingMessage): boolean {
  const length = response.headers['content-length'];
  return length === undefined || Number(length) > ONE_READ;
}

/**
 * An answer that an HTTP/1.0 client can only be sent delimited by the end of the connection: it has a body
 * and no Content-Length, and HTTP/1.0 has no chunked coding.
 */
export function isCloseDelimitedFor(req: IncomingMessage, response: IncomingMessage): boolean {
  if (req.httpVersionMajor !== 1 || req.httpVersionMinor !== 0) return false;
  const status = response.statusCode ?? 0;
  return (
    response.headers['content-length'] === undefined &&
    req.method !== 'HEAD' &&
    status >= 200 &&
    status !== 204 &&
    status !== 304
  );
}
