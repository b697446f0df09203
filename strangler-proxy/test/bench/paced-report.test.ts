/**
 * The paced table and the targets as the report writes them: the hypervisor's steal per round, the quiet
 * rounds' figures beside the headline, and the verdict still taken over all rounds.
 */
import { describe, expect, it } from 'vitest';
import type { BenchResults, PacedRow } from '../../bench/lib/bench.ts';
import type { PacedResult } from '../../bench/lib/paced-load.ts';
import { formatMarkdown, formatText } from '../../bench/lib/report.ts';
import { evaluateTargets } from '../../bench/lib/targets.ts';
import { benchResults } from '../support/bench-results.ts';

const round = (p99Ms: number) => ({ p99Ms }) as PacedResult;

function pacedRow(overrides: Partial<PacedRow> & Pick<PacedRow, 'id' | 'label'>): PacedRow {
  return {
    rate: 1000,
    rounds: [round(1), round(1), round(1), round(1)],
    completed: 4000,
    p50Ms: 0.2,
    p90Ms: 0.4,
    p99Ms: 1,
    maxMs: 9,
    p99FromScheduleMs: 2,
    addedP50Ms: 0,
    addedP99Ms: 0,
    proxyCpuUsPerReq: null,
    pacerCpuUsPerReq: 120,
    errors: 0,
    non2xx: 0,
    lateShare: 0.25,
    leadInP99Ms: 7.5,
    ...overrides,
  };
}

function results(paced: PacedRow[], stealShare: number | null): BenchResults {
  return benchResults(
    { paced },
    { stealShare, settings: { rate: 1000, pacedSec: 1, pacedRounds: 4, pacedLeadInSec: 0.2 } },
  );
}

const direct = pacedRow({
  id: 'direct',
  label: 'direct to the upstream (ceiling)',
  stealMs: [0, 10, 40, 0],
  quietRounds: 3,
  quietP99Ms: 0.6,
  addedQuietP99Ms: 0,
});
const strangler = pacedRow({
  id: 'strangler',
  label: 'strangler: 1,000 routes, migrated',
  p99Ms: 4.5,
  addedP99Ms: 3.5,
  stealMs: [0, 0, 120, 10],
  quietRounds: 3,
  quietP99Ms: 2.1,
  addedQuietP99Ms: 1.5,
});

describe('paced report', () => {
  it('shows the steal per round and the quiet rounds beside the headline', () => {
    const markdown = formatMarkdown(results([direct, strangler], 0.032));

    expect(markdown).toContain('hypervisor steal 3.2% of CPU time over the run');
    expect(markdown).toContain(
      '| strangler: 1,000 routes, migrated | 0.200 | 0.400 | 4.500 | 9.0 | +0.000 | +3.500 | 2.000 | 7.500 | — | 120.0 | 25.0% | 5 (0–120) | 2.100 (3) | +1.500 | 0 |',
    );
    expect(markdown).toContain('| 5 (0–40) | 0.600 (3) | — | 0 |');
    // Steal is read over the lead-in and the measured second: 10 ms per second of both.
    expect(markdown).toContain('at most 12 ms of steal');
    expect(markdown).toContain('each after a 200 ms lead-in on the same connections');
    expect(markdown).toContain("Lead-in: each round's first 200 ms of requests");
    expect(formatText(results([direct, strangler], 0.032), false)).toContain('2.100 (3)');
  });

  it('keeps the verdict on all rounds and names the quiet rounds apart', () => {
    const [check] = evaluateTargets({
      throughput: null,
      paced: [direct, strangler],
      lookup: null,
      memory: null,
      persisted: null,
    });

    expect(check).toMatchObject({ id: 'added-latency', met: false });
    expect(check?.measured).toBe(
      '+3.500 ms p99 (p50 +0.000 ms); quiet rounds (hypervisor steal ≤ 10 ms/s): +1.500 ms p99 (3 of 4)',
    );
  });

  it('says nothing of steal where it was not read', () => {
    const unread = (row: PacedRow): PacedRow => ({
      ...row,
      stealMs: [null, null, null, null],
      quietRounds: 0,
      quietP99Ms: null,
      addedQuietP99Ms: null,
    });
    const markdown = formatMarkdown(results([unread(direct), unread(strangler)], null));

    expect(markdown).not.toContain('hypervisor steal');
    expect(markdown).not.toContain('Quiet rounds:');
    expect(markdown).toContain('| — | — (0) | — | 0 |');
    expect(
      evaluateTargets({
        throughput: null,
        paced: [unread(strangler), unread(direct)],
        lookup: null,
        memory: null,
        persisted: null,
      })[0]?.measured,
    ).toBe('+3.500 ms p99 (p50 +0.000 ms)');
  });
});
