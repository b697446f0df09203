/**
 * The store's use of the shared redaction (`src/compare/redact.ts`): a route's rules compiled once, and
 * headers flattened to the one-string-per-name form samples keep. Secrets become `[redacted]`, or a
 * credential's marker, before a sample is queued, so they reach neither the database nor any report.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { compilePaths, type CompiledPaths } from '../compare/path-set.ts';
import { REDACTED, maskForm, maskJson, maskText, redactHeaders, redactQuery } from '../compare/redact.ts';

export { REDACTED };

/**
 * The key of credential markers: random for each process and never written anywhere, so a marker tells
 * whether two values in one sample are the same and nothing about what they are (not even a guessable
 * password can be tried against it).
 */
const MARKER_KEY = randomBytes(32);

/**
 * `[redacted:1a2b3c4d]`: the same credential gets the same marker in this process, so a sample still shows
 * that both sides answered with the same token.
 */
export function credentialMarker(credential: string): string {
  return `[redacted:${createHmac('sha256', MARKER_KEY).update(credential).digest('hex').slice(0, 8)}]`;
}

/** Masked in addition to the shared list (authorization, proxy-authorization, cookie, set-cookie). */
export const EXTRA_REDACTED_HEADERS: readonly string[] = ['x-api-key'];

/** Compiled redaction rules of one route. */
export interface Redaction {
  readonly headers: readonly string[];
  /** Body fields to mask; null when the route redacts no body field. */
  readonly body: CompiledPaths | null;
  /** Body fields kept although they look like credentials; null when the route keeps none. */
  readonly keep: CompiledPaths | null;
  /** Query parameters masked besides the credential-like names (lower case). */
  readonly query: ReadonlySet<string>;
}

/**
 * Compiles a route's `compare.redact` and `compare.keep` paths and `compare.redactQuery` names (plus
 * extra header names) into a {@link Redaction}.
 */
export function compileRedaction(
  bodyPaths: readonly string[] = [],
  extraHeaders: readonly string[] = [],
  queryNames: readonly string[] = [],
  keepPaths: readonly string[] = [],
): Redaction {
  const headers = [...EXTRA_REDACTED_HEADERS, ...extraHeaders];
  const query = new Set(queryNames.map((name) => name.toLowerCase()));
  return { headers, body: compiledOr(bodyPaths, ['$']), keep: compiledOr(keepPaths, []), query };
}

/**
 * The compiled paths, null for none. The config loader rejects invalid paths; should one slip through,
 * `failClosed` stands in: for `redact` the whole body is masked, for `keep` nothing is kept.
 */
function compiledOr(paths: readonly string[], failClosed: readonly string[]): CompiledPaths | null {
  if (paths.length === 0) return null;
  try {
    return compilePaths(paths);
  } catch {
    return failClosed.length === 0 ? null : compilePaths(failClosed);
  }
}

/** The request target with credential-like (by name or shape) and the route's named query parameters masked. */
export function redactTarget(target: string, redaction: Redaction): string {
  return redactQuery(target, redaction.query);
}

const MASKING = { mark: credentialMarker };

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

/** A copy of a parsed JSON body with the route's fields and every credential masked. */
export function redactBody(value: unknown, redaction: Redaction): unknown {
  return maskJson(value, { redact: redaction.body, keep: redaction.keep, mark: credentialMarker });
}

/** A body that is not JSON with its credentials masked: form fields by name and shape, other text by shape. */
export function redactText(text: string, contentType: string | undefined): string {
  return isForm(contentType, text) ? maskForm(text, MASKING) : maskText(text, MASKING);
}

const FORM_FIELDS = /^[^=&\s]+=[^&\s]*(?:&[^=&\s]+=[^&\s]*)*$/;

function isForm(contentType: string | undefined, text: string): boolean {
  if (contentType !== undefined)
    return contentType.toLowerCase().startsWith('application/x-www-form-urlencoded');
  return FORM_FIELDS.test(text);
}
