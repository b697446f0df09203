/**
 * Gathers the differences of one comparison into a verdict, keeping memory bounded whatever the bodies:
 * at most `maxDifferences` listed per list (the rest counted), at most {@link MAX_SHAPES} distinct shapes
 * kept for the signature. One collector per comparison, owned by it and dropped with it.
 */
import { hash } from 'node:crypto';
import { isNoisy } from './noise-model.ts';
import type { NoiseModel } from './noise-model.ts';
import type { BodyMode, DiffKind, Difference, Verdict } from './verdict.ts';

/** Distinct (kind, folded path) shapes that feed a signature; a body that differs everywhere stops here. */
export const MAX_SHAPES = 1_000;

const NONE: readonly Difference[] = Object.freeze([]);

export class DifferenceCollector {
  readonly #max: number;
  readonly #noise: NoiseModel | undefined;
  readonly #counted: Difference[] = [];
  readonly #noisy: Difference[] = [];
  readonly #shapes = new Set<string>();
  #countedTotal = 0;
  #noisyTotal = 0;

  constructor(maxDifferences: number, noise: NoiseModel | undefined) {
    this.#max = maxDifferences;
    this.#noise = noise;
  }

  /**
   * Records one difference at the folded path `folded`. `describe` builds the listed entry, and is only
   * called when there is room for it (previews cost more than counting). Returns whether it counts.
   */
  add(kind: DiffKind, folded: string, describe: () => Difference): boolean {
    if (this.#noise !== undefined && isNoisy(this.#noise, kind, folded)) {
      if (this.#noisyTotal++ < this.#max) this.#noisy.push(Object.freeze(describe()));
      return false;
    }
    if (this.#countedTotal++ < this.#max) this.#counted.push(Object.freeze(describe()));
    if (this.#shapes.size < MAX_SHAPES) this.#shapes.add(`${kind} ${folded}`);
    return true;
  }

  get countedTotal(): number {
    return this.#countedTotal;
  }

  /** The frozen verdict for what was recorded. */
  toVerdict(bodyMode: BodyMode): Verdict {
    if (this.#countedTotal === 0 && this.#noisyTotal === 0) return plainMatch(bodyMode);
    const counted = this.#countedTotal > 0;
    return Object.freeze({
      outcome: counted ? 'mismatch' : 'match',
      differences: this.#counted.length === 0 ? NONE : Object.freeze(this.#counted),
      noisy: this.#noisy.length === 0 ? NONE : Object.freeze(this.#noisy),
      signature: counted ? signatureOf(this.#shapes) : '',
      bodyMode,
      omitted: this.#countedTotal - this.#counted.length,
      noisyOmitted: this.#noisyTotal - this.#noisy.length,
    });
  }
}

const PLAIN_MATCHES: Readonly<Record<BodyMode, Verdict>> = Object.freeze({
  json: matchOf('json'),
  text: matchOf('text'),
  bytes: matchOf('bytes'),
  truncated: matchOf('truncated'),
  empty: matchOf('empty'),
});

function matchOf(bodyMode: BodyMode): Verdict {
  return Object.freeze({
    outcome: 'match',
    differences: NONE,
    noisy: NONE,
    signature: '',
    bodyMode,
    omitted: 0,
    noisyOmitted: 0,
  });
}

/**
 * The verdict of a pair with no difference at all, counted or noisy: one shared frozen object per body
 * mode, so that most comparisons allocate no verdict, and the shadow worker can send a match back as its
 * body mode alone.
 */
export function plainMatch(bodyMode: BodyMode): Verdict {
  return PLAIN_MATCHES[bodyMode];
}

/** Whether a verdict is one of {@link plainMatch}'s: says nothing beyond "match" and its body mode. */
export function isPlainMatch(verdict: Verdict): verdict is Verdict & { readonly bodyMode: BodyMode } {
  return verdict.bodyMode !== undefined && verdict === PLAIN_MATCHES[verdict.bodyMode];
}

/**
 * Stable short id of a set of `kind folded-path` shapes: the same shapes in any order give the same id.
 * 16 hex digits (64 bits) keep collisions out of reach for the number of shapes a route can produce.
 */
export function signatureOf(shapes: Iterable<string>): string {
  return hash('sha256', [...shapes].sort().join('\n'), 'hex').slice(0, 16);
}
