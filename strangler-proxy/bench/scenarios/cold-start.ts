/**
 * Cold starts: what the first clients of a freshly started proxy get. A new strangler process per start,
 * loaded at the fixed rate from the moment it listens: the lead-in (connections opened, code not yet
 * optimised, the shadow worker's first mirrors) and the window after it, each with its own p99. A
 * restart or a deploy puts every proxy of a fleet there; the steady-state tables never see it.
 */
import type { Lab } from '../lib/lab.ts';
import { runPaced } from '../lib/load.ts';
import { TARGET_PATH } from '../lib/routes-file.ts';
import type { BenchOptions, Scenario, ScenarioContext } from '../lib/scenario.ts';
import { setupOf } from '../lib/setups.ts';
import { median, sum } from '../lib/stats.ts';
import { LEAD_IN_SEC } from './fixed-rate.ts';

const COLD_SETUPS = ['strangler', 'strangler-shadow'] as const;

async function coldStart(lab: Lab, id: (typeof COLD_SETUPS)[number], name: string, options: BenchOptions) {
  const spawnedAt = performance.now();
  const proxy = await lab.start(name, setupOf(id));
  // From spawning the process to its listener being open: Node's start, routes.yaml, the shadow warm-up.
  const startMs = performance.now() - spawnedAt;
  // The lead-in is the first window: the pacer opens its connections in it, as clients would.
  const { rate, phaseSec } = options;
  const paced = {
    url: proxy.ready.url + TARGET_PATH,
    rate,
    durationSec: phaseSec(1, 1),
    leadInSec: LEAD_IN_SEC,
  };
  const { leadIn, ...next } = await runPaced(paced);
  await proxy.settle(5_000);
  const { compared, skipped } = await proxy.status();
  const errors = next.errors + next.non2xx + leadIn.errors + leadIn.non2xx;
  await proxy.stop();
  return { startMs, firstP99Ms: leadIn.p99Ms, nextP99Ms: next.p99Ms, errors, compared, skipped };
}

async function run({ options, lab: open, log }: ScenarioContext) {
  const lab = await open();
  const runs = new Map(COLD_SETUPS.map((id) => [id, [] as Array<Awaited<ReturnType<typeof coldStart>>>]));
  const starts = options.quick ? 1 : 4;
  for (let round = 1; round <= starts; round++) {
    for (const [id, own] of runs) {
      own.push(await coldStart(lab, id, `${id}-cold-${round}`, options));
      log(`cold start ${round}/${starts} ${id}: listening after ${own.at(-1)?.startMs.toFixed(0)} ms`);
    }
  }
  const [first, next] = [
    `first ${LEAD_IN_SEC * 1000} ms: p99 ms`,
    `next ${options.phaseSec(1, 1)} s: p99 ms`,
  ];
  const rows = [...runs].map(([id, own]) => ({
    setup: id,
    starts: own.length,
    'spawn to listening, ms': median(own.map((one) => one.startMs)),
    [first]: median(own.map((one) => one.firstP99Ms)),
    [next]: median(own.map((one) => one.nextP99Ms)),
    'mirrors compared': median(own.map((one) => one.compared)),
    // Shed: mirrors not sent because the in-flight bound was reached.
    'mirrors shed': median(own.map((one) => one.skipped.over_capacity ?? 0)),
    errors: sum(own.map((one) => one.errors)),
  }));
  const title =
    `Cold start: a fresh process per start, ${options.rate} req/s open loop from the moment it listens; the ` +
    `first ${LEAD_IN_SEC * 1000} ms, then the next window; median over starts, interleaved`;
  const notes = [
    "Spawn to listening: Node's start, loading the routes, and with a shadowed route the shadow worker's warm-up. Mirrors shed: not sent because the in-flight bound was reached (over_capacity).",
  ];
  return { tables: [{ title, rows, notes }] };
}

export default { id: 'coldstart', run } satisfies Scenario;
