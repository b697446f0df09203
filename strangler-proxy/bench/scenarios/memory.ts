/**
 * Memory under shadowed large bodies: a fresh strangler process with the route shadowed for writes
 * (`unsafe: true`), loaded with POSTs of large JSON bodies; its resident set before and at its peak.
 */
import { runLoad } from '../lib/load.ts';
import { cell, counts } from '../lib/report.ts';
import { TARGET_PATH } from '../lib/routes-file.ts';
import type { Scenario, ScenarioContext } from '../lib/scenario.ts';

const [MB, CONNECTIONS, MAX_RSS_MB] = [1024 * 1024, 16, 320];

async function run({ options, lab: open, log }: ScenarioContext) {
  const lab = await open();
  const proxy = await lab.start('strangler-memory', {
    kind: 'strangler',
    targetStage: 'shadow',
    shadowUnsafe: true,
  });
  const durationSec = options.phaseSec(6, 2);
  log(`memory: POST ${cell(MB)}-byte bodies, shadowed, ${durationSec} s`);
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
  const row = {
    requests: load.requests,
    'req/s': load.rps,
    'p99 ms': load.p99Ms,
    'RSS before, MB': before.rss / MB,
    'peak RSS (getrusage), MB': maxRss / MB,
    'mirrored and compared': compared,
    'not mirrored, by reason': counts(skipped),
    errors: load.errors + load.non2xx,
  };
  const title =
    `Shadowed large bodies: POST ${cell(body.length)}-byte JSON, shadow 100% with unsafe: true, ` +
    `${CONNECTIONS} connections, ${cell(load.durationSec)} s`;
  const target = {
    id: 'memory-bounded',
    target: `proxy RSS ≤ ${MAX_RSS_MB} MB under shadowed 1 MiB bodies`,
    measured: `peak ${cell(Math.round(maxRss / MB))} MB`,
    met: load.requests > 0 && maxRss / MB <= MAX_RSS_MB,
  };
  return { tables: [{ title, rows: [row] }], targets: [target] };
}

export default { id: 'memory', run } satisfies Scenario;
