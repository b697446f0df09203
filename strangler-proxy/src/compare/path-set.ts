/**
 * Many compiled paths matched together while walking a JSON value. Instead of matching every pattern
 * against the full location of every node (quadratic in depth), the walk carries a state (the pattern
 * positions still possible) and steps it by one key per level.
 *
 * Stepping is memoised, so that after the first few requests it allocates nothing: each state keeps its
 * transitions for the keys and indices its patterns name, and one shared transition for every other key
 * and one for every other index (an unnamed key can only be matched by `[*]` or skipped by `..key`, so
 * they all lead to the same state). The memo is therefore bounded by the patterns, never by the bodies
 * seen. Where no pattern can match any more, the state is the shared {@link NO_MATCH} and stepping costs
 * one comparison: a body walked under no rules, or outside the subtrees rules name, pays almost nothing.
 */
import { MAX_PATH_SEGMENTS, compileJsonPath } from './json-path.ts';
import type { JsonPathPattern, PathKey } from './json-path.ts';

/** Patterns, each with the value reported when it matches (a rule, a source text...). */
export interface PathSet<T> {
  readonly patterns: readonly JsonPathPattern[];
  readonly values: readonly T[];
  /** The state at the root `$`. */
  readonly root: MatchState<T>;
}

/** Where a walk stands against a {@link PathSet}. Never changed once made (bar its memo), so shared. */
export interface MatchState<T> {
  /** Patterns still in progress, packed as `pattern index × MAX_PATH_SEGMENTS + next segment`. */
  readonly active: readonly number[];
  /** Values of the patterns that match exactly this location (one per matching pattern). */
  readonly hits: readonly T[];
  /** The memoised transitions; absent only on {@link NO_MATCH}. */
  readonly moves?: Moves<T>;
}

/** Transitions of one state, filled on first use. */
interface Moves<T> {
  /** Keys and indices some active segment names; any other key shares `otherKey` / `otherIndex`. */
  readonly named: Map<PathKey, MatchState<T> | undefined>;
  otherKey?: MatchState<T>;
  otherIndex?: MatchState<T>;
}

/** Compiled paths whose value is their source text: what `redactJson` takes. */
export type CompiledPaths = PathSet<string>;

const NONE: readonly never[] = Object.freeze([]);

/** The state below which nothing can match. */
export const NO_MATCH: MatchState<never> = Object.freeze({ active: NONE, hits: NONE });

/** Builds a set from already parsed patterns and their values. */
export function createPathSet<T>(entries: readonly (readonly [JsonPathPattern, T])[]): PathSet<T> {
  const patterns = Object.freeze(entries.map(([pattern]) => pattern));
  const values = Object.freeze(entries.map(([, value]) => value));
  const active: number[] = [];
  const hits: T[] = [];
  patterns.forEach((pattern, index) => {
    if (pattern.segments.length === 0) hits.push(values[index]!);
    else active.push(index * MAX_PATH_SEGMENTS);
  });
  const root = active.length === 0 && hits.length === 0 ? NO_MATCH : makeState(patterns, active, hits);
  return Object.freeze({ patterns, values, root });
}

/**
 * Parses path texts into a set whose values are the texts.
 * @throws {@link JsonPathError} on the first invalid path (validate with `validateJsonPath` first to
 * report them all).
 */
export function compilePaths(sources: readonly string[]): CompiledPaths {
  return createPathSet(sources.map((source) => [compileJsonPath(source), source] as const));
}

/** The state one level down, at member or element `key`. */
export function stepPathSet<T>(set: PathSet<T>, state: MatchState<T>, key: PathKey): MatchState<T> {
  const moves = state.moves;
  if (moves === undefined) return NO_MATCH;
  if (!moves.named.has(key)) {
    if (typeof key === 'number') return (moves.otherIndex ??= computeStep(set, state, key));
    return (moves.otherKey ??= computeStep(set, state, key));
  }
  let next = moves.named.get(key);
  if (next === undefined) {
    next = computeStep(set, state, key);
    moves.named.set(key, next);
  }
  return next;
}

function computeStep<T>(set: PathSet<T>, state: MatchState<T>, key: PathKey): MatchState<T> {
  let active: number[] | undefined;
  let hits: T[] | undefined;
  for (const item of state.active) {
    const patternIndex = (item / MAX_PATH_SEGMENTS) | 0;
    const position = item % MAX_PATH_SEGMENTS;
    const segments = set.patterns[patternIndex]!.segments;
    const segment = segments[position]!;
    let advance: boolean;
    if (segment.type === 'descendant') {
      // `..key` may still match deeper, whatever this key is.
      active = addItem(active, item);
      advance = key === segment.key;
    } else {
      advance =
        segment.type === 'any' || (segment.type === 'key' ? key === segment.key : key === segment.index);
    }
    if (!advance) continue;
    if (position + 1 === segments.length) (hits ??= []).push(set.values[patternIndex]!);
    else active = addItem(active, item + 1);
  }
  if (active === undefined && hits === undefined) return NO_MATCH;
  return makeState(set.patterns, active ?? NONE, hits ?? NONE);
}

/** Whether the state matches the location exactly (some pattern ends here). */
export function isMatch<T>(state: MatchState<T>): boolean {
  return state.hits.length > 0;
}

function addItem(active: number[] | undefined, item: number): number[] {
  if (active === undefined) return [item];
  if (!active.includes(item)) active.push(item);
  return active;
}

function makeState<T>(
  patterns: readonly JsonPathPattern[],
  active: readonly number[],
  hits: readonly T[],
): MatchState<T> {
  if (active.length === 0) return { active, hits };
  const named = new Map<PathKey, MatchState<T> | undefined>();
  for (const item of active) {
    const segment = patterns[(item / MAX_PATH_SEGMENTS) | 0]!.segments[item % MAX_PATH_SEGMENTS]!;
    if (segment.type === 'key' || segment.type === 'descendant') named.set(segment.key, undefined);
    else if (segment.type === 'index') named.set(segment.index, undefined);
  }
  return { active, hits, moves: { named } };
}
