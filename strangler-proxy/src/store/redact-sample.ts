/**
 * The store's use of the shared redaction (`src/compare/redact.ts`): a route's rules compiled once, and
 * headers flattened to the one-string-per-name form samples keep. Secrets become `[redacted]` before a
 * sample is queued, so they reach neither the database nor any report.
 */
import { compilePaths, type CompiledPaths } from '../compare/path-set.ts';
import { REDACTED, redactHeaders, redactJson, redactQuery } from '../compare/redact.ts';

export { REDACTED };

/** Masked in addition to the shared list (authorization, proxy-authorization, cookie, set-cookie). */
export const EXTRA_REDACTED_HEADERS: readonly string[] = ['x-api-key'];

/** Compiled redaction rules of one route. */
export interface Redaction {
  readonly headers: readonly string[];
  /** Body fields to mask; null when the route redacts no body field. */
  readonly body: CompiledPaths | null;
  /** Query parameters masked besides the credential-like names (lower case). */
  readonly query: ReadonlySet<string>;
}

/**
 * Compiles a route's `compare.redact` paths and `compare.redactQuery` names (plus extra header names)
 * into a {@link Redaction}.
 */
export function compileRedaction(
  bodyPaths: readonly string[] = [],
  extraHeaders: readonly string[] = [],
  queryNames: readonly string[] = [],
): Redaction {
  const headers = [...EXTRA_REDACTED_HEADERS, ...extraHeaders];
  const query = new Set(queryNames.map((name) => name.toLowerCase()));
  if (bodyPaths.length === 0) return { headers, body: null, query };
  try {
    return { headers, body: compilePaths(bodyPaths), query };
  } catch {
    // The config loader rejects invalid paths; should one slip through, fail closed: mask the whole body.
    return { headers, body: compilePaths(['$']), query };
  }
}

/** The request target with credential-like and the route's named query parameters masked. */
export function redactTarget(target: string, redaction: Redaction): string {
  return redactQuery(target, redaction.query);
}

/** Lower-cased names, multi-valued headers joined, credentials masked. */
export function redactHeaderValues(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
  redaction: Redaction,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(redactHeaders(headers, redaction.headers))) {
    if (value === undefined) continue;
    const text = typeof value === 'string' ? value : value.includes(REDACTED) ? REDACTED : value.join(', ');
    Object.defineProperty(out, name.toLowerCase(), {
      value: text,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** A copy of a parsed JSON body with the route's fields masked. */
export function redactBody(value: unknown, redaction: Redaction): unknown {
  return redaction.body ? redactJson(value, redaction.body) : value;
}
