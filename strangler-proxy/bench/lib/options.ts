/** Command-line options of `npm run bench`. */
import { parseArgs } from 'node:util';

export const SECTIONS = ['throughput', 'paced', 'lookup', 'memory', 'persist', 'coldstart'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  readonly quick: boolean;
  readonly json: boolean;
  /** Write the results into the results file (default: yes for a full run, no for --quick). */
  readonly write: boolean;
  readonly output: string | null;
  readonly sections: readonly Section[];
  readonly tool: 'auto' | 'wrk' | 'autocannon';
  /** Routes in routes.yaml for the strangler setups. */
  readonly routes: number;
  /** Closed-loop load. */
  readonly connections: number;
  readonly trialSec: number;
  readonly rounds: number;
  /** Processes per proxy setup, taking the rounds in turn. */
  readonly processes: number;
  readonly warmupSec: number;
  /** Fixed-rate load. */
  readonly rate: number;
  readonly pacedSec: number;
  readonly pacedRounds: number;
  /** Route lookup micro-benchmark. */
  readonly lookupSizes: readonly number[];
  readonly lookupSliceMs: number;
  readonly lookupRounds: number;
  /** Shadowed large bodies. */
  readonly bodyBytes: number;
  readonly bodyConnections: number;
  readonly memorySec: number;
  /** Comparisons persisted. */
  readonly persistSec: number;
  /** Fresh processes per setup loaded from the moment they listen. */
  readonly coldStarts: number;
  readonly color: boolean;
  /** The command line, for the report. */
  readonly command: string;
}

export const USAGE = `Usage: npm run bench -- [options]

Loads each setup in turn with the same load (wrk if installed, else autocannon), interleaved over rounds,
and prints requests/s, latency and proxy CPU per request with ratios; then paced load at a fixed rate,
route lookup cost, memory under shadowed 1 MB bodies, comparisons persisted per second, and the first
second of freshly started proxies (cold starts). See bench/RESULTS.md for what each section measures.

  --quick               a short run; does not write RESULTS.md unless --write
  --duration <s>        seconds per trial; with --quick it also shortens every other load phase
  --rounds <n>          interleaved rounds of the closed-loop and paced load (median reported)
  --processes <n>       processes per proxy setup, taking the rounds in turn (default 2)
  --connections <n>     connections of the closed-loop load (default 50)
  --rate <n>            requests/s of the paced load (default 1000)
  --routes <n>          routes in routes.yaml for the strangler setups (default 1000)
  --lookup-sizes <list>  route table sizes of the lookup micro-benchmark (default 10,1000,10000)
  --only <list>         sections to run, comma-separated: ${SECTIONS.join(',')}
  --tool <name>         auto (wrk when installed), wrk or autocannon
  --json                print the results as JSON on stdout (progress stays on stderr)
  --write / --no-write  write (or not) the results into bench/RESULTS.md (default: write on a full run)
  --output <file>       write the results there instead of bench/RESULTS.md (implies --write)
  --no-color            no colours in the table
  -h, --help            this help
`;

export class UsageError extends Error {}

function positive(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new UsageError(`${name} expects a positive number`);
  return number;
}

function sectionsOf(only: string | undefined): Section[] {
  if (!only) return [...SECTIONS];
  return only.split(',').map((name) => {
    const section = name.trim() as Section;
    if (!SECTIONS.includes(section)) throw new UsageError(`--only: unknown section ${name}`);
    return section;
  });
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    allowNegative: true,
    options: {
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      write: { type: 'boolean' },
      output: { type: 'string' },
      only: { type: 'string' },
      tool: { type: 'string', default: 'auto' },
      duration: { type: 'string' },
      rounds: { type: 'string' },
      processes: { type: 'string' },
      connections: { type: 'string' },
      rate: { type: 'string' },
      routes: { type: 'string' },
      'lookup-sizes': { type: 'string' },
      color: { type: 'boolean', default: true },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const tool = values.tool;
  if (tool !== 'auto' && tool !== 'wrk' && tool !== 'autocannon')
    throw new UsageError('--tool expects auto, wrk or autocannon');
  const quick = values.quick;
  const duration = positive(values.duration, '--duration');
  const rounds = positive(values.rounds, '--rounds');
  const phase = (full: number, short: number) => (quick ? Math.min(short, duration ?? short) : full);
  const whole = (value: string | undefined, name: string, fallback: number) =>
    Math.round(positive(value, name) ?? fallback);
  return {
    quick,
    json: values.json,
    write: values.output !== undefined || (values.write ?? !quick),
    output: values.output ?? null,
    sections: sectionsOf(values.only),
    tool,
    routes: whole(values.routes, '--routes', 1000),
    connections: whole(values.connections, '--connections', 50),
    // Many short interleaved trials rather than a few long ones: a burst of other work on the machine
    // then spoils one trial of one setup, and the median sets it aside.
    trialSec: duration ?? (quick ? 2 : 3),
    rounds: Math.round(rounds ?? (quick ? 2 : 8)),
    // Processes of the same build and flags differ in CPU per request: with one per setup, every ratio
    // would be partly a draw.
    processes: whole(values.processes, '--processes', 2),
    warmupSec: phase(2, 1),
    rate: positive(values.rate, '--rate') ?? 1000,
    pacedSec: phase(1, 1),
    pacedRounds: Math.round(rounds ?? (quick ? 1 : 10)),
    lookupSizes: (values['lookup-sizes'] ?? '10,1000,10000')
      .split(',')
      .map((size) => whole(size, '--lookup-sizes', 1)),
    lookupSliceMs: quick ? 50 : 100,
    lookupRounds: quick ? 3 : 5,
    bodyBytes: 1_048_576,
    bodyConnections: 16,
    memorySec: phase(6, 2),
    persistSec: phase(5, 2),
    coldStarts: quick ? 1 : 4,
    color: values.color && !process.env.NO_COLOR && process.stdout.isTTY,
    command: ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '),
  };
}
