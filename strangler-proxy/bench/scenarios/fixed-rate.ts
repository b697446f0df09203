/**
 * Added latency at a fixed rate (open loop): every setup paced in turn, each round after a lead-in on
 * the same connections; the median of the rounds per setup, and its excess over direct's. The median of
 * rounds, not pooled percentiles: a round spoilt by other work on the machine is set aside.
 */
import { runPaced, type PacedResult } from '../lib/load.ts';
import { cell, figure, within } from '../lib/report.ts';
import { TARGET_PATH } from '../lib/routes-file.ts';
import type { Row, Scenario, ScenarioContext } from '../lib/scenario.ts';
import { interleave, type SetupId } from '../lib/setups.ts';
import { median, ratio, sum } from '../lib/stats.ts';

/** Requests paced before each measured round, on its connections, reported apart. */
export const LEAD_IN_SEC = 0.2;
const BOUNDS = { addedP99Ms: 2, hangingP99Rise: 0.1 } as const;
const plus = (value: number) => `${value >= 0 ? '+' : ''}${cell(value)}`;

async function run({ options, setups: start, log }: ScenarioContext) {
  const setups = await start();
  const rounds = new Map<SetupId, PacedResult[]>();
  await interleave(setups, options.rounds, async ({ id, url, proxy }, round) => {
    await proxy?.settle(1_000);
    const paced = { url: url + TARGET_PATH, rate: options.rate, durationSec: options.phaseSec(1, 1) };
    const result = await runPaced({ ...paced, leadInSec: LEAD_IN_SEC });
    rounds.set(id, [...(rounds.get(id) ?? []), result]);
    log(`${options.rate}/s round ${round + 1} ${id.padEnd(21)} p99 ${cell(result.p99Ms)} ms`);
  });
  const of = (id: SetupId, pick: (round: PacedResult) => number) => median(rounds.get(id)?.map(pick) ?? []);
  const added = (id: SetupId, pick: (round: PacedResult) => number) =>
    id === 'direct' ? null : of(id, pick) - of('direct', pick);
  const rows = setups.map(({ id }) => {
    const own = rounds.get(id) ?? [];
    return {
      setup: id,
      'p50 ms': of(id, (round) => round.p50Ms),
      'p99 ms': of(id, (round) => round.p99Ms),
      'max ms': Math.max(0, ...own.map((round) => round.maxMs)),
      'added p50 ms': added(id, (round) => round.p50Ms),
      'added p99 ms': added(id, (round) => round.p99Ms),
      'lead-in p99 ms': of(id, (round) => round.leadIn.p99Ms),
      // The lead-in's errors too: an error is never left out.
      errors: sum(own.map(({ errors, non2xx, leadIn }) => errors + non2xx + leadIn.errors + leadIn.non2xx)),
    };
  });
  const title =
    `Fixed rate: ${options.rate} req/s open loop, ${options.rounds} rounds interleaved, each after a ` +
    `${LEAD_IN_SEC * 1000} ms lead-in on the same connections; median of rounds`;
  const notes = ["Lead-in: each round's first requests, left out of its percentiles, not of its errors."];
  return { tables: [{ title, rows, notes }], targets: fixedRateTargets(rows, options.rate) };
}

export function fixedRateTargets(rows: readonly Row[], rate: number) {
  const added = figure(rows, 'strangler', 'added p99 ms');
  const hangP99 = figure(rows, 'strangler-shadow-hang', 'p99 ms');
  const rise = ratio(hangP99, figure(rows, 'strangler-shadow', 'p99 ms')) - 1;
  const hangErrors = figure(rows, 'strangler-shadow-hang', 'errors');
  return [
    {
      id: 'added-latency',
      target: `added p99 at a fixed ${rate} req/s ≤ ${BOUNDS.addedP99Ms} ms over direct`,
      measured: `${plus(added)} ms p99 (p50 ${plus(figure(rows, 'strangler', 'added p50 ms'))} ms)`,
      met: within(added, BOUNDS.addedP99Ms, 'max'),
    },
    {
      id: 'hanging-shadow',
      target: `a hanging shadow service raises the primary p99 by ≤ ${BOUNDS.hangingP99Rise * 100}% (vs a healthy shadow) and causes no error`,
      measured: `${plus(rise * 100)}% p99, ${cell(hangErrors)} errors`,
      met: Number.isFinite(rise) ? rise <= BOUNDS.hangingP99Rise && hangErrors === 0 : null,
    },
  ];
}

export default { id: 'fixed-rate', usesSetups: true, run } satisfies Scenario;
