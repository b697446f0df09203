/**
 * Closed-loop load: every setup gets the same load, interleaved over rounds; the median per setup is
 * reported with ratios to express + http-proxy-middleware and to the upstream alone.
 */
import type { BenchOptions } from './options.ts';
import { runLoad, type LoadResult, type LoadTool } from './load.ts';
import { TARGET_PATH } from './routes-file.ts';
import { interleave, type RunningSetup, type SetupId } from './setups.ts';
import { comparedCount, type SetupStats } from './specs.ts';
import { median, ratio, sum } from './stats.ts';

export interface Trial {
  readonly round: number;
  readonly load: LoadResult;
  /** The proxy's CPU time over the trial (µs); null for `direct`. */
  readonly proxyCpuMicros: number | null;
  /** Requests mirrored and compared during the trial. */
  readonly compared: number;
}

export interface ThroughputRow {
  readonly id: SetupId;
  readonly label: string;
  readonly trials: readonly Trial[];
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly proxyCpuUsPerReq: number | null;
  readonly requests: number;
  readonly errors: number;
  readonly non2xx: number;
  /** Share of the requests that were mirrored and compared; null for setups without a shadow. */
  readonly mirroredShare: number | null;
  readonly vsExpress: number;
  readonly vsDirect: number;
}

export async function runThroughput(
  setups: readonly RunningSetup[],
  tool: LoadTool,
  options: BenchOptions,
  log: (line: string) => void,
): Promise<ThroughputRow[]> {
  const load = (url: string, durationSec: number) =>
    runLoad(tool, { url: url + TARGET_PATH, connections: options.connections, durationSec });
  for (const setup of setups) {
    log(`warm-up ${setup.id} (${options.warmupSec} s per process)`);
    for (const { url, proxy } of setup.instances) {
      await load(url, options.warmupSec);
      await proxy?.call('settle', 3_000);
    }
  }
  const trials = new Map<SetupId, Trial[]>(setups.map((setup) => [setup.id, []]));
  await interleave(setups, options.rounds, async (setup, { url, proxy }, round) => {
    const before = await proxy?.usage();
    const statsBefore = await proxy?.call<SetupStats>('stats');
    const result = await load(url, options.trialSec);
    // Mirrors still in flight belong to this trial's requests: wait for them before reading the CPU.
    await proxy?.call('settle', 3_000);
    const after = await proxy?.usage();
    const statsAfter = await proxy?.call<SetupStats>('stats');
    trials.get(setup.id)?.push({
      round,
      load: result,
      proxyCpuMicros: before && after ? after.cpuMicros - before.cpuMicros : null,
      compared: comparedCount(statsAfter) - comparedCount(statsBefore),
    });
    log(
      `round ${round + 1}/${options.rounds} ${setup.id.padEnd(21)} ${Math.round(result.rps).toLocaleString('en-US').padStart(7)} req/s` +
        `  p99 ${result.p99Ms.toFixed(2)} ms${result.errors + result.non2xx > 0 ? `  errors ${result.errors + result.non2xx}` : ''}`,
    );
  });

  const rows = setups.map((setup) => summarise(setup, trials.get(setup.id) ?? []));
  const rpsOf = (id: SetupId) => rows.find((row) => row.id === id)?.rps ?? Number.NaN;
  return rows.map((row) => ({
    ...row,
    vsExpress: ratio(row.rps, rpsOf('express-hpm')),
    vsDirect: ratio(row.rps, rpsOf('direct')),
  }));
}

function summarise(setup: RunningSetup, trials: readonly Trial[]): ThroughputRow {
  const cpu = median(
    trials.map((trial) =>
      trial.proxyCpuMicros === null || trial.load.requests === 0
        ? Number.NaN
        : trial.proxyCpuMicros / trial.load.requests,
    ),
  );
  const requests = sum(trials.map((trial) => trial.load.requests));
  return {
    id: setup.id,
    label: setup.label,
    trials,
    rps: median(trials.map((trial) => trial.load.rps)),
    p50Ms: median(trials.map((trial) => trial.load.p50Ms)),
    p99Ms: median(trials.map((trial) => trial.load.p99Ms)),
    proxyCpuUsPerReq: Number.isNaN(cpu) ? null : cpu,
    requests,
    errors: sum(trials.map((trial) => trial.load.errors)),
    non2xx: sum(trials.map((trial) => trial.load.non2xx)),
    mirroredShare: setup.id.includes('shadow')
      ? ratio(sum(trials.map((trial) => trial.compared)), requests)
      : null,
    vsExpress: Number.NaN,
    vsDirect: Number.NaN,
  };
}
