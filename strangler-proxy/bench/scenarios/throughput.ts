/**
 * Closed-loop load: every setup gets the same load, interleaved over rounds; the median per setup, with
 * ratios to express + http-proxy-middleware and to the upstream alone, and the proxy process's CPU time
 * per request.
 */
import { runLoad, type LoadResult } from '../lib/load.ts';
import { cell, figure, within } from '../lib/report.ts';
import { TARGET_PATH } from '../lib/routes-file.ts';
import type { Scenario, ScenarioContext } from '../lib/scenario.ts';
import { LEGACY_PRODUCT } from '../lib/servers.ts';
import { interleave, type SetupId } from '../lib/setups.ts';
import { median, ratio, sum } from '../lib/stats.ts';

type Trial = { readonly load: LoadResult; readonly cpuUsPerReq: number; readonly compared: number };

const BOUNDS = { vsExpress: 1.0, shadowShare: 0.75 } as const;

async function run({ options, setups: start, log }: ScenarioContext) {
  const setups = await start();
  // A quick run sends a few requests per connection however long they take: some always complete.
  const amount = options.quick ? 2 * options.connections : undefined;
  const load = (url: string, durationSec: number) =>
    runLoad({ url: url + TARGET_PATH, connections: options.connections, durationSec, amount });
  for (const { id, url, proxy } of setups) {
    log(`warm-up ${id}`);
    await load(url, options.phaseSec(2, 1));
    await proxy?.settle(3_000);
  }
  const trials = new Map<SetupId, Trial[]>();
  await interleave(setups, options.rounds, async ({ id, url, proxy }, round) => {
    const before = await proxy?.status();
    const result = await load(url, options.trialSec);
    // Mirrors still in flight belong to this trial's requests: wait for them before reading the CPU.
    await proxy?.settle(3_000);
    const after = await proxy?.status();
    const cpuUsPerReq = before && after ? (after.cpuMicros - before.cpuMicros) / result.requests : NaN;
    const compared = (after?.compared ?? 0) - (before?.compared ?? 0);
    trials.set(id, [...(trials.get(id) ?? []), { load: result, cpuUsPerReq, compared }]);
    log(`round ${round + 1}/${options.rounds} ${id.padEnd(21)} ${cell(result.rps).padStart(7)} req/s`);
  });
  const rpsOf = (id: SetupId) => median(trials.get(id)?.map((trial) => trial.load.rps) ?? []);
  const rows = setups.map(({ id }) => {
    const own = trials.get(id) ?? [];
    const loads = own.map((trial) => trial.load);
    const requests = sum(loads.map((trial) => trial.requests));
    return {
      setup: id,
      requests,
      'req/s': rpsOf(id),
      '× express+hpm': ratio(rpsOf(id), rpsOf('express-hpm')),
      '× direct': ratio(rpsOf(id), rpsOf('direct')),
      'p50 ms': median(loads.map((trial) => trial.p50Ms)),
      'p99 ms': median(loads.map((trial) => trial.p99Ms)),
      'proxy CPU µs/req': id === 'direct' ? null : median(own.map((trial) => trial.cpuUsPerReq)),
      'mirrored %': id.includes('shadow') ? 100 * ratio(sum(own.map((one) => one.compared)), requests) : null,
      errors: sum(loads.map((trial) => trial.errors + trial.non2xx)),
    };
  });
  const vsExpress = figure(rows, 'strangler', '× express+hpm');
  const shadowShare = ratio(figure(rows, 'strangler-shadow', 'req/s'), figure(rows, 'strangler', 'req/s'));
  const title =
    `Closed-loop load: ${options.connections} connections, ${options.trialSec} s per trial, ${options.rounds} ` +
    `rounds interleaved, median per setup; GET ${TARGET_PATH} → ${LEGACY_PRODUCT.length}-byte JSON`;
  const targets = [
    {
      id: 'throughput-vs-express',
      target: `strangler (migrated, metrics and access logs on) ≥ ${BOUNDS.vsExpress}× express + hpm req/s (aim: fastify, ~1.3×)`,
      measured: `${cell(vsExpress)}× (fastify ${cell(figure(rows, 'fastify-proxy', '× express+hpm'))}×)`,
      met: within(vsExpress, BOUNDS.vsExpress, 'min'),
    },
    {
      id: 'shadow-throughput',
      target: `shadow at 100%: ≥ ${BOUNDS.shadowShare}× the req/s of the same route without shadow`,
      measured: `${cell(shadowShare)}×`,
      met: within(shadowShare, BOUNDS.shadowShare, 'min'),
    },
  ];
  return { tables: [{ title, rows }], targets };
}

export default { id: 'throughput', usesSetups: true, run } satisfies Scenario;
