import type { IncomingMessage } from 'node:http';

/**
 * The request's framing says it has no body: no Transfer-Encoding, and no or a zero Content-Length
 * (RFC 9112 §6.3: a request with neither has none).
 */
export function isBodyless(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0');
}
