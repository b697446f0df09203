/**
 * Redaction of personal data before anything is kept: JSON body fields named by a route's `redact` paths,
 * and credential headers. The store calls these on the samples it keeps; the comparison itself never puts
 * redacted values into a verdict (see `preview-value.ts`).
 */
import { DEFAULT_LIMITS } from './compile-rules.ts';
import { stepPathSet } from './path-set.ts';
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
 * A copy of `value` with every location matched by `paths` (and everything below it) replaced by
 * {@link REDACTED}. Subtrees that no path can reach are shared with the input, not cloned, and the input
 * is left untouched, so the result must be treated as read-only. Below `maxDepth` levels, a subtree that a
 * path could still reach is replaced whole: redaction fails closed.
 */
export function redactJson(
  value: unknown,
  paths: CompiledPaths,
  maxDepth = DEFAULT_LIMITS.maxDepth,
): unknown {
  return redactNode(value, paths, paths.root, 0, maxDepth);
}

function redactNode(
  value: unknown,
  paths: CompiledPaths,
  state: MatchState<string>,
  depth: number,
  maxDepth: number,
): unknown {
  if (state.hits.length > 0) return REDACTED;
  if (state.active.length === 0 || value === null || typeof value !== 'object') return value;
  if (depth >= maxDepth) return REDACTED;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      const redacted = redactNode(item, paths, stepPathSet(paths, state, index), depth + 1, maxDepth);
      if (redacted !== item) (copy ??= value.slice())[index] = redacted;
    }
    return copy ?? value;
  }
  const record = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(record)) {
    const item = record[key];
    const redacted = redactNode(item, paths, stepPathSet(paths, state, key), depth + 1, maxDepth);
    if (redacted !== item) setOwn((copy ??= { ...record }), key, redacted);
  }
  return copy ?? value;
}

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
 * A request target with the values of credential-like query parameters (and of `extraNames`, lower
 * case) replaced by {@link REDACTED}. Everything else is kept byte for byte, encoding included; a name
 * that cannot be decoded is judged as written. Returns `target` itself when nothing is masked.
 */
export function redactQuery(target: string, extraNames: ReadonlySet<string> = NO_NAMES): string {
  const start = target.indexOf('?');
  if (start === -1) return target;
  if (extraNames.size === 0 && !MAY_NAME_A_CREDENTIAL.test(target)) return target;
  let changed = false;
  const parts = target
    .slice(start + 1)
    .split('&')
    .map((part) => {
      const equals = part.indexOf('=');
      if (equals === -1) return part;
      const name = decodeName(part.slice(0, equals));
      if (!extraNames.has(name.toLowerCase()) && !isSensitiveQueryName(name)) return part;
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
