/**
 * The request methods a route may name: the ones Node's HTTP parser accepts (`http.METHODS`), since a
 * request with any other method is refused before it reaches a route. Written out here because the
 * config core imports no I/O module; a test keeps the list equal to Node's.
 */
import { closestMatch } from './suggest.ts';

export const HTTP_METHODS: readonly string[] = Object.freeze([
  'ACL',
  'BIND',
  'CHECKOUT',
  'CONNECT',
  'COPY',
  'DELETE',
  'GET',
  'HEAD',
  'LINK',
  'LOCK',
  'M-SEARCH',
  'MERGE',
  'MKACTIVITY',
  'MKCALENDAR',
  'MKCOL',
  'MOVE',
  'NOTIFY',
  'OPTIONS',
  'PATCH',
  'POST',
  'PROPFIND',
  'PROPPATCH',
  'PURGE',
  'PUT',
  'QUERY',
  'REBIND',
  'REPORT',
  'SEARCH',
  'SOURCE',
  'SUBSCRIBE',
  'TRACE',
  'UNBIND',
  'UNLINK',
  'UNLOCK',
  'UNSUBSCRIBE',
]);

const KNOWN: ReadonlySet<string> = new Set(HTTP_METHODS);

/**
 * Safe methods (RFC 9110 §9.2.1, https://www.rfc-editor.org/rfc/rfc9110#section-9.2.1): the client asks
 * for no change on the server. Mirrored without `shadow.unsafe`; a failed service answer may be retried on
 * legacy.
 */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/**
 * Idempotent methods (RFC 9110 §9.2.2): the safe ones plus PUT and DELETE, whose effect is the same
 * however often they are sent. Only these are retried on a fresh connection.
 */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set([...SAFE_METHODS, 'PUT', 'DELETE']);

/**
 * Why `method` cannot be used in a route's `methods`, or null when it can. Methods are matched exactly
 * as sent, and clients send them in upper case, so `get` is as wrong as `GTE`: either would leave the
 * route unmatched by every real request.
 */
export function methodProblem(method: string): string | null {
  if (KNOWN.has(method)) return null;
  const upper = method.toUpperCase();
  if (KNOWN.has(upper)) return `"${method}": methods are written in upper case (did you mean "${upper}"?)`;
  const match = closestMatch(upper, HTTP_METHODS);
  return `"${method}" is not an HTTP method${match === undefined ? '' : ` (did you mean "${match}"?)`}`;
}
