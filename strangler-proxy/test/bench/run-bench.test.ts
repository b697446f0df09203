/**
 * Smoke test of `npm run bench`: the real command, in a tiny mode, must run every scenario end to end
 * and report every figure. It checks that each figure is reported, never its value: how fast or how
 * large is the bench's to measure, not a test's to assert.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { launcherEnv, launcherNodeFlags } from '../../bin/launch.js';
import type { BenchRun } from '../../bench/lib/run-scenarios.ts';
import { runNode } from '../support/run-node.ts';

const SCRIPT = fileURLToPath(new URL('../../bench/run-bench.ts', import.meta.url));
const reported = expect.any(Number);

describe('npm run bench', () => {
  it('runs every scenario end to end in a tiny mode and reports every figure', async () => {
    const args = ['--quick', '--duration', '1', '--rounds', '2', '--routes', '100', '--json'];
    const { code, stdout, stderr } = await runNode([SCRIPT, ...args]);
    expect(code, stderr).toBe(0);
    const { heading, results, targets } = JSON.parse(stdout) as Pick<
      BenchRun,
      'heading' | 'results' | 'targets'
    >;

    // The scenarios users ask for, in the order they run and report.
    expect(Object.keys(results)).toEqual([
      'throughput',
      'fixed-rate',
      'lookup',
      'memory',
      'persist',
      'coldstart',
      'evidence',
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
    // Every kept figure is reported in every row of its table (never checked: its value).
    const rowsOf = (id: string) => results[id]?.[0]?.rows ?? [];
    const reports = (id: string, headers: readonly string[], setupsExpected?: readonly string[]) => {
      const rows = rowsOf(id);
      if (setupsExpected) expect(rows.map((row) => row.setup)).toEqual(setupsExpected);
      expect(rows.length, id).toBeGreaterThan(0);
      for (const row of rows)
        for (const header of headers)
          expect(row[header], `${id} ${String(row.setup)} ${header}`).toEqual(reported);
    };
    reports('throughput', ['requests', 'req/s', '× express+hpm', 'p50 ms', 'p99 ms', 'errors'], setups);
    reports('fixed-rate', ['p50 ms', 'p99 ms', 'max ms', 'lead-in p99 ms', 'errors'], setups);
    reports('lookup', ['10 routes, ns', '100 routes, ns', '1,000 routes, ns', '× 1,000 / 10']);
    reports('memory', [
      'requests',
      'req/s',
      'p99 ms',
      'RSS before, MB',
      'peak RSS (getrusage), MB',
      'errors',
    ]);
    reports('persist', ['requests', 'req/s', 'settled in the proxy', 'read back from SQLite']);
    // A fresh process per start, loaded from the moment it listens: both windows reported.
    const coldHeaders = ['spawn to listening, ms', 'first 200 ms: p99 ms', 'next 1 s: p99 ms', 'errors'];
    reports('coldstart', coldHeaders, ['strangler', 'strangler-shadow']);
    reports('evidence', ['rows', 'generate', 'report', 'check', '/status']);
    const row = (id: string, setup?: string) =>
      rowsOf(id).find((entry) => setup === undefined || entry.setup === setup) ?? {};
    for (const setup of setups.slice(1))
      expect(row('throughput', setup)['proxy CPU µs/req']).toEqual(reported);
    // The shadowed setup mirrors and compares; a hanging shadow service costs the client no error.
    expect(row('throughput', 'strangler-shadow')['mirrored %']).toBeGreaterThan(0);
    expect(row('throughput', 'strangler')['mirrored %']).toBeNull();
    expect(row('throughput', 'strangler-shadow-hang').errors).toBe(0);
    expect(row('fixed-rate', 'direct')['added p99 ms']).toBeNull();
    expect(row('memory').requests).toBeGreaterThan(0);
    expect(row('persist')['read back from SQLite']).toBeGreaterThan(0);
    expect(row('persist')['read back from SQLite']).toBe(row('persist')['settled in the proxy']);
    for (const setup of ['strangler', 'strangler-shadow']) expect(row('coldstart', setup).errors).toBe(0);

    expect(targets.map((check) => check.id)).toEqual([
      'throughput-vs-express',
      'shadow-throughput',
      'added-latency',
      'hanging-shadow',
      'lookup-scaling',
      'memory-bounded',
      'evidence-at-scale',
    ]);
    // strangler's processes start as the launcher starts it, and the report says what code ran.
    const launcher = [
      ...Object.entries(launcherEnv()).map(([name, value]) => `${name}=${value}`),
      ...launcherNodeFlags(),
    ];
    expect(heading[1]).toContain(`strangler with ${launcher.join(' ') || 'no Node flags'}.`);
    expect(heading[1]).toMatch(/servers ran the (compiled build|TypeScript sources)/);
  }, 900_000);
});
