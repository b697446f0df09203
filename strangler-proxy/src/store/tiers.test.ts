import { describe, expect, it } from 'vitest';
import { BUCKET_MS, HOUR_MS } from './result-store.ts';
import {
  DAY_MS,
  DAY_TIER,
  HOUR_TIER,
  MINUTE_TIER,
  TIERS,
  tierBucket,
  tierRanges,
  type Tier,
} from './tiers.ts';

const START = Date.UTC(2026, 10, 28, 0, 0, 0);

/** Three and a half days of minutes, each counting a different amount. */
const MINUTES = Array.from({ length: (3 * 24 + 12) * 60 }, (_, i) => ({
  bucket: START + i * BUCKET_MS,
  count: (i % 17) + 1,
}));

/** The minutes summed into each tier, as every write does. */
function tierRows(tier: Tier): Map<number, number> {
  const rows = new Map<number, number>();
  for (const { bucket, count } of MINUTES) {
    const at = tierBucket(bucket, tier);
    rows.set(at, (rows.get(at) ?? 0) + count);
  }
  return rows;
}
const ROWS = new Map(TIERS.map((tier) => [tier, tierRows(tier)]));

/** Per period of `step`, what the tier ranges sum. */
function summed(window: Parameters<typeof tierRanges>[0], step: number): Map<number, number> {
  const periods = new Map<number, number>();
  for (const range of tierRanges({ ...window, step })) {
    for (const [bucket, count] of ROWS.get(range.tier)!) {
      if (bucket < range.from || bucket >= range.to) continue;
      const at = bucket - (bucket % step);
      periods.set(at, (periods.get(at) ?? 0) + count);
    }
  }
  return periods;
}

function minuteSums(since: number, until: number, step: number): Map<number, number> {
  const periods = new Map<number, number>();
  for (const { bucket, count } of MINUTES) {
    if (bucket < since || bucket >= until) continue;
    const at = bucket - (bucket % step);
    periods.set(at, (periods.get(at) ?? 0) + count);
  }
  return periods;
}

describe('tierRanges', () => {
  it('sums exactly the minutes of any window, per period of any step', () => {
    const edges = [0, 1, 59, 60, 61, 23 * 60 + 59, 24 * 60, 24 * 60 + 7, 50 * 60 + 13, 84 * 60 - 1];
    const steps = [BUCKET_MS, 30 * BUCKET_MS, HOUR_MS, 12 * HOUR_MS, DAY_MS, 2 * DAY_MS, 10_080 * BUCKET_MS];
    for (const a of edges)
      for (const b of edges) {
        if (b <= a) continue;
        const since = START + a * BUCKET_MS;
        const until = START + b * BUCKET_MS;
        for (const step of steps)
          expect(summed({ since, until }, step)).toEqual(minuteSums(since, until, step));
      }
  });

  it('reads whole days from the day tier and only the edges finer', () => {
    const since = START + 90 * BUCKET_MS;
    const until = START + 3 * DAY_MS + 5 * HOUR_MS + 20 * BUCKET_MS;
    expect(tierRanges({ since, until })).toEqual([
      { tier: MINUTE_TIER, from: since, to: START + 2 * HOUR_MS },
      { tier: HOUR_TIER, from: START + 2 * HOUR_MS, to: START + DAY_MS },
      { tier: DAY_TIER, from: START + DAY_MS, to: START + 3 * DAY_MS },
      { tier: HOUR_TIER, from: START + 3 * DAY_MS, to: START + 3 * DAY_MS + 5 * HOUR_MS },
      { tier: MINUTE_TIER, from: START + 3 * DAY_MS + 5 * HOUR_MS, to: until },
    ]);
  });

  it('reads an unbounded window from the day tier alone', () => {
    expect(tierRanges({})).toEqual([{ tier: DAY_TIER, from: -Infinity, to: Infinity }]);
    expect(tierRanges({ step: 30 * BUCKET_MS })).toEqual([
      { tier: MINUTE_TIER, from: -Infinity, to: Infinity },
    ]);
  });

  it('reads hours where minutes are gone, counting an hour when its start is in the window', () => {
    const horizon = START + 2 * DAY_MS;
    const since = START + DAY_MS + 10 * HOUR_MS + 30 * BUCKET_MS;
    const until = START + 2 * DAY_MS + 90 * BUCKET_MS;
    const byMinute = summed({ since, until, horizon }, BUCKET_MS);
    // Minutes of the edge hour before the horizon are not counted (their hour started before `since`).
    const firstWholeHour = START + DAY_MS + 11 * HOUR_MS;
    const expected = new Map<number, number>();
    for (const [at, count] of ROWS.get(HOUR_TIER)!)
      if (at >= firstWholeHour && at < horizon) expected.set(at, count);
    for (const [at, count] of minuteSums(horizon, until, BUCKET_MS)) expected.set(at, count);
    expect(byMinute).toEqual(expected);
    // Over whole hours the sum is the same as with every minute kept.
    const total = (periods: Map<number, number>) => [...periods.values()].reduce((a, b) => a + b, 0);
    expect(total(summed({ since: firstWholeHour, until, horizon }, BUCKET_MS))).toBe(
      total(minuteSums(firstWholeHour, until, BUCKET_MS)),
    );
  });
});
