/**
 * Evidence at scale: 200 routes × 30 days, as the store holds them once rolled up (the last day in
 * minutes, every day in hours and in days), on SQLite and on PostgreSQL; then how long `report` (every
 * route over 30 days), `check` (one route's gate) and `/status` (every route's verdict) take to read it.
 *
 * `npm run bench -- --only evidence`; BENCH_POSTGRES=postgres://…|none picks the PostgreSQL server. With
 * --quick, 20 routes × 3 days.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import type { RoutesConfig } from '../../src/config/index.ts';
import { loadRoutes } from '../../src/runtime/load-routes.ts';
import { currentRevisions } from '../../src/config/route-revision.ts';
import { buildReport } from '../../src/report/build-report.ts';
import { routeVerdicts } from '../../src/runtime/route-verdicts.ts';
import { createKnexStore, openMigratedKnex } from '../../src/store/knex-store.ts';
import { TABLES } from '../../src/store/knex-tables.ts';
import { BUCKET_MS, HOUR_MS, type ResultStore } from '../../src/store/result-store.ts';
import { routesYaml } from '../lib/routes-file.ts';
import type { Scenario, ScenarioContext } from '../lib/scenario.ts';
import { CURRENT_SCHEME, latencyBin } from '../../src/store/latency-histogram.ts';
import { BUCKETED_TABLES } from '../../src/store/bucketed-tables.ts';
import { advanceMinuteHorizon, fillTier } from '../../src/store/knex-tiers.ts';
import { num, rowsOf } from '../../src/store/knex-rows.ts';
import { DAY_TIER, HOUR_TIER, TIERS, tierTable } from '../../src/store/tiers.ts';

/** Seconds: the data set's generation, then the median of three reads each. */
export interface EvidenceTimings {
  readonly engine: 'sqlite' | 'postgres';
  readonly rows: number;
  readonly generateSec: number;
  readonly reportSec: number;
  readonly checkSec: number;
  readonly statusSec: number;
}

/** Where minutes start once rolled up: the hour a day before `now`. */
function dayAgo(now: number): number {
  return Math.floor((now - 24 * HOUR_MS) / HOUR_MS) * HOUR_MS;
}

/** Bucket starts: the last day by the minute, the days before by the hour. */
function buckets(now: number, days: number): number[] {
  const out: number[] = [];
  const minutesFrom = dayAgo(now);
  for (let at = minutesFrom - (days - 1) * 24 * HOUR_MS; at < minutesFrom; at += HOUR_MS) out.push(at);
  for (let at = minutesFrom; at < now; at += BUCKET_MS) out.push(at);
  return out;
}

/**
 * Fills every counter table in one transaction (temporary tables live on one connection); returns how
 * many rows the store then holds in them, all tiers counted.
 */
export async function generate(
  db: Knex,
  config: RoutesConfig,
  at: readonly number[],
  minutesFrom: number,
): Promise<number> {
  const revisions = currentRevisions(config);
  await db.transaction(async (trx) => {
    await trx.raw('CREATE TEMPORARY TABLE bench_buckets (bucket bigint)');
    await trx.raw('CREATE TEMPORARY TABLE bench_routes (route_id varchar(200), revision varchar(100))');
    for (let i = 0; i < at.length; i += 500)
      await trx('bench_buckets').insert(at.slice(i, i + 500).map((bucket) => ({ bucket })));
    await trx('bench_routes').insert(
      config.routes.map((route) => ({ route_id: route.id, revision: revisions.get(route.id) ?? '' })),
    );
    const from = 'FROM bench_routes r CROSS JOIN bench_buckets b';
    await trx.raw(
      `INSERT INTO ${TABLES.comparisons} (route_id, bucket, revision, compared, matched, mismatched, errors, legacy_errors, service_errors) SELECT r.route_id, b.bucket, r.revision, 60, 58, 1, 1, 1, 0 ${from}`,
    );
    await trx.raw(
      `INSERT INTO ${TABLES.served} (route_id, bucket, revision, side, requests, errors, fallbacks) SELECT r.route_id, b.bucket, r.revision, 'legacy', 100, 1, 0 ${from}`,
    );
    const bins = [`'shadow', 'legacy', ${latencyBin(3)}`, `'shadow', 'service', ${latencyBin(3.5)}`];
    for (const bin of [...bins, `'served', 'legacy', ${latencyBin(3)}`])
      await trx.raw(
        `INSERT INTO ${TABLES.latency} (route_id, bucket, source, side, bin, scheme, count) SELECT r.route_id, b.bucket, ${bin}, '${CURRENT_SCHEME}', 60 ${from}`,
      );
    await trx.raw(
      `INSERT INTO ${TABLES.diffs} (route_id, bucket, revision, path, kind, count) SELECT r.route_id, b.bucket, r.revision, '$.total', 'type', 1 ${from}`,
    );
    // As writes and a roll-up leave them: every count in the hour and day tiers too, minutes for a day.
    for (const shape of BUCKETED_TABLES) {
      for (const tier of [HOUR_TIER, DAY_TIER]) await fillTier(trx, shape, tier);
      await trx(shape.table).where('bucket', '<', minutesFrom).delete();
    }
    await advanceMinuteHorizon(trx, minutesFrom);
  });
  let rows = 0;
  for (const { table } of BUCKETED_TABLES) {
    for (const tier of TIERS) {
      const [row] = await rowsOf(db(tierTable(table, tier)).count({ n: '*' }));
      rows += num(row?.n);
    }
  }
  return rows;
}

async function seconds(read: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    await read();
    times.push((performance.now() - started) / 1000);
  }
  return Math.round([...times].sort((a, b) => a - b)[1]! * 1000) / 1000;
}

type Engine = EvidenceTimings['engine'];
async function measure(
  engine: Engine,
  url: string,
  config: RoutesConfig,
  days: number,
): Promise<EvidenceTimings> {
  const now = Date.now();
  const started = performance.now();
  const { db } = await openMigratedKnex({ url });
  let rows: number;
  try {
    rows = await generate(db, config, buckets(now, days), dayAgo(now));
  } finally {
    await db.destroy();
  }
  const generateSec = Math.round(performance.now() - started) / 1000;
  const store: ResultStore = await createKnexStore({ url });
  const since = now - days * 24 * HOUR_MS;
  const revisions = currentRevisions(config);
  const one = config.routes[Math.floor(config.routes.length / 2)]!;
  try {
    return {
      engine,
      rows,
      generateSec,
      reportSec: await seconds(() => buildReport(store, { now, since, routes: config.routes, revisions })),
      checkSec: await seconds(() =>
        buildReport(store, { now, since, routeId: one.id, routes: [one], revisions }),
      ),
      statusSec: await seconds(() => routeVerdicts(store, config)),
    };
  } finally {
    await store.close();
  }
}

export async function runEvidenceAtScale(options: {
  readonly routes: number;
  readonly days: number;
  readonly postgres: string | null;
}): Promise<EvidenceTimings[]> {
  const legacyUrl = 'http://127.0.0.1:8001';
  const text = routesYaml({ ...options, legacyUrl, serviceUrl: legacyUrl, targetStage: 'shadow' });
  const loaded = loadRoutes(text, { file: 'routes.yaml', env: {} });
  if (!loaded.ok) throw new Error('the generated routes file is invalid');
  const dir = await mkdtemp(path.join(tmpdir(), 'strangler-evidence-'));
  const results: EvidenceTimings[] = [];
  try {
    const sqlite = `sqlite:${path.join(dir, 'strangler.db')}`;
    results.push(await measure('sqlite', sqlite, loaded.config, options.days));
    if (options.postgres) {
      const url = `${options.postgres}?schema=strangler_bench_${process.pid}`;
      results.push(await measure('postgres', url, loaded.config, options.days));
      const { db } = await openMigratedKnex({ url });
      await db.raw(`DROP SCHEMA strangler_bench_${process.pid} CASCADE`).finally(() => db.destroy());
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return results;
}

async function run({ options, log }: ScenarioContext) {
  const postgres = process.env.BENCH_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';
  const size = options.quick ? { routes: 20, days: 3 } : { routes: 200, days: 30 };
  log(`evidence at scale: ${size.routes} routes × ${size.days} days`);
  const results = await runEvidenceAtScale({ ...size, postgres: postgres === 'none' ? null : postgres });
  const title = `Evidence at scale: ${size.routes} routes × ${size.days} days, rolled up (s, median of 3)`;
  const rows = results.map((r) => ({
    engine: r.engine,
    rows: r.rows,
    generate: r.generateSec,
    report: r.reportSec,
    check: r.checkSec,
    '/status': r.statusSec,
  }));
  const slowest = Math.max(...results.map((r) => Math.max(r.reportSec, r.checkSec, r.statusSec)));
  const target = {
    id: 'evidence-at-scale',
    target: 'report, check and /status under 2 s at 200 routes × 30 days',
    measured: `slowest ${slowest} s`,
    met: options.quick ? null : slowest < 2,
  };
  return { tables: [{ title, rows }], targets: [target] };
}

export default { id: 'evidence', run } satisfies Scenario;
