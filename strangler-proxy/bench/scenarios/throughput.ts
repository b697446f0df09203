/**
 * Closed-loop load: every setup gets the same load, interleaved over rounds; the median per setup, with
 * ratios to express + http-proxy-middleware and to the upstream alone, and the proxy process's CPU time
 * per request.
 */
import { runLoad, type LoadResult } from '../lib/load.ts';
import { errorCell, fixed, int, tableOf } from '../lib/report.ts';
import { TARGET_PATH } from '../lib/routes-file.ts';
import { defineScenario, type ScenarioContext } from '../lib/scenario.ts';
import { LEGACY_PRODUCT } from '../lib/servers.ts';
import { interleave, type SetupId } from '../lib/setups.ts';
import { median, ratio, sum } from '../lib/stats.ts';

type Trial = { readonly load: LoadResult; readonly cpuUsPerReq: number; readonly compared: number };
export type ThroughputRow = Awaited<ReturnType<typeof measure>>[number];

const BOUNDS = { vsExpress: 1.0, shadowShare: 0.75 } as const;
const times = (value: number | undefined) => `${fixed(value, 2)}×`;

async function measure({ options, setups: start, log }: ScenarioContext) {
  const setups = await start();
  // A quick run sends a few requests per connection however long they take: some always complete.
  const amount = options.quick ? 2 * options.connections : undefined;
  const load = (url: string, durationSec: number) =>
    runLoad({ url: url + TARGET_PATH, connections: options.connections, durationSec, amount });
  for (const setup of setups) {
    log(`warm-up ${setup.id}`);
    for (const { url, proxy } of setup.processes) {
      await load(url, options.phaseSec(2, 1));
      await proxy?.settle(3_000);
    }
  }
  const trials = new Map<SetupId, Trial[]>();
  await interleave(setups, options.rounds, async (setup, url, proxy, round) => {
    const before = await proxy?.status();
    const result = await load(url, options.trialSec);
    // Mirrors still in flight belong to this trial's requests: wait for them before reading the CPU.
    await proxy?.settle(3_000);
    const after = await proxy?.status();
    const cpuUsPerReq = before && after ? (after.cpuMicros - before.cpuMicros) / result.requests : NaN;
    const compared = (after?.compared ?? 0) - (before?.compared ?? 0);
    trials.set(setup.id, [...(trials.get(setup.id) ?? []), { load: result, cpuUsPerReq, compared }]);
    log(`round ${round + 1}/${options.rounds} ${setup.id.padEnd(21)} ${int(result.rps).padStart(7)} req/s`);
  });
  const rpsOf = (id: SetupId) => median(trials.get(id)?.map((trial) => trial.load.rps) ?? []);
  return setups.map(({ id, label }) => {
    const own = trials.get(id) ?? [];
    const loads = own.map((trial) => trial.load);
    const requests = sum(loads.map((trial) => trial.requests));
    const cpu = median(own.map((trial) => trial.cpuUsPerReq));
    return {
      id,
      label,
      trials: loads,
      rps: rpsOf(id),
      vsExpress: ratio(rpsOf(id), rpsOf('express-hpm')),
      vsDirect: ratio(rpsOf(id), rpsOf('direct')),
      p50Ms: median(loads.map((trial) => trial.p50Ms)),
      p99Ms: median(loads.map((trial) => trial.p99Ms)),
      /** null for `direct`, which has no proxy. */
      proxyCpuUsPerReq: Number.isNaN(cpu) ? null : cpu,
      requests,
      errors: sum(loads.map((trial) => trial.errors)),
      non2xx: sum(loads.map((trial) => trial.non2xx)),
      /** Share of the requests mirrored and compared; null for setups without a shadow. */
      mirroredShare: id.includes('shadow') ? ratio(sum(own.map((trial) => trial.compared)), requests) : null,
    };
  });
}

export default defineScenario<ThroughputRow[]>({
  id: 'throughput',
  usesSetups: true,
  measure,
  tables: (rows, options) => [
    tableOf(
      `Closed-loop load: ${options.connections} connections, ${options.trialSec} s per trial, ${options.rounds} ` +
        `rounds interleaved over ${options.processes} processes per proxy, median per setup; ` +
        `GET ${TARGET_PATH} → ${LEGACY_PRODUCT.length}-byte JSON`,
      rows,
      [
        ['setup', (row) => row.label],
        ['req/s', (row) => int(row.rps)],
        ['× express+hpm', (row) => times(row.vsExpress)],
        ['× direct', (row) => fixed(row.vsDirect, 2)],
        ['p50 ms', (row) => fixed(row.p50Ms, 2)],
        ['p99 ms', (row) => fixed(row.p99Ms, 2)],
        ['proxy CPU µs/req', (row) => fixed(row.proxyCpuUsPerReq, 1)],
        ['mirrored', (row) => (row.mirroredShare === null ? '—' : `${fixed(row.mirroredShare * 100, 0)}%`)],
        ['errors', (row) => errorCell(row.errors, row.non2xx)],
      ],
    ),
  ],
  targets(rows) {
    const row = (id: SetupId) => rows.find((entry) => entry.id === id);
    const vsExpress = row('strangler')?.vsExpress ?? NaN;
    const shadowShare = ratio(row('strangler-shadow')?.rps ?? NaN, row('strangler')?.rps ?? NaN);
    const atLeast = (value: number, bound: number) => (Number.isFinite(value) ? value >= bound : null);
    return [
      {
        id: 'throughput-vs-express',
        target: `strangler (migrated, metrics and access logs on) ≥ ${times(BOUNDS.vsExpress)} express + hpm req/s (aim: fastify, ~1.3×)`,
        measured: `${times(vsExpress)} (fastify ${times(row('fastify-proxy')?.vsExpress)})`,
        met: atLeast(vsExpress, BOUNDS.vsExpress),
      },
      {
        id: 'shadow-throughput',
        target: `shadow at 100%: ≥ ${times(BOUNDS.shadowShare)} the req/s of the same route without shadow`,
        measured: times(shadowShare),
        met: atLeast(shadowShare, BOUNDS.shadowShare),
      },
    ];
  },
});
