/**
 * The hypervisor's steal time: CPU time a VM's vCPUs wanted and the host gave to other guests. On a
 * shared 2-vCPU machine it moves latency tails more than anything the servers under test do, so the
 * bench reads it over the run and around every paced round, and sets apart the rounds it left alone.
 */
import { readFileSync } from 'node:fs';
import type { PacedResult } from './paced-load.ts';
import { median } from './stats.ts';

/** The machine's CPU time so far, all cores together (Linux's /proc/stat), in ms. */
export interface CpuTimes {
  /** Time the hypervisor ran something else while this machine's vCPUs wanted to run. */
  readonly stealMs: number;
  /** Every state counted, idle and steal included. */
  readonly totalMs: number;
}

/** /proc/stat's counters are in USER_HZ ticks: 100 per second on every Linux architecture Node runs on. */
const MS_PER_TICK = 10;

/** The aggregate `cpu` line of a /proc/stat text, or null when there is none. */
export function parseCpuTimes(procStat: string): CpuTimes | null {
  const line = procStat.split('\n').find((entry) => entry.startsWith('cpu '));
  if (!line) return null;
  // user nice system idle iowait irq softirq steal [guest guest_nice, already inside user and nice]
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (ticks.length < 8 || ticks.some((value) => !Number.isFinite(value))) return null;
  return {
    stealMs: (ticks[7] ?? 0) * MS_PER_TICK,
    totalMs: ticks.reduce((total, value) => total + value, 0) * MS_PER_TICK,
  };
}

/** The machine's CPU times now, or null off Linux. */
export function readCpuTimes(): CpuTimes | null {
  try {
    return parseCpuTimes(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return null;
  }
}

/** CPU time stolen between two readings, in ms (all cores together); null without both. */
export function stealBetween(before: CpuTimes | null, after: CpuTimes | null): number | null {
  return before && after ? after.stealMs - before.stealMs : null;
}

/** Share of the machine's CPU time stolen since `start` (0..1), or null without readings. */
export function stealShareSince(start: CpuTimes | null): number | null {
  const now = readCpuTimes();
  if (!start || !now || now.totalMs <= start.totalMs) return null;
  return (now.stealMs - start.stealMs) / (now.totalMs - start.totalMs);
}

/**
 * A paced round is "quiet" when the hypervisor took at most this much of the machine's CPU time (all
 * cores together) per second of round: one 10 ms clock tick, 0.5% of two cores. Rounds with more steal
 * had p99s two to three times higher for every proxy here (see RESULTS.md).
 */
export const QUIET_STEAL_MS_PER_SEC = 10;

/** The most steal a paced round of `pacedSec` seconds may have and still count as quiet, in ms. */
export function quietStealLimitMs(pacedSec: number): number {
  return QUIET_STEAL_MS_PER_SEC * pacedSec;
}

/** Fewer quiet rounds than this give no figure: a median of one or two rounds says little. */
const MIN_QUIET_ROUNDS = 3;

/**
 * Median p99 of the rounds during which at most `limitMs` of CPU time was stolen (`steal` as `rounds`,
 * null where it could not be read); null with fewer than three such rounds.
 */
export function quietP99(
  rounds: readonly PacedResult[],
  steal: ReadonlyArray<number | null>,
  limitMs: number,
): { readonly rounds: number; readonly p99Ms: number | null } {
  const quiet = rounds.filter((_, index) => {
    const stolen = steal[index];
    return stolen !== null && stolen !== undefined && stolen <= limitMs;
  });
  return {
    rounds: quiet.length,
    p99Ms: quiet.length >= MIN_QUIET_ROUNDS ? median(quiet.map((round) => round.p99Ms)) : null,
  };
}
