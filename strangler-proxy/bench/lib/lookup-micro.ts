/**
 * Route lookup cost, in process: what the proxy does per request before forwarding (normalise the
 * request target, then match it in the route table), for tables of several sizes built from the same
 * generated routes.yaml the proxy loads. CPU time per lookup, sizes interleaved, median of rounds.
 */
import { formatProblems } from '../../src/config/index.ts';
import { loadRoutes } from '../../src/runtime/load-routes.ts';
import { createRouteTable, normalizeRequestTarget, type RouteTable } from '../../src/routing/index.ts';
import { lookupPaths, routesYaml } from './routes-file.ts';
import { median } from './stats.ts';

export interface LookupOptions {
  readonly sizes: readonly number[];
  /** CPU time per measurement. */
  readonly sliceMs: number;
  readonly rounds: number;
}

export interface LookupRow {
  readonly label: string;
  /** ns per lookup, by table size. */
  readonly nsBySize: Readonly<Record<number, number>>;
  readonly matched: Readonly<Record<number, string | null>>;
  /** Largest size's cost over the smallest's. */
  readonly ratio: number;
}

export interface LookupResult {
  readonly sizes: readonly number[];
  readonly rows: readonly LookupRow[];
}

const HEADERS: Readonly<Record<string, string>> = { host: 'shop.example', accept: 'application/json' };
const header = (name: string): string | undefined => HEADERS[name];

function lookup(table: RouteTable, target: string): string | null {
  const normalised = normalizeRequestTarget(target);
  if (!normalised.ok) throw new Error(`bench path refused: ${target}`);
  return table.match({ method: 'GET', segments: normalised.segments, header })?.id ?? null;
}

/** ns of CPU per lookup over about `sliceMs` of CPU. */
function measure(table: RouteTable, target: string, sliceMs: number): number {
  let iterations = 0;
  const cpu = process.cpuUsage();
  let used = 0;
  while (used < sliceMs * 1000) {
    for (let i = 0; i < 1_000; i++) lookup(table, target);
    iterations += 1_000;
    const delta = process.cpuUsage(cpu);
    used = delta.user + delta.system;
  }
  return (used * 1000) / iterations;
}

export function runLookupMicro(options: LookupOptions): LookupResult {
  const tables = new Map<number, RouteTable>();
  for (const size of options.sizes) {
    const text = routesYaml({
      routes: size,
      legacyUrl: 'http://127.0.0.1:8001',
      serviceUrl: 'http://127.0.0.1:8002',
      targetStage: 'migrated',
    });
    const loaded = loadRoutes(text, { file: `routes-${size}.yaml`, env: {}, maxBytes: 64 * 1_048_576 });
    if (!loaded.ok) throw new Error(formatProblems(loaded.problems.slice(0, 5), { color: false }));
    tables.set(
      size,
      createRouteTable(loaded.config.routes, { caseSensitive: loaded.config.proxy.caseSensitive }),
    );
  }

  const largest = Math.max(...options.sizes);
  const smallest = Math.min(...options.sizes);
  const rows: LookupRow[] = [];
  for (const { label, path } of lookupPaths()) {
    const samples = new Map<number, number[]>(options.sizes.map((size) => [size, []]));
    const matched: Record<number, string | null> = {};
    for (const [size, table] of tables) {
      matched[size] = lookup(table, path);
      for (let i = 0; i < 20_000; i++) lookup(table, path); // warm-up
    }
    for (let round = 0; round < options.rounds; round++) {
      for (const [size, table] of tables) samples.get(size)?.push(measure(table, path, options.sliceMs));
    }
    const nsBySize: Record<number, number> = {};
    for (const [size, values] of samples) nsBySize[size] = median(values);
    rows.push({ label, nsBySize, matched, ratio: (nsBySize[largest] ?? NaN) / (nsBySize[smallest] ?? NaN) });
  }
  return { sizes: options.sizes, rows };
}
