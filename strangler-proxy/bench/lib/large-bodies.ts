/**
 * Memory under shadowed large bodies: a fresh strangler process with the route shadowed for writes
 * (`unsafe: true`), loaded with POSTs of large JSON bodies; its resident set before and at its peak.
 */
import type { Lab } from './lab.ts';
import { runLoad, type LoadTool } from './load.ts';
import type { BenchOptions } from './options.ts';
import { TARGET_PATH } from './routes-file.ts';
import { comparedCount, type SetupStats } from './specs.ts';

export interface MemoryResult {
  readonly bodyBytes: number;
  readonly connections: number;
  readonly durationSec: number;
  readonly requests: number;
  readonly rps: number;
  readonly p99Ms: number;
  readonly baselineRssMb: number;
  /** getrusage's peak resident set over the process's life. */
  readonly peakRssMb: number;
  readonly compared: number;
  readonly skipped: Readonly<Record<string, number>>;
  readonly errors: number;
  readonly non2xx: number;
}

const MB = 1024 * 1024;

/** A JSON document of exactly `bytes` bytes. */
export function jsonBody(bytes: number): Buffer {
  const head = '{"items":"';
  const tail = '"}';
  return Buffer.from(head + 'x'.repeat(Math.max(0, bytes - head.length - tail.length)) + tail);
}

export async function runMemory(
  lab: Lab,
  tool: LoadTool,
  options: BenchOptions,
  log: (line: string) => void,
): Promise<MemoryResult> {
  const name = 'strangler-memory';
  const proxy = await lab.start(name, lab.strangler(name, { stage: 'shadow', shadowUnsafe: true }));
  log(
    `memory: POST ${options.bodyBytes.toLocaleString('en-US')}-byte bodies, shadowed, ${options.memorySec} s`,
  );
  const baseline = await proxy.usage();
  const load = await runLoad(tool, {
    url: proxy.ready.url + TARGET_PATH,
    connections: options.bodyConnections,
    durationSec: options.memorySec,
    method: 'POST',
    body: jsonBody(options.bodyBytes),
    headers: { 'content-type': 'application/json' },
  });
  await proxy.call('settle', 5_000);
  const after = await proxy.usage();
  const stats = await proxy.call<SetupStats>('stats');
  await proxy.stop();
  return {
    bodyBytes: options.bodyBytes,
    connections: options.bodyConnections,
    durationSec: load.durationSec,
    requests: load.requests,
    rps: load.rps,
    p99Ms: load.p99Ms,
    baselineRssMb: baseline.rss / MB,
    peakRssMb: after.maxRss / MB,
    compared: comparedCount(stats),
    skipped: stats.skipped ?? {},
    errors: load.errors,
    non2xx: load.non2xx,
  };
}
