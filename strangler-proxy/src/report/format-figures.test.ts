import { describe, expect, it } from 'vitest';
import { formatPercentiles } from './format-figures.ts';

describe('formatPercentiles', () => {
  it('prints figures of the 1% bins as they are', () => {
    expect(formatPercentiles({ p50: 2.38, p95: 4.76, relativeError: 0.01 })).toBe('2.4 ms / 4.8 ms');
  });

  it('says when rows from before the 1% bins make a figure coarser', () => {
    expect(formatPercentiles({ p50: 2.4, p95: 4.8, relativeError: 0.159 })).toBe(
      '2.4 ms / 4.8 ms (±16%: older coarse bins)',
    );
  });

  it('prints a dash without data', () => {
    expect(formatPercentiles({ p50: null, p95: null, relativeError: null })).toBe('—');
  });
});
