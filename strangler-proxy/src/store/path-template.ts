/**
 * Groups unmatched request paths into templates for the inventory of what the monolith still serves:
 * `/users/42/orders?page=2` → `/users/:id/orders`. Segments that look like identifiers become `:id`.
 */

/**
 * The template under which unmatched requests are counted once a minute already holds the most distinct
 * templates kept: not a path (it has no leading `/`), so no request can produce it.
 */
export const OTHER_TEMPLATE = '(other paths)';

const MAX_SEGMENTS = 12;
const MAX_SEGMENT_LENGTH = 64;

const NUMERIC = /^\d+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Hashes, object ids: 8+ hex digits with at least one digit (`deadbeef` alone may be a word). */
const HEX = /^(?=.*\d)[0-9a-f]{8,}$/i;
/** Opaque tokens: 16+ characters mixing letters and digits. */
const TOKEN = /^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9_-]{16,}$/;

/** Whether a path segment looks like an identifier rather than a resource name. */
export function isIdLikeSegment(segment: string): boolean {
  return NUMERIC.test(segment) || UUID.test(segment) || HEX.test(segment) || TOKEN.test(segment);
}

/**
 * The template of a path: query dropped, id-like segments replaced by `:id`, bounded in depth and length
 * (deeper paths end in `/…`), so the inventory stays small whatever clients send.
 */
export function pathTemplate(path: string): string {
  const bare = path.split(/[?#]/, 1)[0] ?? '';
  const segments = bare.split('/').filter((segment) => segment !== '');
  const kept = segments.slice(0, MAX_SEGMENTS).map((segment) => {
    if (isIdLikeSegment(segment)) return ':id';
    return segment.length > MAX_SEGMENT_LENGTH ? `${segment.slice(0, MAX_SEGMENT_LENGTH)}…` : segment;
  });
  if (segments.length > MAX_SEGMENTS) kept.push('…');
  return `/${kept.join('/')}`;
}
