/**
 * Smoke test of `npm run bench`: the real command, in a tiny mode, must run every scenario end to end
 * and report every figure. It checks that each figure is reported, never its value: how fast or how
 * large is the bench's to measure, not a test's to assert.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { launcherEnv, launcherNodeFlags } from '../../bin/launch.js';
import type { BenchRun } from '../../bench/lib/run-scenarios.ts';
import type { ThroughputRow } from '../../bench/scenarios/throughput.ts';
import type { FixedRateRow } from '../../bench/scenarios/fixed-rate.ts';
import { runNode } from '../support/run-node.ts';

const SCRIPT = fileURLToPath(new URL('../../bench/run-bench.ts', import.meta.url));
const reported = expect.any(Number);

describe('npm run bench', () => {
  it('runs every scenario end to end in a tiny mode and reports every figure', async () => {
    const args = [
      '--quick',
      '--duration',
      '1',
      '--rounds',
      '2',
      '--processes',
      '1',
      '--routes',
      '100',
      '--json',
    ];
    const { code, stdout, stderr } = await runNode([SCRIPT, ...args]);
    expect(code, stderr).toBe(0);
    const { meta, results, targets } = JSON.parse(stdout) as Pick<BenchRun, 'meta' | 'results' | 'targets'>;

    // The scenarios users ask for, in the order they run and report.
    expect(Object.keys(results)).toEqual([
      'throughput',
      'fixed-rate',
      'lookup',
      'memory',
      'persist',
      'coldstart',
    ]);
    const setups = [
      'direct',
      'express-hpm',
      'fastify-proxy',
      'strangler',
      'strangler-traced',
      'strangler-shadow',
      'strangler-shadow-hang',
    ];
    const throughput = results.throughput as ThroughputRow[];
    expect(throughput.map((row) => row.id)).toEqual(setups);
    for (const row of throughput) {
      expect(row.trials, row.id).toHaveLength(2);
      expect(row.requests, row.id).toBeGreaterThan(0);
      expect(row, row.id).toMatchObject({ rps: reported, p99Ms: reported, vsExpress: reported });
      if (row.id !== 'direct') expect(row.proxyCpuUsPerReq, row.id).toEqual(reported);
    }
    // The shadowed setup mirrors and compares; a hanging shadow service costs the client no error.
    const row = (id: string) => throughput.find((entry) => entry.id === id);
    expect(row('strangler-shadow')?.mirroredShare).toBeGreaterThan(0);
    expect(row('strangler')?.mirroredShare).toBeNull();
    expect(row('strangler-shadow-hang')?.errors).toBe(0);

    const fixedRate = results['fixed-rate'] as FixedRateRow[];
    expect(fixedRate.map((entry) => entry.id)).toEqual(setups);
    for (const entry of fixedRate) {
      expect(entry.rounds, entry.id).toHaveLength(2);
      expect(entry, entry.id).toMatchObject({ p99Ms: reported, addedP99Ms: reported, leadInP99Ms: reported });
    }

    expect(results.lookup).toMatchObject({ sizes: [10, 100, 1000] });
    expect(results.memory).toMatchObject({ requests: expect.any(Number), peakRssMb: reported });
    expect((results.memory as { requests: number }).requests).toBeGreaterThan(0);
    const persisted = results.persist as { settledComparisons: number; stored: { compared: number } };
    expect(persisted.stored.compared).toBeGreaterThan(0);
    expect(persisted.stored.compared).toBe(persisted.settledComparisons);
    // A fresh process per start, loaded from the moment it listens: both windows reported.
    const cold = results.coldstart as { rows: Array<{ id: string; runs: object[] }> };
    expect(cold.rows.map((entry) => entry.id)).toEqual(['strangler', 'strangler-shadow']);
    for (const entry of cold.rows)
      expect(entry.runs, entry.id).toEqual([
        expect.objectContaining({ startMs: reported, firstP99Ms: reported, nextP99Ms: reported, errors: 0 }),
      ]);

    expect(targets.map((check) => check.id)).toEqual([
      'throughput-vs-express',
      'shadow-throughput',
      'added-latency',
      'hanging-shadow',
      'lookup-scaling',
      'memory-bounded',
    ]);
    // strangler's processes start as the launcher starts it, and the report says what code ran.
    expect(meta.stranglerStart).toEqual([
      ...Object.entries(launcherEnv()).map(([name, value]) => `${name}=${value}`),
      ...launcherNodeFlags(),
    ]);
    expect(['compiled', 'sources']).toContain(meta.code);
  }, 900_000);
});
