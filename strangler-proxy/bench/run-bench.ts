/**
 * `npm run bench`: what the proxy costs, measured side by side in one run on this machine.
 *
 * Setups (each in its own process, the upstream in another, the load tool here): direct to the upstream,
 * express + http-proxy-middleware, fastify + @fastify/http-proxy, and strangler with 1,000 routes
 * (migrated; shadow at 100%; shadow to a hanging service). Then paced load at a fixed rate, route
 * lookup cost at 10 / 1,000 / 10,000 routes, memory under shadowed 1 MB bodies and comparisons
 * persisted per second. A full run writes bench/RESULTS.md; `--quick` does not unless `--write`.
 *
 *   npm run bench                   full run (10–16 minutes on a 2-core VM), writes bench/RESULTS.md
 *   npm run bench -- --quick        about a minute
 *   npm run bench -- --json         machine-readable results on stdout
 *   npm run bench -- --help
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runBench, type BenchResults } from './lib/bench.ts';
import { parseBenchArgs, USAGE, type BenchOptions } from './lib/options.ts';
import { formatMarkdown, formatText, mergeResults } from './lib/report.ts';
import { formatProfileSummary, summariseProfile, type CpuProfile } from './profile-summary.ts';

export { runBench, parseBenchArgs };
export type { BenchResults, BenchOptions };

export const RESULTS_FILE = fileURLToPath(new URL('./RESULTS.md', import.meta.url));

/** Writes the generated section into RESULTS.md (or `file`), keeping the hand-written parts. */
export function writeResults(results: BenchResults, file = RESULTS_FILE): void {
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : null;
  writeFileSync(file, mergeResults(existing, formatMarkdown(results)));
}

async function main(argv: readonly string[]): Promise<number> {
  let options: BenchOptions | 'help';
  try {
    options = parseBenchArgs(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (options.cpuProf)
    process.stderr.write(
      'note: --cpu-prof slows the profiled proxies; use its figures to find causes, not as results\n',
    );
  const results = await runBench(options, (line) => process.stderr.write(`${line}\n`));
  if (options.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else process.stdout.write(formatText(results, options.color));
  for (const file of results.meta.profiles) {
    process.stderr.write(
      `\n== ${file}\n${formatProfileSummary(summariseProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, 12))}\n`,
    );
  }
  if (options.write) {
    const file = options.output ?? RESULTS_FILE;
    writeResults(results, file);
    process.stderr.write(`results written to ${file}\n`);
  }
  return 0;
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
