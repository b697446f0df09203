/**
 * Cold starts: what the first clients of a freshly started proxy get. A new strangler process per start,
 * loaded at the fixed rate from the moment it listens: the lead-in (connections opened, code not yet
 * optimised, the shadow worker's first mirrors) and the window after it, each with its own p99. A
 * restart or a deploy puts every proxy of a fleet there; the steady-state tables never see it.
 */
import type { Lab } from '../lib/lab.ts';
import { runPaced } from '../lib/load.ts';
import { errorCell, fixed, int, tableOf } from '../lib/report.ts';
import { TARGET_PATH } from '../lib/routes-file.ts';
import { defineScenario, type BenchOptions, type ScenarioContext } from '../lib/scenario.ts';
import { setupLabel, setupOf } from '../lib/setups.ts';
import { median, sum } from '../lib/stats.ts';
import { LEAD_IN_SEC } from './fixed-rate.ts';

const COLD_SETUPS = ['strangler', 'strangler-shadow'] as const;

async function coldStart(lab: Lab, id: (typeof COLD_SETUPS)[number], name: string, options: BenchOptions) {
  const spawnedAt = performance.now();
  const proxy = await lab.start(name, setupOf(id));
  // From spawning the process to its listener being open: Node's start, routes.yaml, the shadow warm-up.
  const startMs = performance.now() - spawnedAt;
  try {
    // The lead-in is the first window: the pacer opens its connections in it, as clients would.
    const paced = {
      url: proxy.ready.url + TARGET_PATH,
      rate: options.rate,
      durationSec: options.phaseSec(1, 1),
    };
    const { leadIn, ...next } = await runPaced({ ...paced, leadInSec: LEAD_IN_SEC });
    await proxy.settle(5_000);
    const { compared, skipped } = await proxy.status();
    const [errors, non2xx] = [next.errors + leadIn.errors, next.non2xx + leadIn.non2xx];
    // Shed: mirrors not sent because the in-flight bound was reached.
    const shed = skipped.over_capacity ?? 0;
    return { startMs, firstP99Ms: leadIn.p99Ms, nextP99Ms: next.p99Ms, errors, non2xx, shed, compared };
  } finally {
    await proxy.stop();
  }
}

type Run = Awaited<ReturnType<typeof coldStart>>;

async function measure({ options, lab: open, log }: ScenarioContext) {
  const lab = await open();
  const rows = COLD_SETUPS.map((id) => ({ id, label: setupLabel(id, options.routes), runs: [] as Run[] }));
  const starts = options.quick ? 1 : 4;
  for (let round = 1; round <= starts; round++) {
    for (const row of rows) {
      row.runs.push(await coldStart(lab, row.id, `${row.id}-cold-${round}`, options));
      log(
        `cold start ${round}/${starts} ${row.id}: listening after ${row.runs.at(-1)?.startMs.toFixed(0)} ms`,
      );
    }
  }
  return { rate: options.rate, nextSec: options.phaseSec(1, 1), rows };
}

/** `median (min–max)` of a figure over a row's starts, or the one value. */
function spread(runs: readonly Run[], figure: (run: Run) => number, digits: number): string {
  const values = runs.map(figure);
  const format = (value: number) => (digits === 0 ? int(value) : fixed(value, digits));
  const range = values.length > 1 ? ` (${format(Math.min(...values))}–${format(Math.max(...values))})` : '';
  return `${format(median(values))}${range}`;
}

export default defineScenario<Awaited<ReturnType<typeof measure>>>({
  id: 'coldstart',
  measure,
  tables: ({ rate, nextSec, rows }) => [
    tableOf(
      `Cold start: a fresh process per start, ${int(rate)} req/s open loop from the moment it listens; the first ` +
        `${LEAD_IN_SEC * 1000} ms, then ${nextSec} s; median (range) over starts, interleaved`,
      rows,
      [
        ['setup', (row) => row.label],
        ['starts', (row) => String(row.runs.length)],
        ['spawn to listening, ms', (row) => spread(row.runs, (run) => run.startMs, 0)],
        [`first ${LEAD_IN_SEC * 1000} ms: p99 ms`, (row) => spread(row.runs, (run) => run.firstP99Ms, 1)],
        [`next ${nextSec} s: p99 ms`, (row) => spread(row.runs, (run) => run.nextP99Ms, 1)],
        ['mirrors compared', (row) => spread(row.runs, (run) => run.compared, 0)],
        ['mirrors shed', (row) => spread(row.runs, (run) => run.shed, 0)],
        [
          'errors',
          (row) => errorCell(sum(row.runs.map((run) => run.errors)), sum(row.runs.map((run) => run.non2xx))),
        ],
      ],
      [
        "Spawn to listening: Node's start, loading the routes, and with a shadowed route the shadow worker's warm-up. Mirrors shed: not sent because the in-flight bound was reached (over_capacity).",
      ],
    ),
  ],
});
