/**
 * The results as an aligned terminal table (coloured in a terminal) and as Markdown for RESULTS.md,
 * from the same rows.
 */
import { styleText } from 'node:util';
import type { BenchResults, PacedRow, ThroughputRow } from './bench.ts';
import { TARGET_PATH } from './routes-file.ts';
import { THREAD_KINDS } from './thread-cpu.ts';
import { quietStealLimitMs } from './steal.ts';
import { median } from './stats.ts';
import { comparedCount, UPSTREAM_BODIES } from './specs.ts';
import { medianAndRange, type ColdStartRun } from './cold-start.ts';

type Style = 'green' | 'red' | 'yellow' | 'dim' | 'bold' | 'cyan';
interface Cell {
  readonly text: string;
  readonly style?: Style;
}
interface Table {
  readonly title: string;
  readonly headers: readonly string[];
  /** 'l' or 'r' per column. */
  readonly align: string;
  readonly rows: ReadonlyArray<ReadonlyArray<Cell | string>>;
  readonly notes?: readonly string[];
}

const cell = (value: Cell | string): Cell => (typeof value === 'string' ? { text: value } : value);

function fixed(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);
}
function int(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value)
    ? '—'
    : Math.round(value).toLocaleString('en-US');
}
function times(value: number): Cell {
  if (!Number.isFinite(value)) return { text: '—' };
  return { text: `${value.toFixed(2)}×`, style: value >= 1 ? 'green' : value >= 0.75 ? 'yellow' : 'red' };
}
function plus(value: number): string {
  return Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${value.toFixed(3)}` : '—';
}
function errorsCell(errors: number, non2xx: number): Cell {
  const total = errors + non2xx;
  return total === 0
    ? { text: '0', style: 'dim' }
    : { text: `${errors} err, ${non2xx} non-2xx`, style: 'red' };
}
function shares(record: Readonly<Record<string, number>> | undefined): string {
  const entries = Object.entries(record ?? {}).filter(([, count]) => count > 0);
  return entries.length === 0 ? 'none' : entries.map(([name, count]) => `${name} ${int(count)}`).join(', ');
}

function throughputTable(rows: readonly ThroughputRow[], results: BenchResults): Table {
  const settings = results.meta.settings;
  const notes: string[] = [];
  for (const row of rows) {
    if (!row.stats) continue;
    const compared = comparedCount(row.stats);
    const skipped = Object.values(row.stats.skipped ?? {}).reduce((a, b) => a + b, 0);
    const parts = [`${row.id}: metrics counted ${int(row.stats.requestsCounted)} requests`];
    if (compared + skipped > 0)
      parts.push(
        `mirrors: ${int(compared)} compared (${shares(row.stats.outcomes)}), ${int(skipped)} not mirrored (${shares(row.stats.skipped)})`,
      );
    if (Object.keys(row.stats.breakerOpens ?? {}).length > 0)
      parts.push(`circuit breaker opened: ${shares(row.stats.breakerOpens)}`);
    if (Object.keys(row.stats.errorKinds ?? {}).length > 0)
      parts.push(`comparison errors: ${shares(row.stats.errorKinds)}`);
    notes.push(`${parts.join('; ')} (warm-up and paced load included).`);
  }
  return {
    title:
      `Closed-loop load: ${String(settings.connections)} connections, ${String(settings.trialSec)} s per trial, ` +
      `${String(settings.rounds)} rounds interleaved${processesNote(settings)}, median per setup; GET ${TARGET_PATH} → ${UPSTREAM_BODIES.legacy.length}-byte JSON`,
    headers: [
      'setup',
      'req/s',
      '× express+hpm',
      '× direct',
      'p50 ms',
      'p99 ms',
      'proxy CPU µs/req',
      'serving thread µs/req',
      'upstream CPU µs/req',
      'proxy RSS MB',
      'new upstream conns',
      'mirrored',
      'errors',
    ],
    align: 'lrrrrrrrrrrrr',
    rows: rows.map((row) => [
      { text: row.label, style: row.id.startsWith('strangler') ? 'cyan' : undefined },
      int(row.rps),
      times(row.vsExpress),
      fixed(row.vsDirect, 2),
      fixed(row.p50Ms, 2),
      fixed(row.p99Ms, 2),
      fixed(row.proxyCpuUsPerReq, 1),
      fixed(row.proxyMainThreadCpuUsPerReq, 1),
      fixed(row.upstreamCpuUsPerReq, 1),
      fixed(row.rssPeakMb, 0),
      int(row.newUpstreamConnections),
      row.mirroredShare === null ? '—' : `${fixed(row.mirroredShare * 100, 0)}%`,
      errorsCell(row.errors, row.non2xx),
    ]),
    notes,
  };
}

/**
 * The proxy's CPU per request taken apart by thread (closed-loop trials; null off Linux and in results
 * written before it was measured).
 */
function threadsTable(rows: readonly ThroughputRow[]): Table | null {
  const measured = rows.filter((row) => row.proxyThreadCpuUsPerReq);
  if (measured.length === 0) return null;
  return {
    title:
      'Proxy CPU per request by thread (µs, closed-loop trials, median; from /proc/self/task, in 10 ms clock ticks)',
    headers: [
      'setup',
      'serving thread',
      'shadow worker',
      'V8 helpers (GC, compilers)',
      'libuv pool (SQLite, files)',
      'other',
      'outside the serving thread',
    ],
    align: 'lrrrrrr',
    rows: measured.map((row) => {
      const cpu = row.proxyThreadCpuUsPerReq;
      const outside = cpu
        ? THREAD_KINDS.filter((kind) => kind !== 'serving').reduce((sum, kind) => sum + cpu[kind], 0)
        : null;
      return [
        { text: row.label, style: row.id.startsWith('strangler') ? 'cyan' : undefined },
        fixed(cpu?.serving, 1),
        fixed(cpu?.shadowWorker, 1),
        fixed(cpu?.v8, 1),
        fixed(cpu?.libuv, 1),
        fixed(cpu?.other, 1),
        fixed(outside, 1),
      ];
    }),
    notes: [
      'Each column is the median of its own trials, so a row need not add up to the proxy CPU column above.',
    ],
  };
}

/** How many processes of each proxy setup took the rounds in turn (absent from older results). */
function processesNote(settings: Readonly<Record<string, unknown>>): string {
  const processes = Number(settings.processes ?? 1);
  return processes > 1 ? `, ${processes} processes per proxy setup taking them in turn` : '';
}

function pacedTable(rows: readonly PacedRow[], results: BenchResults): Table {
  const settings = results.meta.settings;
  return {
    title:
      `Paced load: ${int(Number(settings.rate))} req/s open loop, ${String(settings.pacedSec)} s × ${String(settings.pacedRounds)} ` +
      `rounds interleaved${processesNote(settings)}, each after a ${leadInMs(settings)} ms lead-in on the same connections; median of rounds; latency from send to end of response`,
    headers: [
      'setup',
      'p50 ms',
      'p90 ms',
      'p99 ms',
      'max ms',
      'added p50 ms',
      'added p99 ms',
      'p99 from schedule',
      'lead-in p99 ms',
      'proxy CPU µs/req',
      'pacer CPU µs/req',
      'late sends',
      'steal ms/round',
      'quiet rounds: p99 ms',
      'quiet rounds: added p99 ms',
      'errors',
    ],
    align: 'lrrrrrrrrrrrrrrr',
    rows: rows.map((row) => [
      { text: row.label, style: row.id.startsWith('strangler') ? 'cyan' : undefined },
      fixed(row.p50Ms, 3),
      fixed(row.p90Ms, 3),
      fixed(row.p99Ms, 3),
      fixed(row.maxMs, 1),
      row.id === 'direct' ? '—' : plus(row.addedP50Ms),
      row.id === 'direct'
        ? '—'
        : { text: plus(row.addedP99Ms), style: row.addedP99Ms <= 2 ? 'green' : 'red' },
      fixed(row.p99FromScheduleMs, 3),
      fixed(row.leadInP99Ms, 3),
      fixed(row.proxyCpuUsPerReq, 1),
      fixed(row.pacerCpuUsPerReq, 1),
      `${(row.lateShare * 100).toFixed(1)}%`,
      stealCell(row.stealMs),
      `${fixed(row.quietP99Ms, 3)} (${row.quietRounds ?? 0})`,
      row.id === 'direct' || typeof row.addedQuietP99Ms !== 'number'
        ? '—'
        : { text: plus(row.addedQuietP99Ms), style: row.addedQuietP99Ms <= 2 ? 'green' : 'red' },
      errorsCell(row.errors, row.non2xx),
    ]),
    notes: [
      `Lead-in: each round's first ${leadInMs(settings)} ms of requests, sent at the same rate on the same connections as the measured second and left out of its percentiles ` +
        `(wrk and wrk2 leave out a calibration period likewise); the pacer opens its connections then. Its p99 is the median over rounds; its errors are in the errors column.`,
      ...(rows.some((row) => row.stealMs?.some((stolen) => stolen !== null))
        ? [
            `Steal: CPU time the hypervisor gave to other guests during the round, lead-in included (all cores, /proc/stat, in 10 ms ticks), median (min–max) of rounds. ` +
              `Quiet rounds: those with at most ${String(quietStealLimitMs(pacedWindowSec(settings)))} ms of steal, counted in brackets; their median p99, and its excess over direct's quiet rounds (none below 3 quiet rounds). ` +
              `The headline "added p99" and the target are over all rounds.`,
          ]
        : []),
    ],
  };
}

/** Results written before the lead-in existed have no setting for it: 0. */
function leadInSec(settings: Readonly<Record<string, unknown>>): number {
  return Number(settings.pacedLeadInSec ?? 0);
}

function leadInMs(settings: Readonly<Record<string, unknown>>): string {
  return String(Math.round(leadInSec(settings) * 1000));
}

/** What a round's steal was read over: the lead-in and the measured window. */
function pacedWindowSec(settings: Readonly<Record<string, unknown>>): number {
  return Number(settings.pacedSec) + leadInSec(settings);
}

/** Median (min–max) steal of a setup's paced rounds, in ms; — where it was not read. */
function stealCell(steal: ReadonlyArray<number | null> | undefined): string {
  const read = (steal ?? []).filter((value): value is number => value !== null);
  if (read.length === 0) return '—';
  return `${fixed(median(read), 0)} (${String(Math.min(...read))}–${String(Math.max(...read))})`;
}

function lookupTable(results: BenchResults): Table | null {
  const lookup = results.lookup;
  if (!lookup) return null;
  const sizes = lookup.sizes;
  const largest = Math.max(...sizes);
  const smallest = Math.min(...sizes);
  return {
    title:
      'Route lookup (normalise the request target + match in the route table): CPU ns per lookup, median',
    headers: [
      'request',
      ...sizes.map((size) => `${int(size)} routes`),
      `${int(largest)} / ${int(smallest)}`,
      'matched',
    ],
    align: `l${'r'.repeat(sizes.length + 1)}l`,
    rows: [
      ...lookup.rows.map((row) => [
        row.label,
        ...sizes.map((size) => fixed(row.nsBySize[size], 0)),
        { text: `${fixed(row.ratio, 2)}×`, style: row.ratio <= 2 ? ('green' as const) : ('red' as const) },
        {
          text: [...new Set(Object.values(row.matched).map((id) => id ?? 'legacy'))].join(', '),
          style: 'dim' as const,
        },
      ]),
      [
        { text: 'load + compile routes.yaml, ms', style: 'dim' as const },
        ...sizes.map((size) => ({ text: fixed(lookup.buildMs[size], 0), style: 'dim' as const })),
        '',
        '',
      ],
    ],
  };
}

function memoryTable(results: BenchResults): Table | null {
  const memory = results.memory;
  if (!memory) return null;
  return {
    title: `Shadowed large bodies: POST ${int(memory.bodyBytes)}-byte JSON, shadow 100% with unsafe: true, ${memory.connections} connections, ${fixed(memory.durationSec, 1)} s`,
    headers: ['figure', 'value'],
    align: 'lr',
    rows: [
      ['requests (req/s)', `${int(memory.requests)} (${fixed(memory.rps, 0)})`],
      ['request bytes through the proxy, MB/s', fixed(memory.mbPerSec, 0)],
      ['p99 latency, ms', fixed(memory.p99Ms, 1)],
      ['proxy RSS before, MB', fixed(memory.baselineRssMb, 0)],
      [
        'proxy RSS peak (sampled every 50 ms), MB',
        { text: fixed(memory.peakRssMb, 0), style: memory.peakRssMb <= 250 ? 'green' : 'red' },
      ],
      ['proxy max RSS since start (getrusage), MB', fixed(memory.maxRssMb, 0)],
      ['mirrored and compared', int(memory.compared)],
      ['not mirrored, by reason', shares(memory.skipped)],
      ['errors', errorsCell(memory.errors, memory.non2xx)],
    ],
  };
}

function persistTable(results: BenchResults): Table | null {
  const persisted = results.persisted;
  if (!persisted) return null;
  return {
    title: `Comparisons persisted: shadow 100%, SQLite store, recorder flush every 1 s, ${fixed(persisted.durationSec, 1)} s of closed-loop load`,
    headers: ['figure', 'value'],
    align: 'lr',
    rows: [
      ['requests (req/s)', `${int(persisted.requests)} (${fixed(persisted.rps, 0)})`],
      ['comparisons settled in the proxy', int(persisted.settledComparisons)],
      ['comparisons read back from SQLite', int(persisted.storedComparisons)],
      [
        { text: 'comparisons persisted per second', style: 'bold' },
        { text: int(persisted.perSecond), style: 'bold' },
      ],
      ['recorder flushes (records written)', `${int(persisted.flushes)} (${int(persisted.flushedRecords)})`],
      ['stored mismatches / errors', `${int(persisted.storedMismatched)} / ${int(persisted.storedErrors)}`],
      ['not mirrored, by reason', shares(persisted.skipped)],
    ],
  };
}

/** `median (min–max)` over a row's starts, or the one value. */
function spread(
  runs: readonly ColdStartRun[],
  figure: (run: ColdStartRun) => number,
  digits: number,
): string {
  const { median: middle, min, max } = medianAndRange(runs.map(figure));
  const format = (value: number) => (digits === 0 ? int(value) : fixed(value, digits));
  return runs.length > 1 ? `${format(middle)} (${format(min)}–${format(max)})` : format(middle);
}

function coldStartTable(results: BenchResults): Table | null {
  const cold = results.coldStart;
  if (!cold) return null;
  const firstMs = Math.round(cold.firstSec * 1000);
  return {
    title: `Cold start: a fresh process per start, ${int(cold.rate)} req/s open loop from the moment it listens; the first ${firstMs} ms, then ${fixed(cold.nextSec, 0)} s; median (range) over starts, interleaved`,
    headers: [
      'setup',
      'starts',
      'spawn to listening, ms',
      `first ${firstMs} ms: p99 ms`,
      `next ${fixed(cold.nextSec, 0)} s: p99 ms`,
      'mirrors compared',
      'mirrors shed',
      'errors',
    ],
    align: 'lrrrrrrr',
    rows: cold.rows.map((row) => [
      row.label,
      String(row.runs.length),
      spread(row.runs, (run) => run.startMs, 0),
      spread(row.runs, (run) => run.firstP99Ms, 1),
      spread(row.runs, (run) => run.nextP99Ms, 1),
      spread(row.runs, (run) => run.compared, 0),
      spread(row.runs, (run) => run.shed, 0),
      errorsCell(
        row.runs.reduce((total, run) => total + run.errors, 0),
        row.runs.reduce((total, run) => total + run.non2xx, 0),
      ),
    ]),
    notes: [
      "Spawn to listening: Node's start, loading the routes, and with a shadowed route the shadow worker's warm-up (the listener opens after it). Mirrors shed: not sent because the in-flight bound was reached (over_capacity).",
    ],
  };
}

function instructionsTable(results: BenchResults): Table | null {
  const counted = results.instructions;
  if (!counted) return null;
  const row = (id: string) => counted.rows.find((entry) => entry.id === id);
  const express = row('express-hpm');
  const strangler = row('strangler')?.perRequest ?? Number.NaN;
  // Fewer instructions is better: a ratio reads as "costs this much of express".
  const ofExpress = (value: number, base: number | undefined): Cell => ({
    text: `${fixed(value / (base ?? Number.NaN), 3)}×`,
    style: value <= (base ?? Number.NaN) ? 'green' : 'yellow',
  });
  return {
    title: `Instructions per request (${counted.valgrind} callgrind, user space, every thread of the proxy process): ${int(counted.requests)} GETs over ${counted.connections} connections, counted after ${int(counted.warmup)} uncounted ones`,
    headers: [
      'setup',
      'instructions/request',
      '× express+hpm',
      '× strangler migrated',
      'serving thread',
      'serving × express+hpm',
      'in V8 compilers',
    ],
    align: 'lrrrrrr',
    rows: counted.rows.map((entry) => [
      entry.label,
      int(entry.perRequest),
      ofExpress(entry.perRequest, express?.perRequest),
      `${fixed(entry.perRequest / strangler, 3)}×`,
      int(entry.servingThreadPerRequest),
      ofExpress(entry.servingThreadPerRequest, express?.servingThreadPerRequest),
      `${fixed(entry.compilerShare * 100, 1)}%`,
    ]),
    notes: [
      'Not moved by the shared vCPUs that blur the CPU-time columns above; the kernel side of the socket calls is not counted (each proxy makes 2 reads, 1 write and 1 writev per request).',
      "Serving thread: the main thread's own count, which bounds a proxy's requests per second; the rest is the shadow worker, V8's helper threads (GC, compilers) and libuv's pool. The other threads' count holds whatever garbage collection fell in the counted window (a major GC lands in some windows and not in others); the thread table above measures their time at full speed.",
      "In V8 compilers: the share of the count spent compiling JavaScript. Some recompiling goes on for good (5-7% after 30,000 or 60,000 warm-up requests); much more means the warm-up was too short and the count measures V8's start.",
    ],
  };
}

function targetsTable(results: BenchResults): Table | null {
  // A run of sections that check no target (--only instructions) prints no empty table.
  if (results.targets.length === 0) return null;
  return {
    title: 'Targets',
    headers: ['target', 'measured', 'met'],
    align: 'lll',
    rows: results.targets.map((check) => [
      check.target,
      check.measured,
      check.met === null
        ? { text: 'n/a', style: 'dim' }
        : check.met
          ? { text: 'yes', style: 'green' }
          : { text: 'NO', style: 'red' },
    ]),
  };
}

function tables(results: BenchResults): Table[] {
  const list: Array<Table | null> = [
    results.throughput ? throughputTable(results.throughput, results) : null,
    results.throughput ? threadsTable(results.throughput) : null,
    results.paced ? pacedTable(results.paced, results) : null,
    lookupTable(results),
    memoryTable(results),
    persistTable(results),
    coldStartTable(results),
    instructionsTable(results),
    targetsTable(results),
  ];
  return list.filter((table): table is Table => table !== null);
}

/** `MALLOC_ARENA_MAX=2 --max-semi-space-size=16`: how the launcher starts Node, as one phrase. */
function stranglerStart(env: Readonly<Record<string, string>>, flags: readonly string[]): string {
  const words = [...Object.entries(env).map(([name, value]) => `${name}=${value}`), ...flags];
  return words.length > 0 ? words.join(' ') : 'no Node flags';
}

export function machineLine(results: BenchResults): string {
  const m = results.meta.machine;
  return (
    `${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB RAM, ${m.os}; Node ${m.node}; load tool ${results.meta.tool}; ` +
    `1-min load average ${m.loadAverage} at start, ${results.meta.loadAverageEnd} at end` +
    `${typeof results.meta.stealShare === 'number' ? `; hypervisor steal ${(results.meta.stealShare * 100).toFixed(1)}% of CPU time over the run` : ''}` +
    `; servers ran the ` +
    `${results.meta.code === 'compiled' ? 'compiled build' : 'TypeScript sources'}, strangler with ` +
    `${stranglerStart(results.meta.stranglerEnv, results.meta.stranglerNodeFlags)}`
  );
}

export function formatText(results: BenchResults, color: boolean): string {
  const paint = (text: string, style?: Style) =>
    color && style ? styleText(style, text, { validateStream: false }) : text;
  const out: string[] = [
    paint(
      `strangler bench — ${results.meta.date}${results.meta.quick ? ' (quick)' : ''}, sources at ${results.meta.revision ?? '?'}`,
      'bold',
    ),
    paint(machineLine(results), 'dim'),
  ];
  for (const table of tables(results)) {
    const rows = table.rows.map((row) => row.map(cell));
    const widths = table.headers.map((header, column) =>
      Math.max(header.length, ...rows.map((row) => row[column]?.text.length ?? 0)),
    );
    const pad = (text: string, column: number) =>
      table.align[column] === 'r' ? text.padStart(widths[column] ?? 0) : text.padEnd(widths[column] ?? 0);
    out.push('', paint(table.title, 'bold'));
    out.push(paint(table.headers.map((header, column) => pad(header, column)).join('  '), 'dim'));
    for (const row of rows)
      out.push(row.map((entry, column) => paint(pad(entry.text, column), entry.style)).join('  '));
    for (const note of table.notes ?? []) out.push(paint(`  ${note}`, 'dim'));
  }
  if (results.meta.profiles.length > 0)
    out.push('', 'CPU profiles:', ...results.meta.profiles.map((file) => `  ${file}`));
  return `${out.join('\n')}\n`;
}

export function formatMarkdown(results: BenchResults): string {
  const escape = (text: string) => text.replaceAll('|', '\\|');
  const out: string[] = [
    `Run on ${results.meta.date} with \`${results.meta.command}\` (${results.meta.wallSec} s), sources at ${results.meta.revision ?? 'an unknown revision'}.`,
    '',
    `Machine: ${machineLine(results)}.`,
  ];
  for (const table of tables(results)) {
    out.push('', `### ${table.title}`, '');
    out.push(`| ${table.headers.map(escape).join(' | ')} |`);
    out.push(`|${[...table.align].map((align) => (align === 'r' ? '---:' : '---')).join('|')}|`);
    for (const row of table.rows) out.push(`| ${row.map((entry) => escape(cell(entry).text)).join(' | ')} |`);
    if (table.notes && table.notes.length > 0)
      out.push('', ...table.notes.map((note) => `- ${escape(note)}`));
  }
  return `${out.join('\n')}\n`;
}

export const RESULTS_BEGIN =
  '<!-- bench:results:begin (written by npm run bench; edit outside these markers) -->';
export const RESULTS_END = '<!-- bench:results:end -->';

/** Puts the generated section between the markers of an existing RESULTS.md, keeping everything else. */
export function mergeResults(existing: string | null, generated: string): string {
  // Generated tables stay as written (prettier would re-pad every cell at each run).
  const section = `${RESULTS_BEGIN}\n<!-- prettier-ignore-start -->\n${generated}<!-- prettier-ignore-end -->\n${RESULTS_END}`;
  if (existing !== null) {
    const begin = existing.indexOf(RESULTS_BEGIN);
    const end = existing.indexOf(RESULTS_END);
    if (begin !== -1 && end > begin)
      return existing.slice(0, begin) + section + existing.slice(end + RESULTS_END.length);
  }
  return `# strangler benchmark results\n\nRerun with \`npm run bench\` (see \`npm run bench -- --help\`).\n\n${section}\n`;
}
