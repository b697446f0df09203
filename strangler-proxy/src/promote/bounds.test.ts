import { describe, expect, it } from 'vitest';
import {
  SAMPLE_RATIO_CRITICAL,
  clopperPearsonUpper,
  differenceUpper,
  medianUpperRank,
  fewestClean,
  sampleRatio,
  totalNeeded,
  upperBound,
  wilsonBound,
} from './bounds.ts';

// Reference values: the beta quantile Beta⁻¹(0.95; x + 1, n − x) (scipy.stats.beta.ppf), which is the
// one-sided 95% Clopper–Pearson bound, and the published examples of Newcombe (1998).
describe('confidence bounds of a rate', () => {
  it('gives the exact Clopper–Pearson bound at small counts', () => {
    expect(clopperPearsonUpper(1, 10)).toBeCloseTo(0.394163, 5);
    expect(clopperPearsonUpper(5, 20)).toBeCloseTo(0.455582, 5);
    expect(clopperPearsonUpper(1, 100)).toBeCloseTo(0.04656, 5);
    expect(clopperPearsonUpper(3, 1000)).toBeCloseTo(0.0077352, 6);
    expect(clopperPearsonUpper(10, 10)).toBe(1);
  });

  it('follows the rule of three with no failure: 1 − α^(1/n), about 3/n', () => {
    expect(clopperPearsonUpper(0, 100)).toBeCloseTo(0.029513, 6);
    expect(upperBound(0, 100)).toMatchObject({ rate: 0, method: 'clopper-pearson' });
    expect(upperBound(0, 3000).upper * 3000).toBeCloseTo(3, 1);
  });

  it('gives the Wilson score interval of Newcombe’s example (81 of 263: 0.2553 to 0.3662 at 95%)', () => {
    expect(wilsonBound(81, 263, 1.959964)).toBeCloseTo(0.36621, 4);
    expect(wilsonBound(81, 263, -1.959964)).toBeCloseTo(0.25529, 4);
  });

  it('uses Wilson once failures are many, close to the exact bound there', () => {
    const bound = upperBound(150, 1000);
    expect(bound.method).toBe('wilson');
    expect(bound.upper).toBeCloseTo(0.16952, 4);
    // The exact figure is 0.16984.
    expect(Math.abs(bound.upper - 0.16984)).toBeLessThan(0.001);
  });

  it('holds 1 in 100 far above a limit of 1%, and nothing measured as no evidence at all', () => {
    expect(upperBound(1, 100).upper).toBeGreaterThan(0.01);
    expect(upperBound(0, 0)).toEqual({ failures: 0, total: 0, rate: null, upper: 1, method: 'none' });
  });
});

describe('how many pairs a limit needs', () => {
  it('needs ln α / ln(1 − limit) clean pairs: 299 for 1%, 2,995 for 0.1%', () => {
    expect(fewestClean(0.01)).toBe(299);
    expect(fewestClean(0.001)).toBe(2995);
    expect(upperBound(0, 299).upper).toBeLessThanOrEqual(0.01);
    expect(upperBound(0, 298).upper).toBeGreaterThan(0.01);
  });

  it('says how many in all at the rate seen so far, or never when the rate is at the limit', () => {
    expect(totalNeeded(0, 100, 0.01)).toBe(299);
    expect(totalNeeded(0, 0, 0.01)).toBe(299);
    expect(totalNeeded(1, 100, 0.01)).toBeNull();
    const needed = totalNeeded(1, 1000, 0.01);
    expect(needed).not.toBeNull();
    expect(upperBound(Math.round((needed! * 1) / 1000), needed!).upper).toBeLessThanOrEqual(0.01);
    expect(totalNeeded(0, 5000, 0.01)).toBe(5000);
  });
});

describe('a rate against a baseline', () => {
  it('gives Newcombe’s hybrid score bound (56/70 − 48/80: upper 0.3339 at two-sided 95%)', () => {
    expect(differenceUpper(56, 70, 48, 80, 1.959964)).toBeCloseTo(0.33387, 4);
  });

  it('lets a service as noisy as the monolith itself stay under a small margin once counts are large', () => {
    expect(differenceUpper(100, 10_000, 100, 10_000)).toBeLessThan(0.005);
    expect(differenceUpper(20, 1000, 10, 1000)).toBeCloseTo(0.019564, 5);
  });
});

describe('the canary split', () => {
  it('flags a split far from its setting (χ²₁ above 10.83, p < 0.001) and not one within chance', () => {
    expect(SAMPLE_RATIO_CRITICAL).toBeCloseTo(10.8276, 3);
    expect(sampleRatio(130, 1000, 0.1)).toMatchObject({ chiSquare: 10, mismatch: false });
    const skewed = sampleRatio(140, 1000, 0.1);
    expect(skewed.chiSquare).toBeCloseTo(17.78, 2);
    expect(skewed.mismatch).toBe(true);
    expect(sampleRatio(0, 0, 0.1).mismatch).toBe(false);
  });
});

describe('medianUpperRank (sign test)', () => {
  it('matches the binomial tables', () => {
    // n = 5: P(B ≤ 4) = 31/32 ≥ 0.95, P(B ≤ 3) = 26/32 < 0.95.
    expect(medianUpperRank(5)).toBe(5);
    // n = 10: P(B ≤ 7) = 0.9453, P(B ≤ 8) = 0.9893.
    expect(medianUpperRank(10)).toBe(9);
    // n = 20: P(B ≤ 13) = 0.9423, P(B ≤ 14) = 0.9793.
    expect(medianUpperRank(20)).toBe(15);
    // n = 100: P(B ≤ 57) = 0.9334, P(B ≤ 58) = 0.9557.
    expect(medianUpperRank(100)).toBe(59);
  });

  it('has no bound under five values', () => {
    expect(medianUpperRank(4)).toBeNull();
    expect(medianUpperRank(0)).toBeNull();
  });

  it('approximates closely beyond the exact range', () => {
    const n = 200_000;
    expect(medianUpperRank(n)! - n / 2).toBeGreaterThan(360);
    expect(medianUpperRank(n)! - n / 2).toBeLessThan(370);
  });
});
