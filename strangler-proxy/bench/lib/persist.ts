/**
 * Comparisons persisted: a fresh strangler process with the SQLite store, the route shadowed, under
 * closed-loop load; the comparisons are read back from the database after the proxy closed.
 */
import type { Lab } from './lab.ts';
import { runLoad, type LoadTool } from './load.ts';
import type { BenchOptions } from './options.ts';
import { TARGET_PATH } from './routes-file.ts';
import { comparedCount, type StranglerFinal } from './specs.ts';

export interface PersistResult {
  readonly durationSec: number;
  readonly requests: number;
  readonly rps: number;
  readonly settledComparisons: number;
  readonly storedComparisons: number;
  readonly perSecond: number;
  readonly storedMismatched: number;
  readonly storedErrors: number;
  readonly skipped: Readonly<Record<string, number>>;
}

/** The recorder writes a batch every second, so that even a short run writes several. */
const FLUSH_INTERVAL_MS = 1_000;

export async function runPersist(
  lab: Lab,
  tool: LoadTool,
  options: BenchOptions,
  log: (line: string) => void,
): Promise<PersistResult> {
  const name = 'strangler-persist';
  const proxy = await lab.start(
    name,
    lab.strangler(name, { stage: 'shadow', flushInterval: FLUSH_INTERVAL_MS }),
  );
  log(`persisted: shadow 100% with the SQLite store, ${options.persistSec} s`);
  const load = await runLoad(tool, {
    url: proxy.ready.url + TARGET_PATH,
    connections: options.connections,
    durationSec: options.persistSec,
  });
  const final = await proxy.stop<StranglerFinal>(30_000);
  const stored = final?.stored;
  return {
    durationSec: load.durationSec,
    requests: load.requests,
    rps: load.rps,
    settledComparisons: comparedCount(final?.stats),
    storedComparisons: stored?.compared ?? 0,
    perSecond: (stored?.compared ?? 0) / load.durationSec,
    storedMismatched: stored?.mismatched ?? 0,
    storedErrors: stored?.errors ?? 0,
    skipped: final?.stats.skipped ?? {},
  };
}
