/**
 * The {@link ResultStore} on knex: the same code for SQLite (one file, the default) and PostgreSQL (a
 * fleet of proxies sharing one store). Every counter write is an upsert that adds
 * (`ON CONFLICT ... DO UPDATE SET n = t.n + excluded.n`), and each batch is one transaction.
 */
import knexFactory, { type Knex } from 'knex';
import { TABLES, MIGRATIONS_TABLE } from './knex-tables.ts';
import { migrationSource } from './migrations/index.ts';
import { parseStoreUrl, type StoreLocation } from './store-url.ts';
import { byText, resultOrder } from './result-order.ts';
import {
  MAX_SAMPLES_PER_SIGNATURE,
  assertTimelineStep,
  type ResultQuery,
  type ResultStore,
  type StoredSample,
  type StoredRouteEvent,
  type RouteSeen,
  type NoiseCount,
} from './result-store.ts';
import type { Stage } from '../config/schema.ts';
import type { DiffKind, Side } from '../compare/verdict.ts';
import type { RouteEventKind, SkipReason } from './types.ts';
import type { LatencySource } from './result-store.ts';

export interface KnexStoreOptions {
  /** `sqlite:./strangler.db`, `sqlite::memory:` or `postgres://…[?schema=name]`. */
  readonly url: string;
  /** Base for relative SQLite paths. Default: the process's working directory. */
  readonly cwd?: string;
  /** How long a SQLite writer waits for another process's lock before failing. Default 5 s. */
  readonly busyTimeoutMs?: number;
}

/** Rows per INSERT statement: well under SQLite's and PostgreSQL's bound-parameter limits. */
const ROWS_PER_STATEMENT = 500;

/**
 * Opens (and migrates to the latest version) the store at `url`. SQLite runs in WAL mode with a busy
 * timeout, so the proxy writing and `strangler report` reading don't block each other.
 */
export async function createKnexStore(options: KnexStoreOptions): Promise<ResultStore> {
  const location = parseStoreUrl(options.url, options.cwd);
  const db = knexFactory(knexConfig(location, options.busyTimeoutMs ?? 5_000));
  try {
    if (location.kind === 'postgres' && location.schema) {
      await db.raw('CREATE SCHEMA IF NOT EXISTS ??', [location.schema]);
    }
    await db.migrate.latest({
      migrationSource,
      tableName: MIGRATIONS_TABLE,
      ...(location.kind === 'postgres' && location.schema ? { schemaName: location.schema } : {}),
    });
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return knexStore(db);
}

/**
 * knex would print pool and driver complaints on the process's console; every failure that matters
 * already rejects the call that hit it, and callers (recorder, CLI) report it through their own channels.
 */
const quiet = {
  warn: () => undefined,
  error: () => undefined,
  deprecate: () => undefined,
  debug: () => undefined,
};

function knexConfig(location: StoreLocation, busyTimeoutMs: number): Knex.Config {
  if (location.kind === 'postgres') {
    return {
      log: quiet,
      client: 'pg',
      connection: { connectionString: location.connectionString },
      pool: { min: 0, max: 4 },
      acquireConnectionTimeout: 10_000,
      ...(location.schema ? { searchPath: [location.schema] } : {}),
    };
  }
  return {
    log: quiet,
    client: 'sqlite3',
    connection: { filename: location.filename },
    useNullAsDefault: true,
    // One connection: SQLite serialises writers anyway, and `:memory:` lives only as long as it does.
    pool: {
      min: 1,
      max: 1,
      afterCreate: (
        connection: SqliteConnection,
        done: (error: Error | null, connection: unknown) => void,
      ) => {
        const pragmas = [
          `PRAGMA busy_timeout = ${Math.trunc(busyTimeoutMs)}`,
          'PRAGMA journal_mode = WAL',
          'PRAGMA synchronous = NORMAL',
        ].join(';');
        connection.exec(pragmas, (error) => done(error, connection));
      },
    },
  };
}

interface SqliteConnection {
  exec(sql: string, callback: (error: Error | null) => void): void;
}

function knexStore(db: Knex): ResultStore {
  return {
    async write(batch) {
      await db.transaction(async (trx) => {
        await upsertAdding(
          trx,
          TABLES.comparisons,
          ['route_id', 'bucket'],
          ['compared', 'matched', 'mismatched', 'errors'],
          batch.comparisons.map((row) => ({
            route_id: row.routeId,
            bucket: row.bucket,
            compared: row.compared,
            matched: row.matched,
            mismatched: row.mismatched,
            errors: row.errors,
          })),
        );
        await upsertAdding(
          trx,
          TABLES.latency,
          ['route_id', 'bucket', 'source', 'side', 'bin'],
          ['count'],
          batch.latency.map((row) => ({
            route_id: row.routeId,
            bucket: row.bucket,
            source: row.source,
            side: row.side,
            bin: row.bin,
            count: row.count,
          })),
        );
        await upsertAdding(
          trx,
          TABLES.diffs,
          ['route_id', 'bucket', 'path', 'kind'],
          ['count'],
          batch.diffs.map((row) => ({
            route_id: row.routeId,
            bucket: row.bucket,
            path: row.path,
            kind: row.kind,
            count: row.count,
          })),
        );
        await upsertAdding(
          trx,
          TABLES.skips,
          ['route_id', 'bucket', 'reason'],
          ['count'],
          batch.skips.map((row) => ({
            route_id: row.routeId,
            bucket: row.bucket,
            reason: row.reason,
            count: row.count,
          })),
        );
        await upsertAdding(
          trx,
          TABLES.served,
          ['route_id', 'bucket', 'side'],
          ['requests', 'errors', 'fallbacks'],
          batch.served.map((row) => ({
            route_id: row.routeId,
            bucket: row.bucket,
            side: row.side,
            requests: row.requests,
            errors: row.errors,
            fallbacks: row.fallbacks,
          })),
        );
        await upsertAdding(
          trx,
          TABLES.noise,
          ['route_id', 'path'],
          ['count'],
          batch.noise.map((row) => ({
            route_id: row.routeId,
            path: row.path,
            count: row.count,
            last_seen: row.lastSeen,
          })),
          { last_seen: latest },
        );
        await upsertAdding(
          trx,
          TABLES.unmatched,
          ['bucket', 'method', 'template'],
          ['count'],
          batch.unmatched.map((row) => ({
            bucket: row.bucket,
            method: row.method,
            template: row.template,
            count: row.count,
          })),
        );
        await upsertAdding(
          trx,
          TABLES.routes,
          ['route_id'],
          [],
          batch.routes.map((row) => ({ route_id: row.routeId, stage: row.stage, last_seen: row.lastSeen })),
          { stage: newest, last_seen: latest },
        );
        await insertSamples(trx, batch.samples);
        for (const rows of chunks(batch.events)) {
          await trx(TABLES.events).insert(
            rows.map((event) => ({
              route_id: event.routeId,
              kind: event.kind,
              at: event.at,
              detail: event.detail,
            })),
          );
        }
      });
    },

    async routes(query = {}) {
      const rows = await rowsOf(
        db(TABLES.routes).select('route_id', 'stage', 'last_seen').modify(byRoute, query),
      );
      return rows
        .map((row: DbRow): RouteSeen => ({
          routeId: text(row.route_id),
          stage: text(row.stage) as Stage,
          lastSeen: num(row.last_seen),
        }))
        .sort(resultOrder.routes);
    },

    async comparisons(query = {}) {
      const rows = await rowsOf(
        db(TABLES.comparisons)
          .select('route_id')
          .modify(sums, ['compared', 'matched', 'mismatched', 'errors'])
          .modify(inWindow, query)
          .groupBy('route_id'),
      );
      return rows
        .map((row: DbRow) => ({ routeId: text(row.route_id), ...counters(row) }))
        .sort(resultOrder.comparisons);
    },

    async timeline(query) {
      const step = query.step;
      assertTimelineStep(step);
      // The step is a validated integer, inlined so that the SELECT and GROUP BY expressions are identical.
      const period = `bucket - (bucket % ${step})`;
      const rows = await rowsOf(
        db(TABLES.comparisons)
          .select('route_id', db.raw(`${period} as at`))
          .modify(sums, ['compared', 'matched', 'mismatched', 'errors'])
          .modify(inWindow, query)
          .groupBy('route_id', db.raw(period)),
      );
      return rows
        .map((row: DbRow) => ({ routeId: text(row.route_id), at: num(row.at), ...counters(row) }))
        .sort(resultOrder.timeline);
    },

    async latency(query = {}) {
      const rows = await rowsOf(
        db(TABLES.latency)
          .select('route_id', 'source', 'side', 'bin')
          .modify(sums, ['count'])
          .modify(inWindow, query)
          .groupBy('route_id', 'source', 'side', 'bin'),
      );
      return rows
        .map((row: DbRow) => ({
          routeId: text(row.route_id),
          source: text(row.source) as LatencySource,
          side: text(row.side) as Side,
          bin: num(row.bin),
          count: num(row.count),
        }))
        .sort(resultOrder.latency);
    },

    async diffs(query = {}) {
      const rows = await rowsOf(
        db(TABLES.diffs)
          .select('route_id', 'path', 'kind')
          .modify(sums, ['count'])
          .modify(inWindow, query)
          .groupBy('route_id', 'path', 'kind'),
      );
      return rows
        .map((row: DbRow) => ({
          routeId: text(row.route_id),
          path: text(row.path),
          kind: text(row.kind) as DiffKind,
          count: num(row.count),
        }))
        .sort(resultOrder.diffs);
    },

    async skips(query = {}) {
      const rows = await rowsOf(
        db(TABLES.skips)
          .select('route_id', 'reason')
          .modify(sums, ['count'])
          .modify(inWindow, query)
          .groupBy('route_id', 'reason'),
      );
      return rows
        .map((row: DbRow) => ({
          routeId: text(row.route_id),
          reason: text(row.reason) as SkipReason,
          count: num(row.count),
        }))
        .sort(resultOrder.skips);
    },

    async served(query = {}) {
      const rows = await rowsOf(
        db(TABLES.served)
          .select('route_id', 'side')
          .modify(sums, ['requests', 'errors', 'fallbacks'])
          .modify(inWindow, query)
          .groupBy('route_id', 'side'),
      );
      return rows
        .map((row: DbRow) => ({
          routeId: text(row.route_id),
          side: text(row.side) as Side,
          requests: num(row.requests),
          errors: num(row.errors),
          fallbacks: num(row.fallbacks),
        }))
        .sort(resultOrder.served);
    },

    async noise(query = {}) {
      const rows = await rowsOf(
        db(TABLES.noise).select('route_id', 'path', 'count', 'last_seen').modify(byRoute, query),
      );
      return rows
        .map((row: DbRow): NoiseCount => ({
          routeId: text(row.route_id),
          path: text(row.path),
          count: num(row.count),
          lastSeen: num(row.last_seen),
        }))
        .sort(resultOrder.noise);
    },

    async unmatched(query = {}) {
      const rows = await rowsOf(
        db(TABLES.unmatched)
          .select('method', 'template')
          .modify(sums, ['count'])
          .modify(inWindow, { ...query, routeId: undefined })
          .groupBy('method', 'template'),
      );
      const sorted = rows
        .map((row: DbRow) => ({
          method: text(row.method),
          template: text(row.template),
          count: num(row.count),
        }))
        .sort(resultOrder.unmatched);
      return query.limit === undefined ? sorted : sorted.slice(0, query.limit);
    },

    async samples(query = {}) {
      const rows = await rowsOf(
        db(TABLES.samples)
          .select('route_id', 'signature', 'at', 'request', 'legacy', 'service', 'differences')
          .modify(byRoute, query),
      );
      return rows
        .map((row: DbRow): StoredSample => ({
          routeId: text(row.route_id),
          signature: text(row.signature),
          at: num(row.at),
          request: JSON.parse(text(row.request)) as StoredSample['request'],
          legacy: row.legacy == null ? null : (JSON.parse(text(row.legacy)) as StoredSample['legacy']),
          service: row.service == null ? null : (JSON.parse(text(row.service)) as StoredSample['service']),
          differences: JSON.parse(text(row.differences)) as StoredSample['differences'],
        }))
        .sort(resultOrder.samples);
    },

    async events(query = {}) {
      const rows = await rowsOf(
        db(TABLES.events)
          .select('route_id', 'kind', 'at', 'detail')
          .modify((builder: Knex.QueryBuilder) => {
            if (query.routeId !== undefined) void builder.where('route_id', query.routeId);
            if (query.since !== undefined) void builder.where('at', '>=', query.since);
            if (query.until !== undefined) void builder.where('at', '<', query.until);
          }),
      );
      return rows
        .map((row: DbRow): StoredRouteEvent => ({
          routeId: row.route_id == null ? null : text(row.route_id),
          kind: text(row.kind) as RouteEventKind,
          at: num(row.at),
          detail: text(row.detail),
        }))
        .sort(resultOrder.events);
    },

    async close() {
      await db.destroy();
    },
  };

  /** Keeps the first samples per (route, signature): the slot primary key holds the cap under concurrency. */
  async function insertSamples(trx: Knex.Transaction, samples: readonly StoredSample[]): Promise<void> {
    const taken = new Map<string, number>();
    // In key order, like the counters: concurrent writers then wait on each other instead of deadlocking.
    const ordered = [...samples].sort(
      (a, b) => byText(a.routeId, b.routeId) || byText(a.signature, b.signature) || a.at - b.at,
    );
    for (const sample of ordered) {
      const key = JSON.stringify([sample.routeId, sample.signature]);
      let slot = taken.get(key);
      if (slot === undefined) {
        const [row] = await rowsOf(
          trx(TABLES.samples)
            .where({ route_id: sample.routeId, signature: sample.signature })
            .count({ n: '*' }),
        );
        slot = num(row?.n);
      }
      if (slot >= MAX_SAMPLES_PER_SIGNATURE) continue;
      taken.set(key, slot + 1);
      await trx(TABLES.samples)
        .insert({
          route_id: sample.routeId,
          signature: sample.signature,
          slot,
          at: sample.at,
          request: JSON.stringify(sample.request),
          legacy: sample.legacy ? JSON.stringify(sample.legacy) : null,
          service: sample.service ? JSON.stringify(sample.service) : null,
          differences: JSON.stringify(sample.differences),
        })
        .onConflict(['route_id', 'signature', 'slot'])
        .ignore();
    }
  }
}

type DbRow = Record<string, unknown>;
type Merge = (table: string, column: string) => string;

/** Keeps the value with the newest `last_seen`. */
const newest: Merge = (table, column) =>
  `CASE WHEN excluded.last_seen >= "${table}".last_seen THEN excluded.${column} ELSE "${table}".${column} END`;
/** Keeps the larger value. */
const latest: Merge = (table, column) =>
  `CASE WHEN excluded.${column} > "${table}".${column} THEN excluded.${column} ELSE "${table}".${column} END`;

/**
 * INSERT ... ON CONFLICT (keys) DO UPDATE SET counter = t.counter + excluded.counter. Rows with the same
 * key are summed first: PostgreSQL refuses to update one row twice in a statement.
 */
async function upsertAdding(
  trx: Knex.Transaction,
  table: string,
  keys: readonly string[],
  counterColumns: readonly string[],
  rows: readonly DbRow[],
  others: Readonly<Record<string, Merge>> = {},
): Promise<void> {
  if (rows.length === 0) return;
  const merged = new Map<string, DbRow>();
  for (const row of rows) {
    const id = JSON.stringify(keys.map((key) => row[key]));
    const existing = merged.get(id);
    if (!existing) {
      merged.set(id, { ...row });
      continue;
    }
    for (const column of counterColumns) existing[column] = num(existing[column]) + num(row[column]);
    for (const column of Object.keys(others)) {
      if (num(row.last_seen) >= num(existing.last_seen)) existing[column] = row[column];
    }
  }
  const update: Record<string, Knex.Raw> = {};
  for (const column of counterColumns) update[column] = trx.raw(`"${table}".${column} + excluded.${column}`);
  for (const [column, merge] of Object.entries(others)) update[column] = trx.raw(merge(table, column));
  // Every writer locks rows in the same (key) order, so proxies sharing a PostgreSQL store don't deadlock.
  const ordered = [...merged.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, row]) => row);
  for (const chunk of chunks(ordered)) {
    await trx(table)
      .insert(chunk)
      .onConflict([...keys])
      .merge(update);
  }
}

function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) out.push(rows.slice(i, i + ROWS_PER_STATEMENT));
  return out;
}

function sums(builder: Knex.QueryBuilder, columns: readonly string[]): void {
  for (const column of columns) void builder.sum({ [column]: column });
}

function inWindow(builder: Knex.QueryBuilder, query: ResultQuery): void {
  if (query.routeId !== undefined) void builder.where('route_id', query.routeId);
  if (query.since !== undefined) void builder.where('bucket', '>=', query.since);
  if (query.until !== undefined) void builder.where('bucket', '<', query.until);
}

function byRoute(builder: Knex.QueryBuilder, query: { readonly routeId?: string }): void {
  if (query.routeId !== undefined) void builder.where('route_id', query.routeId);
}

function counters(row: DbRow) {
  return {
    compared: num(row.compared),
    matched: num(row.matched),
    mismatched: num(row.mismatched),
    errors: num(row.errors),
  };
}

/** Query results are untyped in knex; every column is converted explicitly where it is read. */
async function rowsOf(query: PromiseLike<unknown>): Promise<DbRow[]> {
  return (await query) as DbRow[];
}

/** PostgreSQL returns bigint and SUM() as strings. */
function num(value: unknown): number {
  return value == null ? 0 : Number(value);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}
