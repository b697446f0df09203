/**
 * Redaction of what the store keeps: secrets in headers and configured body fields become `[redacted]`
 * before a sample is queued, so they reach neither the database nor any report.
 *
 * NOTE: a private minimal version. `src/compare/redact.ts` (`redactJson`, `redactHeaders`) is being
 * written separately; when it lands, this module should delegate to it so there is one implementation.
 */
import { parseJsonPath, pathCovers, type PathSegment } from './json-path.ts';

export const REDACTED = '[redacted]';

/** Headers whose values are never stored, whatever the route says. */
export const DEFAULT_REDACTED_HEADERS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
];

/** Compiled redaction rules of one route. */
export interface Redaction {
  readonly headers: ReadonlySet<string>;
  /** Body fields (JSONPath patterns); empty when the route redacts no body field. */
  readonly bodyPaths: readonly (readonly PathSegment[])[];
}

/** Compiles a route's `compare.redact` paths (plus extra header names) into a {@link Redaction}. */
export function compileRedaction(
  bodyPaths: readonly string[] = [],
  extraHeaders: readonly string[] = [],
): Redaction {
  const compiled: PathSegment[][] = [];
  for (const path of bodyPaths) {
    const segments = parseJsonPath(path);
    // The config loader rejects unparseable paths; `$` alone (redact everything) is honoured.
    if (segments) compiled.push(segments);
  }
  return {
    headers: new Set([...DEFAULT_REDACTED_HEADERS, ...extraHeaders.map((name) => name.toLowerCase())]),
    bodyPaths: compiled,
  };
}

/** Lower-cased header names, multi-valued headers joined, redacted names replaced by `[redacted]`. */
export function redactHeaderValues(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
  redacted: ReadonlySet<string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    out[lower] = redacted.has(lower) ? REDACTED : typeof value === 'string' ? value : value.join(', ');
  }
  return out;
}

/** A copy of `value` with every location covered by one of `paths` replaced by `[redacted]`. */
export function redactJsonValue(value: unknown, paths: readonly (readonly PathSegment[])[]): unknown {
  if (paths.length === 0) return value;
  return walk(value, []);

  function walk(node: unknown, location: (string | number)[]): unknown {
    if (paths.some((pattern) => pathCovers(pattern, location))) return REDACTED;
    if (Array.isArray(node)) return node.map((item: unknown, index) => walk(item, [...location, index]));
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node)) out[key] = walk(child, [...location, key]);
      return out;
    }
    return node;
  }
}
