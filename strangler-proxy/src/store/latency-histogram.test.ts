import { describe, expect, it } from 'vitest';
import {
  binValueMs,
  differenceBin,
  differenceValueMs,
  HIGHEST_BIN,
  latencyBin,
  LOWEST_BIN,
  orderStatistic,
  quantileOf,
  RELATIVE_ERROR,
  type HistogramBin,
} from './latency-histogram.ts';

/** Latencies from 10 µs to 10 minutes, 40 per decade, plus the awkward ones. */
const LATENCIES = [
  ...Array.from({ length: 320 }, (_, i) => 0.01 * 10 ** (i / 40)),
  1,
  2,
  2.38,
  4.76,
  1000,
  60_000,
];

describe('latency bins', () => {
  it('read every latency back within 1% (the bound asked for is 2%)', () => {
    for (const ms of LATENCIES) {
      const read = binValueMs(latencyBin(ms));
      expect(Math.abs(read - ms) / ms).toBeLessThanOrEqual(RELATIVE_ERROR.relative_1pct + 1e-12);
    }
  });

  it('put nonsense (NaN, negative, zero) in the lowest bin and huge values in the highest', () => {
    for (const ms of [Number.NaN, -5, 0]) expect(latencyBin(ms)).toBe(LOWEST_BIN);
    expect(latencyBin(1e12)).toBe(HIGHEST_BIN);
  });

  it('read rows of the old scheme as their bin upper bound, as they always were', () => {
    expect(binValueMs(8, 'quarter_doubling')).toBe(4);
    expect(RELATIVE_ERROR.quarter_doubling).toBeGreaterThan(0.15);
  });

  it('keep the sign of paired differences and read them back within 1%', () => {
    expect(differenceBin(0)).toBe(0);
    expect(differenceBin(0.0005)).toBe(0);
    for (const ms of [0.02, 0.3, 2, 19.5, 250]) {
      expect(differenceBin(ms)).toBeGreaterThan(0);
      expect(differenceBin(-ms)).toBe(-differenceBin(ms));
      expect(Math.abs(differenceValueMs(differenceBin(ms)) - ms) / ms).toBeLessThanOrEqual(0.01 + 1e-12);
      expect(differenceValueMs(differenceBin(-ms))).toBe(-differenceValueMs(differenceBin(ms)));
    }
  });
});

describe('quantiles from bins', () => {
  const histogram = (values: readonly number[]): HistogramBin[] => {
    const counts = new Map<number, number>();
    for (const ms of values) counts.set(latencyBin(ms), (counts.get(latencyBin(ms)) ?? 0) + 1);
    return [...counts].map(([bin, count]) => ({ value: binValueMs(bin), count, scheme: 'relative_1pct' }));
  };
  const merge = (...parts: HistogramBin[][]): HistogramBin[] => parts.flat();

  it('give each order statistic within 1% of the exact one', () => {
    const values = Array.from({ length: 1000 }, (_, i) => 0.5 + ((i * 7919) % 1000) / 37);
    const sorted = [...values].sort((a, b) => a - b);
    const bins = histogram(values);
    for (const q of [0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 1]) {
      const exact = sorted[Math.ceil(q * sorted.length) - 1]!;
      const read = quantileOf(bins, q)!;
      expect(Math.abs(read.value - exact) / exact).toBeLessThanOrEqual(0.01 + 1e-12);
      expect(read.relativeError).toBe(0.01);
    }
  });

  it('merge as a union: the quantile of two histograms added is the quantile of all the values', () => {
    const a = Array.from({ length: 300 }, (_, i) => 1 + i / 100);
    const b = Array.from({ length: 500 }, (_, i) => 3 + i / 50);
    expect(quantileOf(merge(histogram(a), histogram(b)), 0.95)).toEqual(
      quantileOf(histogram([...a, ...b]), 0.95),
    );
  });

  it('say when a figure was read partly from old, coarser rows', () => {
    const bins: HistogramBin[] = [
      { value: 2, count: 3, scheme: 'relative_1pct' },
      { value: binValueMs(9, 'quarter_doubling'), count: 1, scheme: 'quarter_doubling' },
    ];
    expect(quantileOf(bins, 0.5)).toEqual({ value: 2, relativeError: RELATIVE_ERROR.quarter_doubling });
  });

  it('have no value outside the ranks counted, and none for an empty histogram', () => {
    expect(quantileOf([], 0.5)).toBeNull();
    expect(orderStatistic(histogram([1, 2]), 3)).toBeNull();
  });
});
