/**
 * Route lookup cost, in process: what the proxy does per request before forwarding (normalise the
 * request target, then match it in the route table), for tables of several sizes built from the same
 * generated routes.yaml the proxy loads. CPU time per lookup, sizes interleaved, median of rounds.
 */
import { formatProblems } from '../../src/config/index.ts';
import { loadRoutes } from '../../src/runtime/load-routes.ts';
import { createRouteTable, normalizeRequestTarget, type RouteTable } from '../../src/routing/index.ts';
import { cell, within } from '../lib/report.ts';
import { routesYaml, TARGET_PATH } from '../lib/routes-file.ts';
import type { Row, Scenario, ScenarioContext } from '../lib/scenario.ts';
import { median } from '../lib/stats.ts';

/** Hits, and misses (what still goes to the monolith); filler route r2 exists at every size. */
const PATHS = {
  'hit /api/catalog/products/:id': TARGET_PATH,
  'hit /api/d2/r2/:id/history': '/api/d2/r2/7/history',
  'miss after 4 matching segments': '/api/d2/r2/7/comments?page=2',
  'miss at the root': '/static/img/logo.png',
};
const MAX_RATIO = 2;
const HEADERS: Readonly<Record<string, string>> = { host: 'shop.example', accept: 'application/json' };

function lookup(table: RouteTable, target: string): string {
  const normalised = normalizeRequestTarget(target);
  if (!normalised.ok) throw new Error(`bench path refused: ${target}`);
  const request = { method: 'GET', segments: normalised.segments, header: (name: string) => HEADERS[name] };
  return table.match(request)?.id ?? 'legacy';
}

/** ns of CPU per lookup over about `sliceMs` of CPU. */
function cpuNsPerLookup(table: RouteTable, target: string, sliceMs: number): number {
  const start = process.cpuUsage();
  let [iterations, used] = [0, 0];
  for (; used < sliceMs * 1000; iterations += 1_000) {
    for (let i = 0; i < 1_000; i++) lookup(table, target);
    const { user, system } = process.cpuUsage(start);
    used = user + system;
  }
  return (used * 1000) / iterations;
}

function tableOfSize(routes: number): RouteTable {
  const urls = { legacyUrl: 'http://127.0.0.1:8001', serviceUrl: 'http://127.0.0.1:8002' };
  const text = routesYaml({ routes, ...urls, targetStage: 'migrated' });
  const loaded = loadRoutes(text, { file: `routes-${routes}.yaml`, env: {}, maxBytes: 64 * 1_048_576 });
  if (!loaded.ok) throw new Error(formatProblems(loaded.problems.slice(0, 5), { color: false }));
  return createRouteTable(loaded.config.routes, { caseSensitive: loaded.config.proxy.caseSensitive });
}

function run({ options, log }: ScenarioContext) {
  const sizes = options.quick ? [10, 100, 1000] : [10, 1000, 10_000];
  log(`route lookup: tables of ${sizes.join(', ')} routes`);
  const tables = sizes.map(tableOfSize);
  const [smallest, largest] = [cell(sizes[0]), cell(sizes.at(-1))];
  const growth = `× ${largest} / ${smallest}`;
  const rows = Object.entries(PATHS).map(([request, path]): Row => {
    for (const table of tables) for (let i = 0; i < 20_000; i++) lookup(table, path); // warm-up
    const samples = tables.map((): number[] => []);
    const [rounds, sliceMs] = options.quick ? [3, 50] : [5, 100];
    for (let round = 0; round < rounds; round++)
      tables.forEach((table, index) => samples[index]!.push(cpuNsPerLookup(table, path, sliceMs)));
    const ns = samples.map(median);
    const bySize = sizes.map((size, index): [string, number] => [`${cell(size)} routes, ns`, ns[index]!]);
    const ratio = ns.at(-1)! / ns[0]!;
    return { request, ...Object.fromEntries(bySize), [growth]: ratio, matched: lookup(tables[0]!, path) };
  });
  const worst = Math.max(...rows.map((row) => Number(row[growth])));
  const target = {
    id: 'lookup-scaling',
    target: `route lookup at ${largest} routes ≤ ${MAX_RATIO}× the cost at ${smallest}`,
    measured: `worst ${cell(worst)}× over ${rows.length} paths`,
    met: within(worst, MAX_RATIO, 'max'),
  };
  const title =
    'Route lookup (normalise the request target + match in the route table): CPU ns per lookup, median';
  return Promise.resolve({ tables: [{ title, rows }], targets: [target] });
}

export default { id: 'lookup', run } satisfies Scenario;
