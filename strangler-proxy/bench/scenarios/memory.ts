/**
 * Memory under shadowed large bodies: a fresh strangler process with the route shadowed for writes
 * (`unsafe: true`), loaded with POSTs of large JSON bodies; its resident set before and at its peak.
 */
import { runLoad } from '../lib/load.ts';
import { counts, errorCell, fixed, int } from '../lib/report.ts';
import { TARGET_PATH } from '../lib/routes-file.ts';
import { defineScenario, type ScenarioContext } from '../lib/scenario.ts';

const [MB, CONNECTIONS, MAX_RSS_MB] = [1024 * 1024, 16, 320];

async function measure({ options, lab: open, log }: ScenarioContext) {
  const lab = await open();
  const proxy = await lab.start('strangler-memory', {
    kind: 'strangler',
    targetStage: 'shadow',
    shadowUnsafe: true,
  });
  const durationSec = options.phaseSec(6, 2);
  log(`memory: POST ${int(MB)}-byte bodies, shadowed, ${durationSec} s`);
  const before = await proxy.status();
  const body = Buffer.from(`{"items":"${'x'.repeat(MB - 12)}"}`);
  const post = { method: 'POST', body, headers: { 'content-type': 'application/json' } } as const;
  const load = await runLoad({
    url: proxy.ready.url + TARGET_PATH,
    connections: CONNECTIONS,
    durationSec,
    // A quick run sends a few requests per connection however long they take: some always complete.
    amount: options.quick ? 2 * CONNECTIONS : undefined,
    ...post,
  });
  await proxy.settle(5_000);
  const { maxRss, compared, skipped } = await proxy.status();
  await proxy.stop();
  return {
    ...load,
    bodyBytes: body.length,
    baselineRssMb: before.rss / MB,
    peakRssMb: maxRss / MB,
    compared,
    skipped,
  };
}

export default defineScenario<Awaited<ReturnType<typeof measure>>>({
  id: 'memory',
  measure,
  tables: (memory) => [
    {
      title: `Shadowed large bodies: POST ${int(memory.bodyBytes)}-byte JSON, shadow 100% with unsafe: true, ${CONNECTIONS} connections, ${fixed(memory.durationSec, 1)} s`,
      headers: ['figure', 'value'],
      rows: [
        ['requests (req/s)', `${int(memory.requests)} (${fixed(memory.rps, 0)})`],
        ['p99 latency, ms', fixed(memory.p99Ms, 1)],
        ['proxy RSS before, MB', fixed(memory.baselineRssMb, 0)],
        ['proxy peak RSS (getrusage), MB', fixed(memory.peakRssMb, 0)],
        ['mirrored and compared', int(memory.compared)],
        ['not mirrored, by reason', counts(memory.skipped)],
        ['errors', errorCell(memory.errors, memory.non2xx)],
      ],
    },
  ],
  targets: (memory) => [
    {
      id: 'memory-bounded',
      target: `proxy RSS ≤ ${MAX_RSS_MB} MB under shadowed 1 MiB bodies`,
      measured: `peak ${fixed(memory.peakRssMb, 0)} MB`,
      met: memory.requests > 0 && memory.peakRssMb <= MAX_RSS_MB,
    },
  ],
});
