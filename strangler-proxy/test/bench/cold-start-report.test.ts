/**
 * The cold-start table as the report writes it: per setup, the median and range over starts of the time
 * to listen, the two windows' p99 and the mirrors compared and shed; errors summed and flagged.
 */
import { describe, expect, it } from 'vitest';
import type { BenchResults } from '../../bench/lib/bench.ts';
import { medianAndRange, type ColdStartResult, type ColdStartRun } from '../../bench/lib/cold-start.ts';
import { formatMarkdown, formatText } from '../../bench/lib/report.ts';
import { benchResults } from '../support/bench-results.ts';

const run = (overrides: Partial<ColdStartRun>): ColdStartRun => ({
  startMs: 1000,
  firstP99Ms: 50,
  nextP99Ms: 10,
  errors: 0,
  non2xx: 0,
  shed: 0,
  compared: 0,
  ...overrides,
});

const results = (coldStart: ColdStartResult | null): BenchResults => benchResults({ coldStart });

const cold: ColdStartResult = {
  rate: 1000,
  firstSec: 0.2,
  nextSec: 1,
  rows: [
    {
      id: 'strangler',
      label: 'strangler: 1,000 routes, migrated',
      runs: [run({ startMs: 1100, firstP99Ms: 40.8 }), run({ startMs: 1250, firstP99Ms: 97.2 }), run({})],
    },
    {
      id: 'strangler-shadow',
      label: 'strangler: shadow 100%, JSON compared',
      runs: [
        run({ firstP99Ms: 330.5, nextP99Ms: 198.7, compared: 1173, shed: 27 }),
        run({ firstP99Ms: 435.7, nextP99Ms: 34.4, compared: 1200, errors: 2, non2xx: 1 }),
      ],
    },
  ],
};

describe('the cold-start table', () => {
  it('gives each figure as the median and range over starts, and flags errors', () => {
    const markdown = formatMarkdown(results(cold));
    expect(markdown).toContain(
      '### Cold start: a fresh process per start, 1,000 req/s open loop from the moment it listens; the first 200 ms, then 1 s',
    );
    expect(markdown).toContain(
      '| strangler: 1,000 routes, migrated | 3 | 1,100 (1,000–1,250) | 50.0 (40.8–97.2) | 10.0 (10.0–10.0) | 0 (0–0) | 0 (0–0) | 0 |',
    );
    expect(markdown).toContain(
      '| strangler: shadow 100%, JSON compared | 2 | 1,000 (1,000–1,000) | 383.1 (330.5–435.7) | 116.5 (34.4–198.7) | 1,187 (1,173–1,200) | 14 (0–27) | 2 err, 1 non-2xx |',
    );
    expect(formatText(results(cold), false)).toContain('spawn to listening, ms');
  });

  it('gives a single start its value alone, and leaves the table out of results without the section', () => {
    const one: ColdStartResult = { ...cold, rows: [{ ...cold.rows[0]!, runs: [run({ startMs: 900 })] }] };
    expect(formatMarkdown(results(one))).toContain(
      '| strangler: 1,000 routes, migrated | 1 | 900 | 50.0 | 10.0 | 0 | 0 | 0 |',
    );
    expect(formatMarkdown(results(null))).not.toContain('Cold start');
  });

  it('summarises no starts as no figures', () => {
    expect(medianAndRange([])).toEqual({ median: Number.NaN, min: Number.NaN, max: Number.NaN });
    expect(medianAndRange([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3 });
  });
});
