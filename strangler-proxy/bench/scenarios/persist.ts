/**
 * Comparisons persisted: a fresh strangler process with the SQLite store, the route shadowed, under
 * closed-loop load; the comparisons are read back from the database after the proxy closed.
 */
import { runLoad } from '../lib/load.ts';
import { cell, counts } from '../lib/report.ts';
import { TARGET_PATH } from '../lib/routes-file.ts';
import type { Scenario, ScenarioContext } from '../lib/scenario.ts';
import type { StranglerFinal } from '../lib/strangler-server.ts';

async function run({ options, lab: open, log }: ScenarioContext) {
  const lab = await open();
  // A batch written every second, so that even a short run writes several.
  const proxy = await lab.start('strangler-persist', {
    kind: 'strangler',
    targetStage: 'shadow',
    flushInterval: 1e3,
  });
  const durationSec = options.phaseSec(5, 2);
  log(`persisted: shadow 100% with the SQLite store, ${durationSec} s`);
  const url = proxy.ready.url + TARGET_PATH;
  // A quick run sends a few requests per connection however long they take: some always complete.
  const amount = options.quick ? 2 * options.connections : undefined;
  const load = await runLoad({ url, connections: options.connections, durationSec, amount });
  const final = await proxy.stop<StranglerFinal>();
  const stored = final?.stored ?? { compared: 0, mismatched: 0, errors: 0 };
  const row = {
    requests: load.requests,
    'req/s': load.rps,
    'settled in the proxy': final?.compared ?? 0,
    'read back from SQLite': stored.compared,
    'persisted per second': stored.compared / load.durationSec,
    'stored mismatches': stored.mismatched,
    'stored errors': stored.errors,
    'not mirrored, by reason': counts(final?.skipped ?? {}),
  };
  const title = `Comparisons persisted: shadow 100%, SQLite store, ${cell(load.durationSec)} s of closed-loop load`;
  return { tables: [{ title, rows: [row] }] };
}

export default { id: 'persist', run } satisfies Scenario;
