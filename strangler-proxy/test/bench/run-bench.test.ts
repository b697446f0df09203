/**
 * Smoke test of `npm run bench`: the real command, in a tiny mode, with autocannon (what `npm install`
 * alone provides), must run end to end and produce every row. It asserts nothing about speed: this is
 * not a timed test, and the machine running `npm test` is busy with other tests anyway.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runNode } from '../support/run-node.ts';
import type { BenchResults } from '../../bench/run-bench.ts';
import { launcherEnv, launcherNodeFlags } from '../../bin/launch.js';
import { valgrindVersion } from '../../bench/lib/instructions.ts';

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
      'tcp-relay',
      'express-hpm',
      'fastify-proxy',
      'strangler',
      'strangler-shadow',
      'strangler-shadow-hang',
    ]);
    for (const row of results.throughput ?? []) {
      expect(row.requests, row.id).toBeGreaterThan(0);
      // Two rounds, taken in turn by the setup's two processes.
      expect(row.trials, row.id).toHaveLength(2);
      if (row.id !== 'direct') expect(row.proxyCpuUsPerReq, row.id).toBeGreaterThan(0);
    }
    // The strangler setups really served, counted in metrics, and mirrored where they should.
    const row = (id: string) => results.throughput?.find((entry) => entry.id === id);
    // Counted by both processes of the setup: more than one trial's worth.
    const firstTrial = row('strangler')?.trials[0]?.load.requests ?? 0;
    expect(row('strangler')?.stats?.requestsCounted).toBeGreaterThan(firstTrial);
    expect(Object.values(row('strangler-shadow')?.stats?.outcomes ?? {}).length).toBeGreaterThan(0);
    expect(row('strangler-shadow-hang')?.errors).toBe(0);
    if (process.platform === 'linux') {
      // The CPU taken apart by thread: the mirrors' work shows on the shadow worker, and only there.
      expect(row('strangler-shadow')?.proxyThreadCpuUsPerReq?.shadowWorker).toBeGreaterThan(0);
      expect(row('strangler')?.proxyThreadCpuUsPerReq?.shadowWorker).toBe(0);
      expect(row('express-hpm')?.proxyThreadCpuUsPerReq?.serving).toBeGreaterThan(0);
    }

    expect(results.meta.settings['processes']).toBe(2);
    expect(results.paced?.map((entry) => entry.id)).toHaveLength(7);
    for (const entry of results.paced ?? []) {
      expect(entry.completed, entry.id).toBeGreaterThan(0);
      expect(entry.pacerCpuUsPerReq, entry.id).toBeGreaterThan(0);
      // The hypervisor's steal is read around every measured round (Linux's /proc/stat).
      if (process.platform === 'linux') {
        expect(entry.stealMs, entry.id).toHaveLength(entry.rounds.length);
        for (const stolen of entry.stealMs ?? []) expect(stolen, entry.id).toBeGreaterThanOrEqual(0);
      }
    }
    if (process.platform === 'linux') {
      expect(results.meta.stealShare).toBeGreaterThanOrEqual(0);
      expect(results.meta.stealShare).toBeLessThan(1);
    }

    expect(results.lookup?.sizes).toEqual([10, 100, 1000]);
    expect(results.lookup?.rows).toHaveLength(4);
    for (const entry of results.lookup?.rows ?? []) {
      for (const size of [10, 100, 1000]) expect(entry.nsBySize[size], entry.label).toBeGreaterThan(0);
    }

    expect(results.memory?.requests).toBeGreaterThan(0);
    expect(results.memory?.peakRssMb).toBeGreaterThan(0);
    expect(results.persisted?.storedComparisons).toBeGreaterThan(0);
    expect(results.persisted?.storedComparisons).toBe(results.persisted?.settledComparisons);
    // A fresh process per start, loaded from the moment it listens: both windows measured, mirrors compared.
    expect(results.coldStart?.rows.map((row) => row.id)).toEqual(['strangler', 'strangler-shadow']);
    for (const row of results.coldStart?.rows ?? []) {
      expect(row.runs, row.id).toHaveLength(1);
      expect(row.runs[0]?.startMs, row.id).toBeGreaterThan(0);
      expect(row.runs[0]?.firstP99Ms, row.id).toBeGreaterThan(0);
      expect(row.runs[0]?.nextP99Ms, row.id).toBeGreaterThan(0);
      expect(row.runs[0]?.errors, row.id).toBe(0);
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
    expect(results.meta.machine.cores).toBeGreaterThan(0);
    // strangler's processes start as the launcher starts it, and the report says what code ran.
    expect(results.meta.stranglerNodeFlags).toEqual(launcherNodeFlags());
    expect(results.meta.stranglerEnv).toEqual(launcherEnv());
    expect(['compiled', 'sources']).toContain(results.meta.code);
  }, 240_000);

  // CI installs valgrind and sets STRANGLER_REQUIRE_VALGRIND=1: there a missing valgrind is a failure.
  const valgrind = valgrindVersion();
  const countable = valgrind !== null || process.env.STRANGLER_REQUIRE_VALGRIND === '1';
  it.runIf(countable)(
    `counts instructions per request under valgrind for every measured setup (${valgrind ?? 'valgrind missing'})`,
    async () => {
      const { code, stdout, stderr } = await runCli([
        '--only',
        'instructions',
        '--quick',
        '--routes',
        '100',
        '--json',
        '--no-write',
      ]);
      expect(code, stderr).toBe(0);
      expect(valgrind, 'valgrind is not installed (apt-get install valgrind)').not.toBeNull();
      const results = JSON.parse(stdout) as BenchResults;
      expect(results.instructions?.rows.map((row) => row.id)).toEqual([
        'express-hpm',
        'fastify-proxy',
        'strangler',
        'strangler-shadow',
      ]);
      for (const row of results.instructions?.rows ?? []) {
        // Counted, and per request: no proxy serves an HTTP request in under 10k instructions, and a
        // count of the whole run (start-up included) would be in the billions.
        expect(row.perRequest, row.id).toBeGreaterThan(10_000);
        expect(row.perRequest, row.id).toBeLessThan(50_000_000);
        expect(row.instructions, row.id).toBeCloseTo(row.perRequest * (results.instructions?.requests ?? 0));
        // After only 200 warm-up requests V8 is still compiling: its compilers show in the count.
        expect(row.compilerShare, row.id).toBeGreaterThan(0);
        // Counted per thread: the serving thread's share is part of the process's, not all of it.
        expect(row.servingThreadPerRequest, row.id).toBeGreaterThan(10_000);
        expect(row.servingThreadPerRequest, row.id).toBeLessThan(row.perRequest);
        expect(row.compilerShare, row.id).toBeLessThan(1);
      }
    },
    600_000,
  );
});
