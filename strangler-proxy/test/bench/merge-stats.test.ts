/** The figures of a setup's several processes, added into one. */
import { describe, expect, it } from 'vitest';
import { mergeStats } from '../../bench/lib/bench.ts';

describe('mergeStats', () => {
  it('adds counts and counts by key, keeps what only one side has, and leaves out what neither has', () => {
    expect(
      mergeStats(
        {
          outcomes: { match: 3, mismatch: 1 },
          requestsCounted: 10,
          flushes: 2,
          skipped: { over_capacity: 4 },
        },
        { outcomes: { match: 5, error: 2 }, requestsCounted: 7, breakerOpens: { catalog: 1 } },
      ),
    ).toEqual({
      outcomes: { match: 8, mismatch: 1, error: 2 },
      skipped: { over_capacity: 4 },
      breakerOpens: { catalog: 1 },
      requestsCounted: 17,
      flushes: 2,
    });
  });
});
