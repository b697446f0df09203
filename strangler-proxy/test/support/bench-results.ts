/** Bench results as the report reads them, for tests of one table: every section empty unless given. */
import type { BenchResults } from '../../bench/lib/bench.ts';
import { evaluateTargets } from '../../bench/lib/targets.ts';

type Sections = Omit<BenchResults, 'meta' | 'targets'>;

export function benchResults(
  sections: Partial<Sections>,
  meta: Partial<BenchResults['meta']> = {},
): BenchResults {
  const figures: Sections = {
    throughput: sections.throughput ?? null,
    paced: sections.paced ?? null,
    lookup: sections.lookup ?? null,
    memory: sections.memory ?? null,
    persisted: sections.persisted ?? null,
    coldStart: sections.coldStart ?? null,
  };
  return {
    meta: {
      date: '2026-12-03T09:00:00.000Z',
      command: 'npm run bench',
      quick: false,
      machine: { cpu: 'test CPU', cores: 2, memoryGb: 24, node: 'v24', os: 'Linux', loadAverage: 1 },
      revision: 'abc1234',
      tool: 'wrk',
      code: 'compiled',
      stranglerStart: [],
      wallSec: 1,
      settings: {},
      ...meta,
    },
    ...figures,
    targets: evaluateTargets(figures),
  };
}
