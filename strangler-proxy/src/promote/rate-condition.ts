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
import { fewestClean, totalNeeded, upperBound, wilsonBound, type RateBound } from './bounds.ts';

export type ConditionState = 'pass' | 'hold' | 'fail';

/** The one-sided 95% normal quantile, for the lower bound (the same confidence as the upper one). */
const Z = 1.6448536269514722;

/** The bound a rate was judged on. */
export interface JudgedBound {
  readonly upper: number;
  readonly lower: number;
  /** How the upper bound was computed: exact at small counts, Wilson above. */
  readonly method: RateBound['method'];
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

/** `Clopper–Pearson` or `Wilson`: the rule that gave an upper bound. */
export function describeMethod(method: RateBound['method']): string {
  return method === 'clopper-pearson' ? 'Clopper–Pearson' : method === 'wilson' ? 'Wilson' : 'none';
}
