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
