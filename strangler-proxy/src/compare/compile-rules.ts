/**
 * A route's `compare` rules, compiled once when the config is loaded: every path parsed into one
 * {@link PathSet} that the comparison steps through while it walks a body, header names folded to lower
 * case. Nothing here runs per request.
 */
import type { CompareRules } from '../config/schema.ts';
import { compileJsonPath, validateJsonPath } from './json-path.ts';
import type { JsonPathPattern } from './json-path.ts';
import { DEFAULT_COMPARED_HEADERS } from './compare-headers.ts';
import { compileNormalizer, type Normalizer } from './normalize-values.ts';
import { compilePaths, createPathSet } from './path-set.ts';
import type { CompiledPaths, PathSet } from './path-set.ts';

/** What a body path rule asks for at the locations it matches. */
export type BodyRule =
  /** Skip the value and everything below it. */
  | { readonly type: 'ignore' }
  /** Numbers here are equal when they differ by at most `tolerance`. */
  | { readonly type: 'tolerance'; readonly tolerance: number }
  /** The array here is a set: elements paired by the `orderBy` field, or by value when it is absent. */
  | { readonly type: 'set'; readonly orderBy: string | undefined }
  /** Values here and below never appear in differences (they are shown as `[redacted]`). */
  | { readonly type: 'redact' }
  /** Values here are brought to a common form first: those it deems equal are equal. */
  | { readonly type: 'normalize'; readonly normalizer: Normalizer };

/** Limits of one comparison; the defaults suit the shadow path. */
export interface CompareLimits {
  /** Differences listed per verdict (counted and noisy lists each); the rest are only counted. */
  readonly maxDifferences: number;
  /** JSON nesting walked field by field; deeper subtrees are compared whole and reported at the bound. */
  readonly maxDepth: number;
}

export const DEFAULT_LIMITS: CompareLimits = Object.freeze({ maxDifferences: 50, maxDepth: 64 });

/** A route's rules, ready for `compareResponses`. Frozen; share it between requests freely. */
export interface CompiledRules extends CompareLimits {
  /** Every body rule (ignore, tolerance, arrays, redact) in one set, matched in a single walk. */
  readonly body: PathSet<BodyRule>;
  /** Lower-case names of headers never compared. */
  readonly ignoreHeaders: ReadonlySet<string>;
  /** Lower-case names of the headers compared; `null` for every header (`compareHeaders: all`). */
  readonly comparedHeaders: ReadonlySet<string> | null;
  /** The `redact` paths alone, for `redactJson` on stored samples. */
  readonly redact: CompiledPaths;
  /** `compare.status`: legacy status → service statuses that count as the same. */
  readonly acceptedStatus: ReadonlyMap<number, ReadonlySet<number>>;
}

/** One problem in a `compare` block: `path` locates it inside the block (`['ignore', 2]`). */
export interface RuleIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * Every invalid path in a `compare` block, so the config loader can report them all at once.
 * Empty when {@link compileCompareRules} will accept the rules.
 */
export function validateCompareRules(rules: Partial<CompareRules>): readonly RuleIssue[] {
  const issues: RuleIssue[] = [];
  const check = (path: readonly (string | number)[], source: string): void => {
    const message = validateJsonPath(source);
    if (message !== null) issues.push({ path, message });
  };
  (rules.ignore ?? []).forEach((source, index) => check(['ignore', index], source));
  (rules.redact ?? []).forEach((source, index) => check(['redact', index], source));
  (rules.keep ?? []).forEach((source, index) => check(['keep', index], source));
  for (const source of Object.keys(rules.arrays ?? {})) check(['arrays', source], source);
  for (const source of Object.keys(rules.tolerance ?? {})) check(['tolerance', source], source);
  for (const source of Object.keys(rules.normalize ?? {})) check(['normalize', source], source);
  return issues;
}

/**
 * Compiles a route's `compare` block (missing parts mean "no such rule").
 * @throws `JsonPathError` on an invalid path; the config loader calls {@link validateCompareRules} first.
 */
export function compileCompareRules(
  rules: Partial<CompareRules> = {},
  limits: Partial<CompareLimits> = {},
): CompiledRules {
  const entries: [JsonPathPattern, BodyRule][] = [];
  const ignore: BodyRule = Object.freeze({ type: 'ignore' });
  const redact: BodyRule = Object.freeze({ type: 'redact' });
  for (const source of rules.ignore ?? []) entries.push([compileJsonPath(source), ignore]);
  for (const [source, { orderBy }] of Object.entries(rules.arrays ?? {})) {
    entries.push([compileJsonPath(source), Object.freeze({ type: 'set', orderBy })]);
  }
  for (const [source, tolerance] of Object.entries(rules.tolerance ?? {})) {
    entries.push([compileJsonPath(source), Object.freeze({ type: 'tolerance', tolerance })]);
  }
  for (const [source, normalizer] of Object.entries(rules.normalize ?? {})) {
    const { sortedSet, ...valueRules } = normalizer;
    // `sortedSet` is an `arrays` entry without `orderBy`, named for what it does.
    if (sortedSet === true) entries.push([compileJsonPath(source), SORTED_SET]);
    if (Object.values(valueRules).some((rule) => rule !== undefined)) {
      const rule: BodyRule = { type: 'normalize', normalizer: compileNormalizer(valueRules) };
      entries.push([compileJsonPath(source), Object.freeze(rule)]);
    }
  }
  for (const source of rules.redact ?? []) entries.push([compileJsonPath(source), redact]);
  return Object.freeze({
    body: createPathSet(entries),
    ignoreHeaders: new Set((rules.ignoreHeaders ?? []).map((name) => name.toLowerCase())),
    comparedHeaders:
      rules.compareHeaders === 'all'
        ? null
        : new Set([...DEFAULT_COMPARED_HEADERS, ...(rules.compareHeaders ?? []).map((n) => n.toLowerCase())]),
    redact: compilePaths(rules.redact ?? []),
    acceptedStatus: acceptedStatuses(rules.status ?? {}),
    maxDifferences: limits.maxDifferences ?? DEFAULT_LIMITS.maxDifferences,
    maxDepth: limits.maxDepth ?? DEFAULT_LIMITS.maxDepth,
  });
}

const SORTED_SET: BodyRule = Object.freeze({ type: 'set', orderBy: undefined });

function acceptedStatuses(map: CompareRules['status']): ReadonlyMap<number, ReadonlySet<number>> {
  const accepted = new Map<number, ReadonlySet<number>>();
  for (const [legacy, service] of Object.entries(map)) {
    accepted.set(Number(legacy), new Set(typeof service === 'number' ? [service] : service));
  }
  return accepted;
}

/** Whether the rules accept `service` answering `legacy`'s status (equal statuses always are). */
export function isAcceptedStatus(rules: CompiledRules, legacy: number, service: number): boolean {
  return legacy === service || rules.acceptedStatus.get(legacy)?.has(service) === true;
}

/** The rules of a route without a `compare` block. */
export const NO_RULES: CompiledRules = compileCompareRules();
