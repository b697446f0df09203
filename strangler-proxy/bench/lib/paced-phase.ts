/**
 * Added latency at a fixed rate: every setup paced in turn, each round after a lead-in on the same
 * connections; the median of the rounds per setup, and its excess over direct's.
 */
import type { BenchOptions } from './options.ts';
import { runPaced, type PacedResult } from './paced-load.ts';
import { TARGET_PATH } from './routes-file.ts';
import { interleave, type RunningSetup, type SetupId } from './setups.ts';
import { median, sum } from './stats.ts';

/** Requests paced before each measured round, on its connections, reported apart. */
export const PACED_LEAD_IN_SEC = 0.2;

export interface PacedRow {
  readonly id: SetupId;
  readonly label: string;
  readonly rate: number;
  readonly rounds: readonly PacedResult[];
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly addedP50Ms: number;
  readonly addedP99Ms: number;
  /** Median over rounds of the lead-in's p99: the first requests of a round, connections being opened. */
  readonly leadInP99Ms: number;
  readonly proxyCpuUsPerReq: number | null;
  /** Lead-in and measured requests alike: an error is never left out. */
  readonly errors: number;
  readonly non2xx: number;
}

export async function runPacedPhase(
  setups: readonly RunningSetup[],
  options: BenchOptions,
  log: (line: string) => void,
): Promise<PacedRow[]> {
  const rounds = new Map<SetupId, PacedResult[]>(setups.map((setup) => [setup.id, []]));
  const cpu = new Map<SetupId, number[]>(setups.map((setup) => [setup.id, []]));
  await interleave(setups, options.pacedRounds, async (setup, { url, proxy }, round) => {
    await proxy?.call('settle', 1_000);
    const before = await proxy?.usage();
    // The lead-in runs on the same connections just before the measured window, so that it starts with
    // the pacer's and the proxy's pools open.
    const result = await runPaced({
      url: url + TARGET_PATH,
      rate: options.rate,
      durationSec: options.pacedSec,
      leadInSec: PACED_LEAD_IN_SEC,
    });
    await proxy?.call('settle', 1_000);
    const after = await proxy?.usage();
    rounds.get(setup.id)?.push(result);
    const answered = result.completed + result.leadIn.completed;
    if (before && after && answered > 0)
      cpu.get(setup.id)?.push((after.cpuMicros - before.cpuMicros) / answered);
    log(
      `paced ${options.rate}/s round ${round + 1}/${options.pacedRounds} ${setup.id.padEnd(21)} ` +
        `p50 ${result.p50Ms.toFixed(3)} ms  p99 ${result.p99Ms.toFixed(3)} ms`,
    );
  });
  // Median of the rounds: a round spoilt by other work on the machine is set aside instead of dragging
  // every percentile of a pooled distribution.
  const of = (id: SetupId, pick: (round: PacedResult) => number) => median((rounds.get(id) ?? []).map(pick));
  const directP50 = of('direct', (round) => round.p50Ms);
  const directP99 = of('direct', (round) => round.p99Ms);
  return setups.map(({ id, label }): PacedRow => {
    const own = rounds.get(id) ?? [];
    const proxyCpu = median(cpu.get(id) ?? []);
    return {
      id,
      label,
      rate: options.rate,
      rounds: own,
      p50Ms: of(id, (round) => round.p50Ms),
      p99Ms: of(id, (round) => round.p99Ms),
      maxMs: Math.max(0, ...own.map((round) => round.maxMs)),
      addedP50Ms: of(id, (round) => round.p50Ms) - directP50,
      addedP99Ms: of(id, (round) => round.p99Ms) - directP99,
      leadInP99Ms: of(id, (round) => round.leadIn.p99Ms),
      proxyCpuUsPerReq: Number.isNaN(proxyCpu) ? null : proxyCpu,
      errors: sum(own.map((round) => round.errors + round.leadIn.errors)),
      non2xx: sum(own.map((round) => round.non2xx + round.leadIn.non2xx)),
    };
  });
}
