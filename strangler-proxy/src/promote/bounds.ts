/**
 * Confidence bounds for the gate's rates, and the sample-ratio check of a canary split. Pure.
 *
 * A rate measured on n pairs is uncertain: 0 mismatches in 100 pairs is consistent with a true rate of
 * almost 3%. The gate therefore judges a rate by its one-sided 95% upper bound, never by the point
 * estimate, and says how many pairs it still needs. `docs/gate-statistics.md` gives the formulas.
 *
 * - Few failures (x ≤ {@link EXACT_UP_TO}): the exact Clopper–Pearson bound, the p at which seeing x or
 *   fewer failures in n has probability α. With x = 0 it is 1 − α^(1/n) (the "rule of three": ≈ 3/n).
 * - More: the Wilson score bound, which is close to exact there and costs nothing to compute.
 */

/** One-sided confidence of every bound here. */
export const CONFIDENCE = 0.95;
const ALPHA = 1 - CONFIDENCE;
/** The standard normal quantile at {@link CONFIDENCE} (one-sided 95%). */
const Z = 1.6448536269514722;
/** Failures up to which the exact bound is computed (its cost grows with x). */
export const EXACT_UP_TO = 100;

export interface RateBound {
  /** Failures. */
  readonly failures: number;
  /** Observations. */
  readonly total: number;
  /** failures / total; null when nothing was observed. */
  readonly rate: number | null;
  /** The one-sided 95% upper bound of the true rate; 1 when nothing was observed. */
  readonly upper: number;
  readonly method: 'clopper-pearson' | 'wilson' | 'none';
}

/** The one-sided 95% upper bound of a rate of `failures` in `total`. */
export function upperBound(failures: number, total: number): RateBound {
  if (!(total > 0)) return { failures, total, rate: null, upper: 1, method: 'none' };
  const x = Math.min(Math.max(0, Math.round(failures)), total);
  const rate = x / total;
  return x <= EXACT_UP_TO
    ? { failures: x, total, rate, upper: clopperPearsonUpper(x, total), method: 'clopper-pearson' }
    : { failures: x, total, rate, upper: wilsonBound(x, total), method: 'wilson' };
}

/**
 * A Wilson score bound: the upper one for z > 0, the lower one for z < 0. The default z gives the
 * one-sided {@link CONFIDENCE} bound; ±1.96 the ends of a two-sided 95% interval.
 */
export function wilsonBound(failures: number, total: number, z = Z): number {
  if (!(total > 0)) return z > 0 ? 1 : 0;
  const p = failures / total;
  const z2 = z * z;
  const centre = p + z2 / (2 * total);
  const spread = z * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total));
  return Math.min(1, Math.max(0, (centre + spread) / (1 + z2 / total)));
}

/**
 * The exact (Clopper–Pearson) upper bound: the p with P(X ≤ x | n, p) = α, found by bisection on the
 * binomial distribution function (which falls as p grows).
 */
export function clopperPearsonUpper(failures: number, total: number): number {
  if (failures >= total) return 1;
  if (failures === 0) return 1 - ALPHA ** (1 / total);
  let low = failures / total;
  let high = 1;
  for (let i = 0; i < 80 && high - low > 1e-12; i += 1) {
    const middle = (low + high) / 2;
    if (binomialAtMost(failures, total, middle) > ALPHA) low = middle;
    else high = middle;
  }
  return high;
}

/** P(X ≤ x) for X ~ Binomial(n, p), summed in log space so large n does not underflow. */
function binomialAtMost(x: number, n: number, p: number): number {
  if (p <= 0) return 1;
  if (p >= 1) return x >= n ? 1 : 0;
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  // log of C(n, k) p^k q^(n-k), from k = 0 upward.
  let term = n * logQ;
  let sum = Math.exp(term);
  for (let k = 1; k <= x; k += 1) {
    term += Math.log((n - k + 1) / k) + logP - logQ;
    sum += Math.exp(term);
  }
  return Math.min(1, sum);
}

/**
 * The fewest observations with no failure at all whose upper bound is at most `maxRate`:
 * n ≥ ln α / ln(1 − maxRate) (1% → 299, 0.1% → 2,995).
 */
export function fewestClean(maxRate: number): number {
  if (!(maxRate > 0)) return Number.POSITIVE_INFINITY;
  if (maxRate >= 1) return 1;
  return Math.ceil(Math.log(ALPHA) / Math.log1p(-maxRate));
}

/**
 * How many observations in all the bound needs to fall to `maxRate` if failures go on at the rate seen
 * so far (at least {@link fewestClean}); null when it never will (the rate seen is at or above the limit).
 */
export function totalNeeded(failures: number, total: number, maxRate: number): number | null {
  const rate = total > 0 ? failures / total : 0;
  if (rate >= maxRate) return null;
  const holds = (n: number) => upperBound(Math.round(rate * n), n).upper <= maxRate;
  if (total > 0 && holds(total)) return total;
  // Doubling finds a count that holds (the bound approaches the rate, which is below the limit), then
  // bisection the first one.
  let low = Math.max(total, 1);
  let high = low * 2;
  while (!holds(high)) {
    low = high;
    high *= 2;
  }
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (holds(middle)) high = middle;
    else low = middle;
  }
  return high;
}

/**
 * Newcombe's hybrid score bound on the difference of two rates, p₁ − p₀ (one-sided upper, at
 * {@link CONFIDENCE}): the service's mismatch rate against the monolith's own noise rate.
 */
export function differenceUpper(
  failures: number,
  total: number,
  baselineFailures: number,
  baselineTotal: number,
  z = Z,
): number {
  const p1 = total > 0 ? failures / total : 0;
  const p0 = baselineTotal > 0 ? baselineFailures / baselineTotal : 0;
  const u1 = wilsonBound(failures, total, z);
  const l0 = wilsonBound(baselineFailures, baselineTotal, -z);
  return Math.min(1, p1 - p0 + Math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2));
}

/** The lower counterpart of {@link differenceUpper}: p₁ − p₀ − √((p₁ − l₁)² + (u₀ − p₀)²). */
export function differenceLower(
  failures: number,
  total: number,
  baselineFailures: number,
  baselineTotal: number,
  z = Z,
): number {
  const p1 = total > 0 ? failures / total : 0;
  const p0 = baselineTotal > 0 ? baselineFailures / baselineTotal : 0;
  const l1 = wilsonBound(failures, total, -z);
  const u0 = wilsonBound(baselineFailures, baselineTotal, z);
  return Math.max(-1, p1 - p0 - Math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2));
}

/** χ²₁ above which a split is flagged: p < 0.001. */
export const SAMPLE_RATIO_CRITICAL = 10.828;

export interface SampleRatioCheck {
  /** Requests the service served, and all requests of the route at the step. */
  readonly service: number;
  readonly total: number;
  /** The share the service should have served (0..1). */
  readonly expectedShare: number;
  readonly observedShare: number | null;
  readonly chiSquare: number;
  /** The split is far from its setting (p < 0.001): the canary's evidence is not what it seems. */
  readonly mismatch: boolean;
}

/** Pearson's χ² test (one degree of freedom) of the observed canary split against its setting. */
export function sampleRatio(service: number, total: number, expectedShare: number): SampleRatioCheck {
  const observedShare = total > 0 ? service / total : null;
  if (!(total > 0) || expectedShare <= 0 || expectedShare >= 1) {
    return { service, total, expectedShare, observedShare, chiSquare: 0, mismatch: false };
  }
  const expectedService = total * expectedShare;
  const expectedLegacy = total - expectedService;
  const legacy = total - service;
  const chiSquare =
    (service - expectedService) ** 2 / expectedService + (legacy - expectedLegacy) ** 2 / expectedLegacy;
  return {
    service,
    total,
    expectedShare,
    observedShare,
    chiSquare,
    mismatch: chiSquare > SAMPLE_RATIO_CRITICAL,
  };
}

/** Pairs above which the sign test's binomial is replaced by its normal approximation (exact enough). */
const SIGN_TEST_EXACT_UP_TO = 100_000;

/**
 * The sign test's one-sided 95% upper confidence bound on a median, as a rank: the bound is the u-th
 * smallest of n values, u the least with P(B ≤ u − 1) ≥ 95% for B ~ Binomial(n, ½) (the chance that
 * fewer than u values lie under the true median). Exact and distribution-free; `null` when n is too
 * small for any bound (n < 5: even the largest value is under the median with probability ≥ 5%).
 */
export function medianUpperRank(n: number): number | null {
  if (!(n >= 1)) return null;
  if (n > SIGN_TEST_EXACT_UP_TO) {
    const rank = Math.ceil(n / 2 + 0.5 + (Z * Math.sqrt(n)) / 2);
    return Math.min(rank, n);
  }
  let logPmf = -n * Math.LN2; // P(B = 0)
  let cumulative = 0;
  for (let k = 0; k < n; k++) {
    cumulative += Math.exp(logPmf);
    if (cumulative >= CONFIDENCE) return k + 1;
    logPmf += Math.log(n - k) - Math.log(k + 1);
  }
  return null;
}
