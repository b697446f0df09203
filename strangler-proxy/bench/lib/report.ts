/** The results as tables, one per section, for the terminal and for RESULTS.md. */
import type { BenchResults } from './bench.ts';
import type { ThroughputRow } from './closed-loop.ts';
import { medianAndRange, type ColdStartRun } from './cold-start.ts';
import type { PacedRow } from './paced-phase.ts';
import { renderMarkdown, renderText, type Cell, type Table } from './render.ts';
import { TARGET_PATH } from './routes-file.ts';
import { UPSTREAM_BODIES } from './specs.ts';
import { sum } from './stats.ts';
import { TARGET_BOUNDS } from './targets.ts';

const finite = (value: number | null | undefined): value is number =>
  typeof value === 'number' && Number.isFinite(value);
const fixed = (value: number | null | undefined, digits: number) =>
  finite(value) ? value.toFixed(digits) : '—';
const int = (value: number | null | undefined) =>
  finite(value) ? Math.round(value).toLocaleString('en-US') : '—';
const plus = (value: number) => (finite(value) ? `${value >= 0 ? '+' : ''}${value.toFixed(3)}` : '—');
const good = (ok: boolean, text: string): Cell => ({ text, style: ok ? 'green' : 'red' });
const strangler = (row: { id: string; label: string }): Cell => ({
  text: row.label,
  style: row.id.startsWith('strangler') ? 'cyan' : undefined,
});

function times(value: number): Cell {
  if (!finite(value)) return { text: '—' };
  return { text: `${value.toFixed(2)}×`, style: value >= 1 ? 'green' : value >= 0.75 ? 'yellow' : 'red' };
}
function errors(errorCount: number, non2xx: number): Cell {
  return errorCount + non2xx === 0
    ? { text: '0', style: 'dim' }
    : { text: `${errorCount} err, ${non2xx} non-2xx`, style: 'red' };
}
function counts(record: Readonly<Record<string, number>>): string {
  const entries = Object.entries(record).filter(([, count]) => count > 0);
  return entries.length === 0 ? 'none' : entries.map(([name, count]) => `${name} ${int(count)}`).join(', ');
}

function throughputTable(rows: readonly ThroughputRow[], settings: Record<string, unknown>): Table {
  return {
    title:
      `Closed-loop load: ${String(settings.connections)} connections, ${String(settings.trialSec)} s per trial, ` +
      `${String(settings.rounds)} rounds interleaved over ${String(settings.processes)} processes per proxy, median per setup; ` +
      `GET ${TARGET_PATH} → ${UPSTREAM_BODIES.legacy.length}-byte JSON`,
    headers: [
      'setup',
      'req/s',
      '× express+hpm',
      '× direct',
      'p50 ms',
      'p99 ms',
      'proxy CPU µs/req',
      'mirrored',
      'errors',
    ],
    align: 'lrrrrrrrr',
    rows: rows.map((row) => [
      strangler(row),
      int(row.rps),
      times(row.vsExpress),
      fixed(row.vsDirect, 2),
      fixed(row.p50Ms, 2),
      fixed(row.p99Ms, 2),
      fixed(row.proxyCpuUsPerReq, 1),
      row.mirroredShare === null ? '—' : `${fixed(row.mirroredShare * 100, 0)}%`,
      errors(row.errors, row.non2xx),
    ]),
  };
}

function pacedTable(rows: readonly PacedRow[], settings: Record<string, unknown>): Table {
  const leadInMs = Math.round(Number(settings.pacedLeadInSec) * 1000);
  return {
    title:
      `Paced load: ${int(Number(settings.rate))} req/s open loop, ${String(settings.pacedSec)} s × ${String(settings.pacedRounds)} ` +
      `rounds interleaved, each after a ${leadInMs} ms lead-in on the same connections; median of rounds`,
    headers: [
      'setup',
      'p50 ms',
      'p99 ms',
      'max ms',
      'added p50 ms',
      'added p99 ms',
      'lead-in p99 ms',
      'proxy CPU µs/req',
      'errors',
    ],
    align: 'lrrrrrrrr',
    rows: rows.map((row) => [
      strangler(row),
      fixed(row.p50Ms, 3),
      fixed(row.p99Ms, 3),
      fixed(row.maxMs, 1),
      row.id === 'direct' ? '—' : plus(row.addedP50Ms),
      row.id === 'direct' ? '—' : good(row.addedP99Ms <= TARGET_BOUNDS.addedP99Ms, plus(row.addedP99Ms)),
      fixed(row.leadInP99Ms, 3),
      fixed(row.proxyCpuUsPerReq, 1),
      errors(row.errors, row.non2xx),
    ]),
    notes: [
      `Lead-in: each round's first ${leadInMs} ms of requests, left out of its percentiles (wrk and wrk2 leave out a calibration period likewise); its errors are in the errors column.`,
    ],
  };
}

function lookupTable({ lookup }: BenchResults): Table | null {
  if (!lookup) return null;
  const { sizes } = lookup;
  return {
    title:
      'Route lookup (normalise the request target + match in the route table): CPU ns per lookup, median',
    headers: [
      'request',
      ...sizes.map((size) => `${int(size)} routes`),
      `${int(Math.max(...sizes))} / ${int(Math.min(...sizes))}`,
      'matched',
    ],
    align: `l${'r'.repeat(sizes.length + 1)}l`,
    rows: lookup.rows.map((row) => [
      row.label,
      ...sizes.map((size) => fixed(row.nsBySize[size], 0)),
      good(row.ratio <= TARGET_BOUNDS.lookupRatio, `${fixed(row.ratio, 2)}×`),
      { text: [...new Set(Object.values(row.matched).map((id) => id ?? 'legacy'))].join(', '), style: 'dim' },
    ]),
  };
}

function memoryTable({ memory }: BenchResults): Table | null {
  if (!memory) return null;
  return {
    title: `Shadowed large bodies: POST ${int(memory.bodyBytes)}-byte JSON, shadow 100% with unsafe: true, ${memory.connections} connections, ${fixed(memory.durationSec, 1)} s`,
    headers: ['figure', 'value'],
    align: 'lr',
    rows: [
      ['requests (req/s)', `${int(memory.requests)} (${fixed(memory.rps, 0)})`],
      ['p99 latency, ms', fixed(memory.p99Ms, 1)],
      ['proxy RSS before, MB', fixed(memory.baselineRssMb, 0)],
      [
        'proxy peak RSS (getrusage), MB',
        good(memory.peakRssMb <= TARGET_BOUNDS.rssMb, fixed(memory.peakRssMb, 0)),
      ],
      ['mirrored and compared', int(memory.compared)],
      ['not mirrored, by reason', counts(memory.skipped)],
      ['errors', errors(memory.errors, memory.non2xx)],
    ],
  };
}

function persistTable({ persisted }: BenchResults): Table | null {
  if (!persisted) return null;
  return {
    title: `Comparisons persisted: shadow 100%, SQLite store, ${fixed(persisted.durationSec, 1)} s of closed-loop load`,
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
      ['stored mismatches / errors', `${int(persisted.storedMismatched)} / ${int(persisted.storedErrors)}`],
      ['not mirrored, by reason', counts(persisted.skipped)],
    ],
  };
}

/** `median (min–max)` over a row's starts, or the one value. */
function spread(
  runs: readonly ColdStartRun[],
  figure: (run: ColdStartRun) => number,
  digits: number,
): string {
  const { median, min, max } = medianAndRange(runs.map(figure));
  const format = (value: number) => (digits === 0 ? int(value) : fixed(value, digits));
  return runs.length > 1 ? `${format(median)} (${format(min)}–${format(max)})` : format(median);
}

function coldStartTable({ coldStart: cold }: BenchResults): Table | null {
  if (!cold) return null;
  const firstMs = Math.round(cold.firstSec * 1000);
  const next = fixed(cold.nextSec, 0);
  return {
    title: `Cold start: a fresh process per start, ${int(cold.rate)} req/s open loop from the moment it listens; the first ${firstMs} ms, then ${next} s; median (range) over starts, interleaved`,
    headers: [
      'setup',
      'starts',
      'spawn to listening, ms',
      `first ${firstMs} ms: p99 ms`,
      `next ${next} s: p99 ms`,
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
      errors(sum(row.runs.map((run) => run.errors)), sum(row.runs.map((run) => run.non2xx))),
    ]),
    notes: [
      "Spawn to listening: Node's start, loading the routes, and with a shadowed route the shadow worker's warm-up (the listener opens after it). Mirrors shed: not sent because the in-flight bound was reached (over_capacity).",
    ],
  };
}

function targetsTable({ targets }: BenchResults): Table | null {
  if (targets.length === 0) return null;
  return {
    title: 'Targets',
    headers: ['target', 'measured', 'met'],
    align: 'lll',
    rows: targets.map((check) => [
      check.target,
      check.measured,
      check.met === null ? { text: 'n/a', style: 'dim' } : good(check.met, check.met ? 'yes' : 'NO'),
    ]),
  };
}

function tables(results: BenchResults): Table[] {
  const { settings } = results.meta;
  return [
    results.throughput ? throughputTable(results.throughput, settings) : null,
    results.paced ? pacedTable(results.paced, settings) : null,
    lookupTable(results),
    memoryTable(results),
    persistTable(results),
    coldStartTable(results),
    targetsTable(results),
  ].filter((table): table is Table => table !== null);
}

export function machineLine({ meta }: BenchResults): string {
  const m = meta.machine;
  return (
    `${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB RAM, ${m.os}; Node ${m.node}; load tool ${meta.tool}; ` +
    `1-min load average ${m.loadAverage} at start; servers ran the ` +
    `${meta.code === 'compiled' ? 'compiled build' : 'TypeScript sources'}, strangler with ` +
    `${meta.stranglerStart.join(' ') || 'no Node flags'}`
  );
}

export function formatText(results: BenchResults, color: boolean): string {
  const title = `strangler bench — ${results.meta.date}${results.meta.quick ? ' (quick)' : ''}, sources at ${results.meta.revision ?? '?'}`;
  return renderText([title, machineLine(results)], tables(results), color);
}

export function formatMarkdown(results: BenchResults): string {
  const { meta } = results;
  const run = `Run on ${meta.date} with \`${meta.command}\` (${meta.wallSec} s), sources at ${meta.revision ?? 'an unknown revision'}.`;
  return renderMarkdown([run, `Machine: ${machineLine(results)}.`], tables(results));
}
