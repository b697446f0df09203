/**
 * `npm run bench`: what the proxy costs, measured side by side in one run on this machine. What each
 * section measures, and the latest figures, are in bench/RESULTS.md.
 *
 *   npm run bench                   full run, writes bench/RESULTS.md
 *   npm run bench -- --quick        a short run
 *   npm run bench -- --json         machine-readable results on stdout
 *   npm run bench -- --help
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runBench } from './lib/bench.ts';
import { parseBenchArgs, USAGE, type BenchOptions } from './lib/options.ts';
import { mergeResults } from './lib/render.ts';
import { formatMarkdown, formatText } from './lib/report.ts';

const RESULTS_FILE = fileURLToPath(new URL('./RESULTS.md', import.meta.url));

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
  const results = await runBench(options, (line) => process.stderr.write(`${line}\n`));
  process.stdout.write(
    options.json ? `${JSON.stringify(results, null, 2)}\n` : formatText(results, options.color),
  );
  if (options.write) {
    // The generated section replaces the one between the markers; the hand-written text stays.
    const file = options.output ?? RESULTS_FILE;
    writeFileSync(
      file,
      mergeResults(existsSync(file) ? readFileSync(file, 'utf8') : null, formatMarkdown(results)),
    );
    process.stderr.write(`results written to ${file}\n`);
  }
  return 0;
}

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
