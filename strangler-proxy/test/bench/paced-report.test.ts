/**
 * The paced table and the targets as the report writes them: the added latency over direct, flagged
 * against its target, and the verdict taken over the medians of the rounds.
 */
import { describe, expect, it } from 'vitest';
import type { PacedRow } from '../../bench/lib/paced-phase.ts';
import type { PacedResult } from '../../bench/lib/paced-load.ts';
import { formatMarkdown, formatText } from '../../bench/lib/report.ts';
import { evaluateTargets } from '../../bench/lib/targets.ts';
import { benchResults } from '../support/bench-results.ts';

function pacedRow(overrides: Partial<PacedRow> & Pick<PacedRow, 'id' | 'label'>): PacedRow {
  return {
    rate: 1000,
    rounds: [{ p99Ms: 1 } as PacedResult],
    p50Ms: 0.2,
    p99Ms: 1,
    maxMs: 9,
    addedP50Ms: 0,
    addedP99Ms: 0,
    leadInP99Ms: 7.5,
    proxyCpuUsPerReq: null,
    errors: 0,
    non2xx: 0,
    ...overrides,
  };
}

const settings = { rate: 1000, pacedSec: 1, pacedRounds: 4, pacedLeadInSec: 0.2 };
const direct = pacedRow({ id: 'direct', label: 'direct to the upstream (ceiling)' });
const strangler = pacedRow({
  id: 'strangler',
  label: 'strangler: 1,000 routes, migrated',
  p99Ms: 4.5,
  addedP99Ms: 3.5,
  proxyCpuUsPerReq: 310.25,
  errors: 2,
  non2xx: 1,
});

describe('paced report', () => {
  it('gives each setup its figures, the added ones against direct, and the lead-in apart', () => {
    const markdown = formatMarkdown(benchResults({ paced: [direct, strangler] }, { settings }));

    expect(markdown).toContain(
      '### Paced load: 1,000 req/s open loop, 1 s × 4 rounds interleaved, each after a 200 ms lead-in on the same connections; median of rounds',
    );
    expect(markdown).toContain(
      '| strangler: 1,000 routes, migrated | 0.200 | 4.500 | 9.0 | +0.000 | +3.500 | 7.500 | 310.3 | 2 err, 1 non-2xx |',
    );
    expect(markdown).toContain(
      '| direct to the upstream (ceiling) | 0.200 | 1.000 | 9.0 | — | — | 7.500 | — | 0 |',
    );
    expect(markdown).toContain("Lead-in: each round's first 200 ms of requests");
    expect(formatText(benchResults({ paced: [direct, strangler] }, { settings }), false)).toContain('+3.500');
  });

  it('checks the added p99 against its target', () => {
    const check = (row: PacedRow) =>
      evaluateTargets({ throughput: null, paced: [direct, row], lookup: null, memory: null })[0];

    expect(check(strangler)).toMatchObject({
      id: 'added-latency',
      target: 'added p99 at a fixed 1000 req/s ≤ 2 ms over direct',
      measured: '+3.500 ms p99 (p50 +0.000 ms)',
      met: false,
    });
    expect(check({ ...strangler, addedP99Ms: 2 })?.met).toBe(true);
  });
});
