/**
 * Comparisons persisted: a fresh strangler process with the SQLite store, the route shadowed, under
 * closed-loop load; the comparisons are read back from the database after the proxy closed.
 */
import { runLoad } from '../lib/load.ts';
import { counts, fixed, int } from '../lib/report.ts';
import { TARGET_PATH } from '../lib/routes-file.ts';
import { defineScenario, type ScenarioContext } from '../lib/scenario.ts';
import type { StranglerFinal } from '../lib/strangler-server.ts';

async function measure({ options, lab: open, log }: ScenarioContext) {
  const lab = await open();
  // A batch written every second, so that even a short run writes several.
  const proxy = await lab.start('strangler-persist', {
    kind: 'strangler',
    targetStage: 'shadow',
    flushInterval: 1_000,
  });
  const durationSec = options.phaseSec(5, 2);
  log(`persisted: shadow 100% with the SQLite store, ${durationSec} s`);
  const url = proxy.ready.url + TARGET_PATH;
  // A quick run sends a few requests per connection however long they take: some always complete.
  const amount = options.quick ? 2 * options.connections : undefined;
  const load = await runLoad({ url, connections: options.connections, durationSec, amount });
  const final = await proxy.stop<StranglerFinal>();
  const stored = final?.stored ?? { compared: 0, mismatched: 0, errors: 0 };
  return {
    ...load,
    settledComparisons: final?.compared ?? 0,
    stored,
    perSecond: stored.compared / load.durationSec,
    skipped: final?.skipped ?? {},
  };
}

export default defineScenario<Awaited<ReturnType<typeof measure>>>({
  id: 'persist',
  measure,
  tables: (persisted) => [
    {
      title: `Comparisons persisted: shadow 100%, SQLite store, ${fixed(persisted.durationSec, 1)} s of closed-loop load`,
      headers: ['figure', 'value'],
      rows: [
        ['requests (req/s)', `${int(persisted.requests)} (${fixed(persisted.rps, 0)})`],
        ['comparisons settled in the proxy', int(persisted.settledComparisons)],
        ['comparisons read back from SQLite', int(persisted.stored.compared)],
        ['comparisons persisted per second', int(persisted.perSecond)],
        [
          'stored mismatches / errors',
          `${int(persisted.stored.mismatched)} / ${int(persisted.stored.errors)}`,
        ],
        ['not mirrored, by reason', counts(persisted.skipped)],
      ],
    },
  ],
});
