/**
 * Cold starts: what the first clients of a freshly started proxy get. A new strangler process per start,
 * loaded at the paced rate from the moment it listens: the first `firstSec` (connections opened, code not
 * yet optimised, the shadow worker's first mirrors) and the `nextSec` after it, each with its own p99.
 * A restart or a deploy puts every proxy of a fleet there; the steady-state tables never see it.
 */
import type { ChildHandle } from './child-process.ts';
import { runPaced } from './paced-load.ts';
import { TARGET_PATH } from './routes-file.ts';
import { comparedCount, type SetupReady, type SetupStats } from './specs.ts';
import { median } from './stats.ts';

/** One start of one setup. */
export interface ColdStartRun {
  /** From spawning the process to its listener being open (Node's start, routes.yaml, the shadow warm-up). */
  readonly startMs: number;
  readonly firstP99Ms: number;
  readonly nextP99Ms: number;
  readonly errors: number;
  readonly non2xx: number;
  /** Mirrors not sent because the in-flight or byte bound was reached (`over_capacity`). */
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

export interface ColdStartSetup {
  readonly id: string;
  readonly label: string;
  /** Starts a fresh process of the setup (a new name each time); the caller stops it. */
  start(name: string): Promise<ChildHandle<SetupReady>>;
}

export interface ColdStartOptions {
  readonly setups: readonly ColdStartSetup[];
  /** Starts per setup, interleaved. */
  readonly starts: number;
  readonly rate: number;
  readonly firstSec: number;
  readonly nextSec: number;
  readonly log: (line: string) => void;
}

export async function runColdStarts(options: ColdStartOptions): Promise<ColdStartResult> {
  const runs = options.setups.map((): ColdStartRun[] => []);
  for (let round = 0; round < options.starts; round++) {
    for (const [index, setup] of options.setups.entries()) {
      const spawnedAt = performance.now();
      const proxy = await setup.start(`${setup.id}-cold-${round + 1}`);
      const startMs = performance.now() - spawnedAt;
      try {
        // The lead-in is the first window: the pacer opens its connections in it, as clients would.
        const paced = await runPaced({
          url: proxy.ready.url + TARGET_PATH,
          rate: options.rate,
          durationSec: options.nextSec,
          leadInSec: options.firstSec,
        });
        await proxy.call('settle', 5_000);
        const stats = await proxy.call<SetupStats>('stats');
        const run: ColdStartRun = {
          startMs,
          firstP99Ms: paced.leadIn.p99Ms,
          nextP99Ms: paced.p99Ms,
          errors: paced.errors + paced.leadIn.errors,
          non2xx: paced.non2xx + paced.leadIn.non2xx,
          shed: stats.skipped?.over_capacity ?? 0,
          compared: comparedCount(stats),
        };
        runs[index]!.push(run);
        options.log(
          `cold start ${round + 1}/${options.starts} ${setup.label}: listening after ${startMs.toFixed(0)} ms, ` +
            `p99 ${run.firstP99Ms.toFixed(1)} ms in the first ${options.firstSec * 1000} ms, ` +
            `${run.nextP99Ms.toFixed(1)} ms in the next ${options.nextSec} s, ${run.shed} mirrors shed`,
        );
      } finally {
        await proxy.stop();
      }
    }
  }
  return {
    rate: options.rate,
    firstSec: options.firstSec,
    nextSec: options.nextSec,
    rows: options.setups.map((setup, index) => ({ id: setup.id, label: setup.label, runs: runs[index]! })),
  };
}

/** A figure over a row's starts: median, and the range when there is more than one. */
export function medianAndRange(values: readonly number[]): {
  median: number;
  min: number;
  max: number;
} {
  if (values.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN };
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}
