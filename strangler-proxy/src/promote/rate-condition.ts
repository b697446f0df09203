/**
 * A rate judged on its confidence bound, in three states. Pure.
 *
 * - `pass`: the one-sided 95% upper bound is at or under the limit: the true rate is under it with 95%
 *   confidence.
 * - `fail`: the one-sided 95% lower bound is over the limit: the true rate is over it with 95% confidence.
 * - `hold`: neither yet: more observations decide. How many follows from the bound at the rate seen so far
 *   ({@link totalNeeded}); none will do when that rate is at or above the limit.
 *
 * The formulas are in `docs/gate-statistics.md`.
 */
import {
  differenceLower,
  differenceUpper,
  fewestClean,
  totalNeeded,
  upperBound,
  wilsonBound,
  type RateBound,
} from './bounds.ts';

export type ConditionState = 'pass' | 'hold' | 'fail';

/** The one-sided 95% normal quantile, for the lower bound (the same confidence as the upper one). */
const Z = 1.6448536269514722;

/** The bound a rate was judged on. */
export interface JudgedBound {
  readonly upper: number;
  readonly lower: number;
  /**
   * How the bounds were computed: exact at small counts, Wilson above; Newcombe's for the excess of a
   * rate over a baseline (then `upper` and `lower` bound that excess).
   */
  readonly method: RateBound['method'] | 'newcombe';
}

export interface RateJudgement {
  readonly state: ConditionState;
  /** failures / total; null when nothing was observed. */
  readonly rate: number | null;
  readonly bound: JudgedBound;
  /** More observations needed to pass at the rate seen so far; null when none will do (or not holding). */
  readonly more: number | null;
}

export function judgeRate(failures: number, total: number, limit: number): RateJudgement {
  const bound = upperBound(failures, total);
  const lower = total > 0 ? wilsonBound(bound.failures, total, -Z) : 0;
  const judged = { upper: bound.upper, lower, method: bound.method };
  if (total > 0 && bound.upper <= limit) return { state: 'pass', rate: bound.rate, bound: judged, more: 0 };
  if (total > 0 && lower > limit) return { state: 'fail', rate: bound.rate, bound: judged, more: null };
  const needed = total > 0 ? totalNeeded(bound.failures, total, limit) : fewestClean(limit);
  const more = needed === null || !Number.isFinite(needed) ? null : Math.max(1, needed - total);
  return { state: 'hold', rate: bound.rate, bound: judged, more };
}

/**
 * A rate judged against a baseline rate instead of zero (the service's mismatches against the monolith's
 * disagreement with itself): on Newcombe's bounds of the excess, rate − baseline. It passes when the upper
 * bound of the excess is within the limit, fails when its lower bound is above it, and holds in between;
 * how many more observations that takes is not estimated (`more` is null).
 */
export function judgeRateOverBaseline(
  failures: number,
  total: number,
  baselineFailures: number,
  baselineTotal: number,
  limit: number,
): RateJudgement {
  const rate = total > 0 ? failures / total : null;
  const upper = differenceUpper(failures, total, baselineFailures, baselineTotal);
  const lower = differenceLower(failures, total, baselineFailures, baselineTotal);
  const bound: JudgedBound = { upper, lower, method: 'newcombe' };
  if (total > 0 && upper <= limit) return { state: 'pass', rate, bound, more: 0 };
  if (total > 0 && lower > limit) return { state: 'fail', rate, bound, more: null };
  return { state: 'hold', rate, bound, more: null };
}

/** `Clopper–Pearson`, `Wilson` or `Newcombe`: the rule that gave a bound. */
export function describeMethod(method: JudgedBound['method']): string {
  switch (method) {
    case 'clopper-pearson':
      return 'Clopper–Pearson';
    case 'wilson':
      return 'Wilson';
    case 'newcombe':
      return 'Newcombe';
    case 'none':
      return 'none';
  }
}
