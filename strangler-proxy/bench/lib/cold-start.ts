/**
 * Cold starts: what the first clients of a freshly started proxy get. A new strangler process per start,
 * loaded at the paced rate from the moment it listens: the lead-in (connections opened, code not yet
 * optimised, the shadow worker's first mirrors) and the window after it, each with its own p99. A restart
 * or a deploy puts every proxy of a fleet there; the steady-state tables never see it.
 */
import type { Lab } from './lab.ts';
import type { BenchOptions } from './options.ts';
import { PACED_LEAD_IN_SEC } from './paced-phase.ts';
import { runPaced } from './paced-load.ts';
import { TARGET_PATH } from './routes-file.ts';
import { setupLabel, setupSpec } from './setups.ts';
import { comparedCount, type SetupStats } from './specs.ts';
import { median } from './stats.ts';

/** One start of one setup. */
export interface ColdStartRun {
  /** From spawning the process to its listener being open (Node's start, routes.yaml, the shadow warm-up). */
  readonly startMs: number;
  readonly firstP99Ms: number;
  readonly nextP99Ms: number;
  readonly errors: number;
  readonly non2xx: number;
  /** Mirrors not sent because the in-flight bound was reached (`over_capacity`). */
  readonly shed: number;
  readonly compared: number;
}

export interface ColdStartRow {
  readonly id: string;
  readonly label: string;
  readonly runs: readonly ColdStartRun[];
}

export interface ColdStartResult {
  readonly rate: number;
  readonly firstSec: number;
  readonly nextSec: number;
  readonly rows: readonly ColdStartRow[];
}

const COLD_SETUPS = ['strangler', 'strangler-shadow'] as const;

export async function runColdStarts(
  lab: Lab,
  options: BenchOptions,
  log: (line: string) => void,
): Promise<ColdStartResult> {
  const runs = COLD_SETUPS.map((): ColdStartRun[] => []);
  for (let round = 0; round < options.coldStarts; round++) {
    for (const [index, id] of COLD_SETUPS.entries()) {
      const name = `${id}-cold-${round + 1}`;
      const spawnedAt = performance.now();
      const proxy = await lab.start(name, setupSpec(lab, id, name));
      const startMs = performance.now() - spawnedAt;
      try {
        // The lead-in is the first window: the pacer opens its connections in it, as clients would.
        const paced = await runPaced({
          url: proxy.ready.url + TARGET_PATH,
          rate: options.rate,
          durationSec: options.pacedSec,
          leadInSec: PACED_LEAD_IN_SEC,
        });
        await proxy.call('settle', 5_000);
        const stats = await proxy.call<SetupStats>('stats');
        runs[index]?.push({
          startMs,
          firstP99Ms: paced.leadIn.p99Ms,
          nextP99Ms: paced.p99Ms,
          errors: paced.errors + paced.leadIn.errors,
          non2xx: paced.non2xx + paced.leadIn.non2xx,
          shed: stats.skipped?.over_capacity ?? 0,
          compared: comparedCount(stats),
        });
        log(`cold start ${round + 1}/${options.coldStarts} ${id}: listening after ${startMs.toFixed(0)} ms`);
      } finally {
        await proxy.stop();
      }
    }
  }
  return {
    rate: options.rate,
    firstSec: PACED_LEAD_IN_SEC,
    nextSec: options.pacedSec,
    rows: COLD_SETUPS.map((id, index) => ({
      id,
      label: setupLabel(id, options.routes),
      runs: runs[index] ?? [],
    })),
  };
}

/** A figure over a row's starts: median, and the range when there is more than one. */
export function medianAndRange(values: readonly number[]): { median: number; min: number; max: number } {
  if (values.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN };
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}
