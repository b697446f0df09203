/**
 * Smoke test of `npm run bench`: the real command, in a tiny mode, with autocannon (what `npm install`
 * alone provides), must run end to end and produce every row. It checks that each figure is reported,
 * never its value: how fast or how large is the bench's to measure, not a test's to assert.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runNode } from '../support/run-node.ts';
import type { BenchResults } from '../../bench/lib/bench.ts';
import { launcherEnv, launcherNodeFlags } from '../../bin/launch.js';

const SCRIPT = fileURLToPath(new URL('../../bench/run-bench.ts', import.meta.url));

const runCli = (args: readonly string[]) => runNode([SCRIPT, ...args]);

describe('npm run bench', () => {
  it('runs every section end to end in a tiny mode and reports every row', async () => {
    const { code, stdout, stderr } = await runCli([
      '--quick',
      '--duration',
      '1',
      '--rounds',
      '2',
      '--processes',
      '2',
      '--routes',
      '100',
      '--lookup-sizes',
      '10,100,1000',
      '--tool',
      'autocannon',
      '--json',
      '--no-write',
    ]);
    expect(code, stderr).toBe(0);
    const results = JSON.parse(stdout) as BenchResults;

    expect(results.throughput?.map((row) => row.id)).toEqual([
      'direct',
      'express-hpm',
      'fastify-proxy',
      'strangler',
      'strangler-traced',
      'strangler-shadow',
      'strangler-shadow-hang',
    ]);
    const reported = expect.any(Number);
    for (const row of results.throughput ?? []) {
      expect(row.requests, row.id).toBeGreaterThan(0);
      // Two rounds, taken in turn by the setup's two processes.
      expect(row.trials, row.id).toHaveLength(2);
      expect(row, row.id).toMatchObject({ rps: reported, p99Ms: reported });
      if (row.id !== 'direct') expect(row.proxyCpuUsPerReq, row.id).toEqual(reported);
    }
    // The shadowed setup mirrors and compares; a hanging shadow service costs the client nothing.
    const row = (id: string) => results.throughput?.find((entry) => entry.id === id);
    expect(row('strangler-shadow')?.mirroredShare).toBeGreaterThan(0);
    expect(row('strangler')?.mirroredShare).toBeNull();
    expect(row('strangler-shadow-hang')?.errors).toBe(0);

    expect(results.meta.settings['processes']).toBe(2);
    expect(results.paced?.map((entry) => entry.id)).toHaveLength(7);
    for (const entry of results.paced ?? []) {
      expect(entry.rounds, entry.id).toHaveLength(2);
      expect(entry, entry.id).toMatchObject({ p99Ms: reported, leadInP99Ms: reported });
    }

    expect(results.lookup?.sizes).toEqual([10, 100, 1000]);
    expect(results.lookup?.rows).toHaveLength(4);
    for (const entry of results.lookup?.rows ?? []) {
      for (const size of [10, 100, 1000]) expect(entry.nsBySize[size], entry.label).toEqual(reported);
    }

    expect(results.memory?.requests).toBeGreaterThan(0);
    expect(results.memory?.peakRssMb).toEqual(reported);
    expect(results.persisted?.storedComparisons).toBeGreaterThan(0);
    expect(results.persisted?.storedComparisons).toBe(results.persisted?.settledComparisons);
    // A fresh process per start, loaded from the moment it listens: both windows reported, mirrors compared.
    expect(results.coldStart?.rows.map((entry) => entry.id)).toEqual(['strangler', 'strangler-shadow']);
    for (const entry of results.coldStart?.rows ?? []) {
      expect(entry.runs, entry.id).toHaveLength(1);
      expect(entry.runs[0], entry.id).toMatchObject({
        startMs: reported,
        firstP99Ms: reported,
        nextP99Ms: reported,
        errors: 0,
      });
    }
    expect(results.coldStart?.rows[1]?.runs[0]?.compared).toBeGreaterThan(0);

    expect(results.targets.map((check) => check.id)).toEqual([
      'throughput-vs-express',
      'added-latency',
      'shadow-throughput',
      'hanging-shadow',
      'lookup-scaling',
      'memory-bounded',
    ]);
    // strangler's processes start as the launcher starts it, and the report says what code ran.
    expect(results.meta.stranglerStart).toEqual([
      ...Object.entries(launcherEnv()).map(([name, value]) => `${name}=${value}`),
      ...launcherNodeFlags(),
    ]);
    expect(['compiled', 'sources']).toContain(results.meta.code);
  }, 240_000);
});
