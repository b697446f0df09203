/**
 * Added latency at a fixed rate (open loop): every setup paced in turn, each round after a lead-in on
 * the same connections; the median of the rounds per setup, and its excess over direct's. The median of
 * rounds, not pooled percentiles: a round spoilt by other work on the machine is set aside.
 */
import { runPaced, type PacedResult } from '../lib/load.ts';
import { errorCell, fixed, tableOf } from '../lib/report.ts';
import { TARGET_PATH } from '../lib/routes-file.ts';
import { defineScenario, type ScenarioContext } from '../lib/scenario.ts';
import { interleave, type SetupId } from '../lib/setups.ts';
import { median, ratio, sum } from '../lib/stats.ts';

/** Requests paced before each measured round, on its connections, reported apart. */
export const LEAD_IN_SEC = 0.2;
const BOUNDS = { addedP99Ms: 2, hangingP99Rise: 0.1 } as const;
const plus = (value: number, digits = 3) =>
  Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${value.toFixed(digits)}` : '—';

async function measure({ options, setups: start, log }: ScenarioContext) {
  const setups = await start();
  const rounds = new Map<SetupId, PacedResult[]>();
  await interleave(setups, options.rounds, async (setup, url, proxy, round) => {
    await proxy?.settle(1_000);
    const paced = { url: url + TARGET_PATH, rate: options.rate, durationSec: options.phaseSec(1, 1) };
    const result = await runPaced({ ...paced, leadInSec: LEAD_IN_SEC });
    rounds.set(setup.id, [...(rounds.get(setup.id) ?? []), result]);
    log(`${options.rate}/s round ${round + 1} ${setup.id.padEnd(21)} p99 ${result.p99Ms.toFixed(3)} ms`);
  });
  const of = (id: SetupId, pick: (round: PacedResult) => number) => median(rounds.get(id)?.map(pick) ?? []);
  return setups.map(({ id, label }) => {
    const own = rounds.get(id) ?? [];
    return {
      id,
      label,
      rate: options.rate,
      rounds: own,
      p50Ms: of(id, (round) => round.p50Ms),
      p99Ms: of(id, (round) => round.p99Ms),
      maxMs: Math.max(0, ...own.map((round) => round.maxMs)),
      addedP50Ms: of(id, (round) => round.p50Ms) - of('direct', (round) => round.p50Ms),
      addedP99Ms: of(id, (round) => round.p99Ms) - of('direct', (round) => round.p99Ms),
      leadInP99Ms: of(id, (round) => round.leadIn.p99Ms),
      // The lead-in's errors too: an error is never left out.
      errors: sum(own.map((round) => round.errors + round.leadIn.errors)),
      non2xx: sum(own.map((round) => round.non2xx + round.leadIn.non2xx)),
    };
  });
}

export type FixedRateRow = Awaited<ReturnType<typeof measure>>[number];

export default defineScenario<FixedRateRow[]>({
  id: 'fixed-rate',
  usesSetups: true,
  measure,
  tables: (rows, options) => [
    tableOf(
      `Fixed rate: ${options.rate} req/s open loop, ${options.rounds} rounds interleaved, each after a ` +
        `${LEAD_IN_SEC * 1000} ms lead-in on the same connections; median of rounds`,
      rows,
      [
        ['setup', (row) => row.label],
        ['p50 ms', (row) => fixed(row.p50Ms, 3)],
        ['p99 ms', (row) => fixed(row.p99Ms, 3)],
        ['max ms', (row) => fixed(row.maxMs, 1)],
        ['added p50 ms', (row) => (row.id === 'direct' ? '—' : plus(row.addedP50Ms))],
        ['added p99 ms', (row) => (row.id === 'direct' ? '—' : plus(row.addedP99Ms))],
        ['lead-in p99 ms', (row) => fixed(row.leadInP99Ms, 3)],
        ['errors', (row) => errorCell(row.errors, row.non2xx)],
      ],
      [
        "Lead-in: each round's first requests, left out of its percentiles; its errors are in the errors column.",
      ],
    ),
  ],
  targets(rows) {
    const row = (id: SetupId) => rows.find((entry) => entry.id === id);
    const [strangler, hang] = [row('strangler'), row('strangler-shadow-hang')];
    const added = strangler?.addedP99Ms ?? NaN;
    const rise = ratio(hang?.p99Ms ?? NaN, row('strangler-shadow')?.p99Ms ?? NaN) - 1;
    const hangErrors = (hang?.errors ?? 0) + (hang?.non2xx ?? 0);
    return [
      {
        id: 'added-latency',
        target: `added p99 at a fixed ${strangler?.rate} req/s ≤ ${BOUNDS.addedP99Ms} ms over direct`,
        measured: `${plus(added)} ms p99 (p50 ${plus(strangler?.addedP50Ms ?? NaN)} ms)`,
        met: Number.isFinite(added) ? added <= BOUNDS.addedP99Ms : null,
      },
      {
        id: 'hanging-shadow',
        target: `a hanging shadow service raises the primary p99 by ≤ ${BOUNDS.hangingP99Rise * 100}% (vs a healthy shadow) and causes no error`,
        measured: `${plus(rise * 100, 1)}% p99, ${hangErrors} errors`,
        met: Number.isFinite(rise) ? rise <= BOUNDS.hangingP99Rise && hangErrors === 0 : null,
      },
    ];
  },
});
