/**
 * Noise learned without a third deployment (Diffy's idea, done cheaply): for a small sample of safe
 * requests the runtime asks legacy twice and compares the two answers with the route's rules. Whatever
 * differs between two answers of the same code (timestamps, request ids, random tokens) is noise, and later
 * differences of the same class at the same folded path go to `verdict.noisy` instead of counting.
 *
 * Noise is kept per (folded path, class), not per path alone: a timestamp that changes on every call must
 * not hide the service dropping the field or turning it into an object. Classes group the kinds that a
 * single nondeterministic field produces either way round: `missing`/`extra` (a field legacy sometimes
 * omits), `value`/`type` (a field sometimes null).
 *
 * Ownership: a model is an immutable value. {@link learnNoise} returns a new model when it learned
 * something and the same object otherwise, so the runtime keeps one reference per route and swaps it
 * (`noise = learnNoise(noise, verdict)`); comparisons in flight keep the snapshot they were given.
 */
import { foldPath } from './json-path.ts';
import type { DiffKind, Verdict } from './verdict.ts';

/** What kinds of difference a noisy field produces, whichever legacy answer came first. */
export type NoiseClass = 'content' | 'presence' | 'length' | 'order' | 'header';

/** One learned entry, for reporting and for persisting a model across restarts. */
export interface NoiseEntry {
  /** Folded path (`$.items[*].updated_at`, `header:x-request-id`). */
  readonly path: string;
  readonly classes: readonly NoiseClass[];
}

export interface NoiseModel {
  /** Noise keys `class path`; never mutated (learning builds a new set). */
  readonly keys: ReadonlySet<string>;
  /** Distinct folded paths held, at most `maxPaths`. */
  readonly paths: ReadonlySet<string>;
  readonly maxPaths: number;
  /** Noisy paths seen but not kept because the model was full. */
  readonly overflow: number;
}

/**
 * The class of a difference kind for noise, or `undefined` for kinds never learned: a differing status
 * means the two legacy answers are not comparable at all, and a noisy `text`/`bytes` body would silence
 * the whole body of the route.
 */
export function noiseClassOf(kind: DiffKind): NoiseClass | undefined {
  switch (kind) {
    case 'value':
    case 'type':
      return 'content';
    case 'missing':
    case 'extra':
      return 'presence';
    case 'length':
    case 'order':
    case 'header':
      return kind;
    case 'status':
    case 'text':
    case 'bytes':
      return undefined;
  }
}

/** Default bound of learned paths per route: more means the route's answers are not deterministic data. */
export const DEFAULT_MAX_NOISE_PATHS = 100;

/** An empty model, or one restored from entries saved earlier (kept up to `maxPaths`). */
export function createNoiseModel(
  options: { maxPaths?: number; entries?: readonly NoiseEntry[] } = {},
): NoiseModel {
  const maxPaths = options.maxPaths ?? DEFAULT_MAX_NOISE_PATHS;
  const keys = new Set<string>();
  const paths = new Set<string>();
  let overflow = 0;
  for (const { path, classes } of options.entries ?? []) {
    if (!paths.has(path) && paths.size >= maxPaths) {
      overflow++;
      continue;
    }
    paths.add(path);
    for (const noiseClass of classes) keys.add(noiseKey(noiseClass, path));
  }
  return Object.freeze({ keys, paths, maxPaths, overflow });
}

/**
 * Learns from a comparison of two legacy answers to the same request. Returns `model` itself when there
 * was nothing new (so the caller knows not to persist), a new model otherwise. Skips error verdicts and
 * verdicts whose statuses differ (one answer was probably a failure, not a sample of noise). Only listed
 * differences are learned: a legacy pair differing in more places than the cap is suspect anyway.
 */
export function learnNoise(model: NoiseModel, verdict: Verdict): NoiseModel {
  if (verdict.outcome === 'error') return model;
  const all = [...verdict.differences, ...verdict.noisy];
  if (all.some((difference) => difference.kind === 'status')) return model;
  let keys: Set<string> | undefined;
  let paths: Set<string> | undefined;
  let overflow = model.overflow;
  for (const difference of all) {
    const noiseClass = noiseClassOf(difference.kind);
    if (noiseClass === undefined) continue;
    const path = foldPath(difference.path);
    const key = noiseKey(noiseClass, path);
    if ((keys ?? model.keys).has(key)) continue;
    const known = (paths ?? model.paths).has(path);
    if (!known && (paths ?? model.paths).size >= model.maxPaths) {
      overflow++;
      continue;
    }
    keys ??= new Set(model.keys);
    paths ??= new Set(model.paths);
    keys.add(key);
    paths.add(path);
  }
  if (keys === undefined || paths === undefined) {
    return overflow === model.overflow ? model : Object.freeze({ ...model, overflow });
  }
  return Object.freeze({ keys, paths, maxPaths: model.maxPaths, overflow });
}

/**
 * A model that knows what either model knows: a route's own noise with the header noise its upstream
 * showed on other routes. Returns `own` itself when `shared` adds nothing.
 */
export function combineNoise(own: NoiseModel, shared: NoiseModel): NoiseModel {
  let keys: Set<string> | undefined;
  let paths: Set<string> | undefined;
  for (const key of shared.keys) {
    if (own.keys.has(key)) continue;
    keys ??= new Set(own.keys);
    paths ??= new Set(own.paths);
    keys.add(key);
    paths.add(key.slice(key.indexOf(' ') + 1));
  }
  if (keys === undefined || paths === undefined) return own;
  return Object.freeze({ keys, paths, maxPaths: own.maxPaths, overflow: own.overflow });
}

/**
 * The header differences of a verdict alone: what an upstream's noise is shared by. A status
 * difference stays, so that {@link learnNoise} still refuses a pair whose answers were not alike.
 */
export function headerPart(verdict: Verdict): Verdict {
  const isHeader = (difference: { readonly kind: DiffKind }) =>
    difference.kind === 'header' || difference.kind === 'status';
  return Object.freeze({
    ...verdict,
    differences: verdict.differences.filter(isHeader),
    noisy: verdict.noisy.filter(isHeader),
  });
}

/** Whether a difference of `kind` at the folded `path` is known noise. */
export function isNoisy(model: NoiseModel, kind: DiffKind, path: string): boolean {
  const noiseClass = noiseClassOf(kind);
  return noiseClass !== undefined && model.keys.has(noiseKey(noiseClass, path));
}

/** The folded paths learned to be noisy, sorted: what the recorder's `recordNoise` takes. */
export function noisyPaths(model: NoiseModel): readonly string[] {
  return Object.freeze([...model.paths].sort());
}

/**
 * Paths in `after` that `before` did not have, sorted: what to pass to `recordNoise` after a
 * {@link learnNoise} that returned a new model.
 */
export function newNoisyPaths(before: NoiseModel, after: NoiseModel): readonly string[] {
  if (before === after) return Object.freeze([]);
  return Object.freeze([...after.paths].filter((path) => !before.paths.has(path)).sort());
}

/** The learned entries, sorted by path: enough to restore the model with {@link createNoiseModel}. */
export function noisyEntries(model: NoiseModel): readonly NoiseEntry[] {
  const classes = new Map<string, NoiseClass[]>();
  for (const key of model.keys) {
    const space = key.indexOf(' ');
    const path = key.slice(space + 1);
    const list = classes.get(path) ?? [];
    list.push(key.slice(0, space) as NoiseClass);
    classes.set(path, list);
  }
  return Object.freeze(
    [...classes.keys()]
      .sort()
      .map((path) => Object.freeze({ path, classes: Object.freeze(classes.get(path)!.sort()) })),
  );
}

function noiseKey(noiseClass: NoiseClass, path: string): string {
  return `${noiseClass} ${path}`;
}
