/**
 * Normalises a request target once, before routing: the path that is matched is exactly the path that is
 * forwarded, so no upstream can read a request differently from the route table (the "/api/../admin"
 * routing-bypass class, http-proxy-middleware#1255).
 *
 * Rules, in order (RFC 3986 §6.2.2 syntax-based normalisation plus rejections):
 * 1. The target is split at the first `?`; the query is kept verbatim (only control characters are refused).
 * 2. The path must be in origin-form (start with `/`) and at most {@link MAX_PATH_LENGTH} characters.
 * 3. Refused anywhere in the path: control characters (raw or percent-encoded, `%00`–`%1F`, `%7F`), non-ASCII
 *    characters, space, `#` (a fragment never belongs in a request) and `\` (WHATWG URL parsers read it as
 *    `/`, so an upstream would see other segments than we matched).
 * 4. Percent-escapes of unreserved characters (`A–Z a–z 0–9 - . _ ~`) are decoded; every other escape is kept
 *    with uppercase hex digits. An invalid escape is refused. `%2F` and `%5C` therefore stay encoded and are
 *    part of one segment, never a separator.
 * 5. Empty segments (`//`) are dropped, then dot segments are resolved (also those written `%2e%2E`); `..`
 *    above the root stays at the root. A trailing slash is kept in the path (it can matter upstream) but
 *    produces no segment.
 * 6. A segment that still hides a dot segment from a more lenient upstream is refused: `..;x` (Tomcat strips
 *    `;` parameters) or `..%2F` / `%5C..` (servers that decode slashes after routing).
 */
import { PATH_CATALOGUE } from '../errors/catalogue.ts';

/** Longest raw path accepted (the query is not counted). */
export const MAX_PATH_LENGTH = 8192;

/** Why a request target was refused. Stable: tests, logs and metrics use these. */
/** The path codes, in catalogue order (`errors/catalogue.ts`). */
export const PATH_ERROR_CODES = Object.freeze(Object.keys(PATH_CATALOGUE) as (keyof typeof PATH_CATALOGUE)[]);
export type PathErrorCode = (typeof PATH_ERROR_CODES)[number];

/** A request target that must never reach an upstream. The proxy answers 414 for `PATH_TOO_LONG`, else 400. */
export class PathError extends Error {
  readonly code: PathErrorCode;
  /** Offset in the target where the problem was found. */
  readonly index: number;
  constructor(code: PathErrorCode, message: string, index: number) {
    super(message);
    this.name = 'PathError';
    this.code = code;
    this.index = index;
  }
}

/** Whether a value is a {@link PathError} (for callers that catch unknown values). */
export function isPathError(value: unknown): value is PathError {
  return value instanceof PathError;
}

export interface NormalizedTarget {
  /** The normalised path: what is matched and what is forwarded. Starts with `/`. */
  readonly path: string;
  /** `''`, or the query verbatim including its leading `?`. Forward `path + query`. */
  readonly query: string;
  /** Non-empty decoded-as-above segments of {@link path}: `/api/products/` → `['api', 'products']`. */
  readonly segments: readonly string[];
}

export type NormalizeResult =
  (NormalizedTarget & { readonly ok: true }) | { readonly ok: false; readonly error: PathError };

/**
 * Normalises a request target (`req.url` in origin-form).
 *
 * @example normalizePath('//api/./v1/../products/%7e7?x=1')
 *   // → { path: '/api/products/~7', query: '?x=1', segments: ['api', 'products', '~7'] }
 * @throws {PathError} and nothing else, whatever the string.
 */
export function normalizePath(target: string): NormalizedTarget {
  return normalize(target);
}

/**
 * {@link normalizePath} as a result instead of an exception, for the request path: `{ ok: true, path, query,
 * segments }` or `{ ok: false, error }` with a {@link PathError}.
 */
export function normalizeRequestTarget(target: string): NormalizeResult {
  try {
    return normalize(target);
  } catch (error) {
    if (isPathError(error)) return { ok: false, error };
    throw error;
  }
}

function normalize(target: string): NormalizedTarget & { readonly ok: true } {
  const queryStart = target.indexOf('?');
  const rawPath = queryStart < 0 ? target : target.slice(0, queryStart);
  const query = queryStart < 0 ? '' : target.slice(queryStart);
  if (rawPath.length > MAX_PATH_LENGTH) {
    throw new PathError('PATH_TOO_LONG', `the path is longer than ${MAX_PATH_LENGTH} characters`, 0);
  }
  if (rawPath.charCodeAt(0) !== SLASH) {
    throw new PathError('PATH_NOT_ORIGIN_FORM', 'the request target must start with "/"', 0);
  }
  for (let i = 0; i < query.length; i++) {
    if (isControl(query.charCodeAt(i))) {
      throw new PathError('PATH_CONTROL_CHARACTER', 'control character in the query', queryStart + i);
    }
  }
  const segments: string[] = [];
  let trailingSlash = false;
  let start = 1;
  while (start <= rawPath.length) {
    let end = rawPath.indexOf('/', start);
    if (end < 0) end = rawPath.length;
    const segment = normalizeSegment(rawPath, start, end);
    const isLast = end === rawPath.length;
    if (segment === '' || segment === '.') {
      trailingSlash = isLast ? segments.length > 0 : trailingSlash;
    } else if (segment === '..') {
      segments.pop();
      trailingSlash = isLast && segments.length > 0;
    } else {
      if (isAmbiguousSegment(segment)) {
        throw new PathError(
          'PATH_AMBIGUOUS_SEGMENT',
          `segment "${segment}" hides a dot segment behind ";" or an encoded slash`,
          start,
        );
      }
      segments.push(segment);
      trailingSlash = false;
    }
    start = end + 1;
  }
  const path = '/' + segments.join('/') + (trailingSlash ? '/' : '');
  return { ok: true, path, query, segments };
}

/**
 * Normalises one segment written between `start` and `end` of `text` (rules 3 and 4 above). Exported for
 * route patterns, which must be normalised exactly like requests to ever match them.
 *
 * @throws {PathError}
 */
export function normalizeSegment(text: string, start = 0, end = text.length): string {
  let out = '';
  let copiedUpTo = start;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === PERCENT) {
      const value = i + 2 < end ? hexPair(text.charCodeAt(i + 1), text.charCodeAt(i + 2)) : -1;
      if (value < 0) {
        throw new PathError('PATH_INVALID_PERCENT_ENCODING', 'a "%" must be followed by two hex digits', i);
      }
      if (isControl(value)) {
        throw new PathError('PATH_CONTROL_CHARACTER', `encoded control character ${text.slice(i, i + 3)}`, i);
      }
      const replacement = isUnreserved(value)
        ? String.fromCharCode(value)
        : '%' + HEX.charAt(value >> 4) + HEX.charAt(value & 15);
      if (replacement !== text.slice(i, i + 3)) {
        out += text.slice(copiedUpTo, i) + replacement;
        copiedUpTo = i + 3;
      }
      i += 2;
    } else if (isControl(code)) {
      throw new PathError('PATH_CONTROL_CHARACTER', 'control character in the path', i);
    } else if (code > 0x7e || code === SPACE || code === HASH || code === BACKSLASH) {
      throw new PathError(
        'PATH_INVALID_CHARACTER',
        `character ${JSON.stringify(text[i])} is not allowed in a path (percent-encode it)`,
        i,
      );
    }
  }
  return copiedUpTo === start ? text.slice(start, end) : out + text.slice(copiedUpTo, end);
}

const SLASH = 0x2f;
const PERCENT = 0x25;
const SPACE = 0x20;
const HASH = 0x23;
const BACKSLASH = 0x5c;
const HEX = '0123456789ABCDEF';

function isControl(code: number): boolean {
  return code < 0x20 || code === 0x7f;
}

function isUnreserved(code: number): boolean {
  return (
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x61 && code <= 0x7a) || // a-z
    (code >= 0x30 && code <= 0x39) || // 0-9
    code === 0x2d || // -
    code === 0x2e || // .
    code === 0x5f || // _
    code === 0x7e // ~
  );
}

function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

function hexPair(high: number, low: number): number {
  const a = hexDigit(high);
  const b = hexDigit(low);
  return a < 0 || b < 0 ? -1 : a * 16 + b;
}

/** Rule 6: whether a normalised segment hides a dot segment before `;` or between encoded (back)slashes. */
export function isAmbiguousSegment(segment: string): boolean {
  if (!segment.includes(';') && !segment.includes('%2F') && !segment.includes('%5C')) return false;
  return segment.split(/%2F|%5C/).some((part) => {
    const head = part.split(';', 1)[0];
    return head === '.' || head === '..';
  });
}
