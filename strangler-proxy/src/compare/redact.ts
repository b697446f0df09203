/**
 * Redaction of personal data and credentials before anything is kept: JSON body fields named by a
 * route's `redact` paths, fields named like credentials and values shaped like them (unless a `keep`
 * path opts a field back in), credential headers and query parameters. The store calls these on the
 * samples it keeps; the comparison itself never puts redacted values into a verdict (see
 * `preview-value.ts`).
 */
import { DEFAULT_LIMITS } from './compile-rules.ts';
import { looksLikeCredential, maskCredentialsIn } from './credential-values.ts';
import { NO_MATCH, stepPathSet } from './path-set.ts';
import type { CompiledPaths, MatchState } from './path-set.ts';

/** What a redacted value is replaced with. */
export const REDACTED = '[redacted]';

/** Headers whose values are always masked: they carry credentials or session state. */
export const SENSITIVE_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
]);

/**
 * Assigns an own property, even for the key `__proto__` (which plain assignment would turn into a
 * prototype change: JSON bodies can contain that key).
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/** How a body's credentials are masked. */
export interface BodyMasking {
  /** The route's `redact` paths: replaced by {@link REDACTED} whatever they hold. */
  readonly redact: CompiledPaths | null;
  /** The route's `keep` paths: left as they are, credential-like or not. */
  readonly keep: CompiledPaths | null;
  /**
   * The marker of a credential value. The same value gets the same marker, so a sample still shows
   * whether both sides answered with the same token, without keeping it.
   */
  readonly mark: (credential: string) => string;
}

/**
 * A copy of a parsed JSON value with the route's `redact` paths replaced by {@link REDACTED}, every field
 * named like a credential (any depth, any case) and every string shaped like one replaced by its marker,
 * except below the route's `keep` paths. Untouched subtrees are shared with the input. Below `maxDepth`
 * levels a subtree is replaced whole: masking fails closed.
 */
export function maskJson(value: unknown, masking: BodyMasking, maxDepth = DEFAULT_LIMITS.maxDepth): unknown {
  const redactRoot = masking.redact?.root ?? NO_MATCH;
  const keepRoot = masking.keep?.root ?? NO_MATCH;
  return maskNode(value, masking, redactRoot, keepRoot, false, 0, maxDepth);
}

function maskNode(
  value: unknown,
  masking: BodyMasking,
  redact: MatchState<string>,
  keep: MatchState<string>,
  namedCredential: boolean,
  depth: number,
  maxDepth: number,
): unknown {
  if (redact.hits.length > 0) return REDACTED;
  if (keep.hits.length > 0) return value;
  if (value === null) return value;
  if (typeof value === 'string') {
    return namedCredential || looksLikeCredential(value)
      ? masking.mark(value)
      : maskCredentialsIn(value, masking.mark);
  }
  if (typeof value === 'number' || typeof value === 'boolean')
    return namedCredential ? masking.mark(String(value)) : value;
  if (typeof value !== 'object') return value;
  // A structure under a credential's name (a session object, a key pair): none of it is kept.
  if (namedCredential || depth >= maxDepth) return REDACTED;
  const step = (state: MatchState<string>, key: string | number, set: CompiledPaths | null) =>
    set === null || state.active.length === 0 ? NO_MATCH : stepPathSet(set, state, key);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      const masked = maskNode(
        item,
        masking,
        step(redact, index, masking.redact),
        step(keep, index, masking.keep),
        false,
        depth + 1,
        maxDepth,
      );
      if (masked !== item) (copy ??= value.slice())[index] = masked;
    }
    return copy ?? value;
  }
  const record = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(record)) {
    const item = record[key];
    const masked = maskNode(
      item,
      masking,
      step(redact, key, masking.redact),
      step(keep, key, masking.keep),
      isCredentialName(key),
      depth + 1,
      maxDepth,
    );
    if (masked !== item) setOwn((copy ??= { ...record }), key, masked);
  }
  return copy ?? value;
}

/**
 * A form-encoded body (`a=1&b=2`) with the values of credential-named fields and credential-shaped
 * values replaced by their markers; everything else byte for byte.
 */
export function maskForm(body: string, masking: Pick<BodyMasking, 'mark'>): string {
  return body
    .split('&')
    .map((part) => {
      const equals = part.indexOf('=');
      if (equals === -1) return part;
      const value = decodeName(part.slice(equals + 1));
      if (value === REDACTED) return part;
      if (isCredentialName(decodeName(part.slice(0, equals))) || looksLikeCredential(value))
        return `${part.slice(0, equals)}=${masking.mark(value)}`;
      const inText = maskCredentialsIn(value, masking.mark);
      return inText === value ? part : `${part.slice(0, equals)}=${encodeURIComponent(inText)}`;
    })
    .join('&');
}

/** `"name": value` in text that did not parse as JSON (cut short by a capture limit, say). */
const FIELD_IN_TEXT = /"((?:[^"\\]|\\.){1,128})"(\s*:\s*)("(?:[^"\\]|\\.)*"?|[^\s,}\]]+)/g;

/**
 * Text that is not JSON (or JSON cut short) with the values of credential-named `"fields"` and every
 * credential-shaped value replaced by their markers.
 */
export function maskText(text: string, masking: Pick<BodyMasking, 'mark'>): string {
  const named = text.replace(FIELD_IN_TEXT, (whole, name: string, colon: string, value: string) =>
    isCredentialName(name) ? `"${name}"${colon}"${masking.mark(value.replace(/^"|"$/g, ''))}"` : whole,
  );
  return maskCredentialsIn(named, masking.mark);
}

type Headers = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * A copy of `headers` with the values of {@link SENSITIVE_HEADERS} and of `extraNames` (any case) masked.
 * Names are kept, so a report still shows that the header was there.
 */
export function redactHeaders(
  headers: Headers,
  extraNames: Iterable<string> = [],
): Record<string, string | readonly string[] | undefined> {
  const extra = new Set([...extraNames].map((name) => name.toLowerCase()));
  const copy: Record<string, string | readonly string[] | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    const masked = value !== undefined && (SENSITIVE_HEADERS.has(lower) || extra.has(lower));
    setOwn(copy, name, masked ? (typeof value === 'string' ? REDACTED : value.map(() => REDACTED)) : value);
  }
  return copy;
}

/**
 * Query parameters whose names say they carry a credential: exact names (`key`, `sig`: only as whole
 * names, so `monkey` or `signup` stay readable), and names that contain one of the longer words
 * (`access_token`, `X-Amz-Signature`, `client_secret`, `api-key`).
 */
const SENSITIVE_QUERY_NAMES: ReadonlySet<string> = new Set([
  'key',
  'sig',
  'auth',
  'pass',
  'pwd',
  'jwt',
  'sid',
  'session',
  'code',
]);
const SENSITIVE_QUERY_WORDS =
  /token|secret|passw|signature|credential|api[-_]?key|access[-_]?key|private[-_]?key|session[-_]?id/;
/**
 * Matches every target that holds a sensitive name (and any encoded one): most targets do not, and one
 * scan tells without splitting the query, so the access log can call this for every request. Built from
 * the two lists above, so that it cannot fall behind them.
 */
const MAY_NAME_A_CREDENTIAL = new RegExp(
  `${[...SENSITIVE_QUERY_NAMES].join('|')}|${SENSITIVE_QUERY_WORDS.source}|%`,
  'i',
);

const NO_NAMES: ReadonlySet<string> = new Set();

/** Whether a query parameter's value is masked by default (the name in any case). */
export function isSensitiveQueryName(name: string): boolean {
  const lower = name.toLowerCase();
  return SENSITIVE_QUERY_NAMES.has(lower) || SENSITIVE_QUERY_WORDS.test(lower);
}

/**
 * Names of query parameters that are credentials there and usually not in a body: OAuth's authorization
 * `code` travels in a query, while a `code` field of a JSON body is most often an error code, which a
 * report must show.
 */
const QUERY_ONLY_NAMES: ReadonlySet<string> = new Set(['code']);

/** Whether a body field's value is masked by default: the query list's names (in any case), less `code`. */
export function isCredentialName(name: string): boolean {
  const lower = name.toLowerCase();
  return !QUERY_ONLY_NAMES.has(lower) && isSensitiveQueryName(lower);
}

/** A run of token characters long enough to be a credential (JWT, key, random token) in a query. */
const MAY_HOLD_A_CREDENTIAL = /[A-Za-z0-9+/_=.-]{20,}/;

/**
 * A request target with the values of credential-like query parameters (and of `extraNames`, lower
 * case), and values shaped like credentials under any name, replaced by {@link REDACTED}. Everything
 * else is kept byte for byte, encoding included; a name that cannot be decoded is judged as written.
 * Returns `target` itself when nothing is masked.
 */
export function redactQuery(target: string, extraNames: ReadonlySet<string> = NO_NAMES): string {
  const start = target.indexOf('?');
  if (start === -1) return target;
  if (extraNames.size === 0 && !MAY_NAME_A_CREDENTIAL.test(target) && !MAY_HOLD_A_CREDENTIAL.test(target))
    return target;
  let changed = false;
  const parts = target
    .slice(start + 1)
    .split('&')
    .map((part) => {
      const equals = part.indexOf('=');
      if (equals === -1) return part;
      const name = decodeName(part.slice(0, equals));
      const named = extraNames.has(name.toLowerCase()) || isSensitiveQueryName(name);
      if (!named && !looksLikeCredential(decodeName(part.slice(equals + 1)))) return part;
      changed = true;
      return `${part.slice(0, equals)}=${REDACTED}`;
    });
  return changed ? `${target.slice(0, start)}?${parts.join('&')}` : target;
}

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}
