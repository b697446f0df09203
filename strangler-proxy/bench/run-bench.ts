/**
 * `npm run bench`: what the proxy costs, measured side by side in one run on this machine. What each
 * scenario measures, and the latest figures, are in bench/RESULTS.md.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mergeResults, renderReport } from './lib/report.ts';
import { runScenarios } from './lib/run-scenarios.ts';
import type { BenchOptions, Scenario } from './lib/scenario.ts';
import coldStart from './scenarios/cold-start.ts';
import evidence from './scenarios/evidence-at-scale.ts';
import fixedRate from './scenarios/fixed-rate.ts';
import lookup from './scenarios/lookup.ts';
import memory from './scenarios/memory.ts';
import persist from './scenarios/persist.ts';
import throughput from './scenarios/throughput.ts';

/** The scenarios, in the order they run and report; a new one is a module in scenarios/ and a name here. */
const SCENARIOS: readonly Scenario[] = [throughput, fixedRate, lookup, memory, persist, coldStart, evidence];

const RESULTS_FILE = fileURLToPath(new URL('./RESULTS.md', import.meta.url));

const USAGE = `Usage: npm run bench -- [options]

Runs the scenarios (${SCENARIOS.map((scenario) => scenario.id).join(', ')}) in turn, prints their
tables and the targets met or not, and on a full run writes them into bench/RESULTS.md.

  --quick               a short run; does not write RESULTS.md unless --write
  --only <list>         scenarios to run, comma-separated
  --duration <s>        seconds per closed-loop trial; with --quick it also shortens every other phase
  --rounds <n>          interleaved rounds of the side-by-side loads (median reported; default 8)
  --routes <n>          routes in routes.yaml for the strangler setups (default 1000)
  --rate <n>            requests/s of the fixed-rate load (default 1000)
  --connections <n>     connections of the closed-loop load (default 50)
  --json                print the results as JSON on stdout (progress stays on stderr)
  --write / --no-write  write (or not) the results into bench/RESULTS.md (default: write on a full run)
  -h, --help            this help
`;

const NUMBERS = ['duration', 'rounds', 'routes', 'rate', 'connections'] as const;

function parse(argv: readonly string[]) {
  const { values } = parseArgs({
    args: [...argv],
    allowNegative: true,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      json: { type: 'boolean', default: false },
      write: { type: 'boolean' },
      help: { type: 'boolean', short: 'h', default: false },
      ...Object.fromEntries(NUMBERS.map((name) => [name, { type: 'string' } as const])),
    },
  });
  const number = (name: (typeof NUMBERS)[number], fallback: number): number => {
    const value = Number((values as Record<string, unknown>)[name] ?? fallback);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} expects a positive number`);
    return value;
  };
  const only = values.only?.split(',').map((name) => name.trim());
  const unknown = only?.filter((name) => !SCENARIOS.some((scenario) => scenario.id === name)) ?? [];
  if (unknown.length > 0) throw new Error(`--only: unknown scenario ${unknown.join(', ')}`);
  const quick = values.quick;
  const duration = 'duration' in values ? number('duration', 1) : undefined;
  const options: BenchOptions = {
    quick,
    routes: Math.round(number('routes', 1000)),
    connections: Math.round(number('connections', 50)),
    // Many short interleaved trials rather than a few long ones: a burst of other work on the machine
    // then spoils one trial of one setup, and the median sets it aside.
    trialSec: duration ?? (quick ? 2 : 3),
    rounds: Math.round(number('rounds', quick ? 2 : 8)),
    rate: number('rate', 1000),
    phaseSec: (full, short) => (quick ? Math.min(short, duration ?? short) : full),
  };
  const scenarios = SCENARIOS.filter((scenario) => !only || only.includes(scenario.id));
  return { ...values, write: values.write ?? !quick, scenarios, options };
}

async function main(argv: readonly string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) return (process.stdout.write(USAGE), 0);
  const command = ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' ');
  const { heading, results, targets, tables } = await runScenarios(args.scenarios, args.options, command);
  const report = renderReport(heading, tables, targets);
  process.stdout.write(args.json ? `${JSON.stringify({ heading, results, targets }, null, 2)}\n` : report);
  if (args.write) {
    // The generated section replaces the one between the markers; the hand-written text stays.
    const existing = existsSync(RESULTS_FILE) ? readFileSync(RESULTS_FILE, 'utf8') : null;
    writeFileSync(RESULTS_FILE, mergeResults(existing, report));
    process.stderr.write(`results written to ${RESULTS_FILE}\n`);
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return 1;
});
