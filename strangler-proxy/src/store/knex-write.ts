/**
 * The write side of the knex store: one batch, one transaction. Every counter is an upsert that adds
 * (`INSERT ... ON CONFLICT (key) DO UPDATE SET n = t.n + excluded.n`), so many proxies can share one
 * store without coordinating; rows go in key order, so concurrent writers never deadlock.
 */
import type { Knex } from 'knex';
import { TABLES } from './knex-tables.ts';
import { columnOf, num, rowsOf, type DbRow } from './knex-rows.ts';
import { byText } from './result-order.ts';
import { CURRENT_SCHEME } from './latency-histogram.ts';
import { MINUTE_TIER, TIERS, tierBucket, tierTable } from './tiers.ts';
import {
  COMPARISON_COUNTERS,
  MAX_SAMPLES_PER_SIGNATURE,
  MAX_STORED_CORRELATIONS,
  MAX_SYNC_EXAMPLES_PER_ROUTE,
  unmatchedCutoff,
  type ResultBatch,
  type StoredCorrelation,
  type StoredSample,
  type StoredSyncExample,
} from './result-store.ts';

/** Rows per INSERT statement: well under SQLite's and PostgreSQL's bound-parameter limits. */
const ROWS_PER_STATEMENT = 500;

/** Adds a batch in one transaction: every counter upserted adding, samples capped, events appended. */
export async function writeBatch(db: Knex, batch: ResultBatch): Promise<void> {
  // On SQLITE_FULL or an I/O error SQLite may roll the whole transaction back itself; knex's own ROLLBACK
  // then fails with "cannot rollback - no transaction is active" and rejects with that instead of the cause.
  let cause: unknown;
  try {
    await db.transaction(async (trx) => {
      try {
        await writeRows(trx, batch);
      } catch (error) {
        cause = error;
        throw error;
      }
    });
  } catch (error) {
    throw cause ?? error;
  }
}

async function writeRows(trx: Knex.Transaction, batch: ResultBatch): Promise<void> {
  await upsertTiers(
    trx,
    TABLES.comparisons,
    ['route_id', 'bucket', 'revision'],
    COMPARISON_COUNTERS.map(columnOf),
    batch.comparisons.map((row) => {
      const counters: DbRow = { route_id: row.routeId, bucket: row.bucket, revision: row.revision ?? '' };
      for (const counter of COMPARISON_COUNTERS) counters[columnOf(counter)] = row[counter];
      return counters;
    }),
  );
  await upsertTiers(
    trx,
    TABLES.latency,
    ['route_id', 'bucket', 'source', 'side', 'scheme', 'bin'],
    ['count'],
    batch.latency.map((row) => ({
      route_id: row.routeId,
      bucket: row.bucket,
      source: row.source,
      side: row.side,
      scheme: row.scheme ?? CURRENT_SCHEME,
      bin: row.bin,
      count: row.count,
    })),
  );
  await upsertTiers(
    trx,
    TABLES.noiseProbes,
    ['route_id', 'bucket', 'revision'],
    ['probes', 'disagreed'],
    batch.noiseProbes.map((row) => ({
      route_id: row.routeId,
      bucket: row.bucket,
      revision: row.revision ?? '',
      probes: row.probes,
      disagreed: row.disagreed,
    })),
  );
  await upsertTiers(
    trx,
    TABLES.diffs,
    ['route_id', 'bucket', 'path', 'kind', 'revision'],
    ['count'],
    batch.diffs.map((row) => ({
      route_id: row.routeId,
      bucket: row.bucket,
      revision: row.revision ?? '',
      path: row.path,
      kind: row.kind,
      count: row.count,
    })),
  );
  // A signature's shapes are the same in every row: the first write sets them, later ones only add.
  await upsertTiers(
    trx,
    TABLES.signatures,
    ['route_id', 'bucket', 'signature'],
    ['count'],
    batch.signatures.map((row) => ({
      route_id: row.routeId,
      bucket: row.bucket,
      signature: row.signature,
      shapes: row.shapes,
      count: row.count,
    })),
  );
  await upsertTiers(
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
  await upsertTiers(
    trx,
    TABLES.served,
    ['route_id', 'bucket', 'side', 'revision'],
    ['requests', 'errors', 'fallbacks'],
    batch.served.map((row) => ({
      route_id: row.routeId,
      bucket: row.bucket,
      revision: row.revision ?? '',
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
  await upsertTiers(
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
  if (batch.unmatched.length > 0) {
    const cutoff = unmatchedCutoff(batch.unmatched);
    for (const tier of TIERS) {
      await trx(tierTable(TABLES.unmatched, tier))
        .where('bucket', '<=', cutoff - tier.span)
        .delete();
    }
  }
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
  for (const rows of chunks(batch.decisions)) {
    await trx(TABLES.decisions).insert(
      rows.map((decision) => ({
        route_id: decision.routeId,
        kind: decision.kind,
        at: decision.at,
        from_position: decision.from,
        to_position: decision.to,
        revision: decision.revision,
        evidence: decision.evidence,
        bounds: decision.bounds,
        user_name: decision.user,
        host: decision.host,
        message: decision.message,
      })),
    );
  }
  await writeCorrelations(trx, batch.correlations);
  await upsertTiers(
    trx,
    TABLES.sync,
    ['route_id', 'bucket'],
    ['checked', 'in_sync', 'out_of_sync', 'skipped'],
    batch.sync.map((row) => ({
      route_id: row.routeId,
      bucket: row.bucket,
      checked: row.checked,
      in_sync: row.inSync,
      out_of_sync: row.outOfSync,
      skipped: row.skipped,
    })),
  );
  await insertSyncExamples(trx, batch.syncExamples);
}

/** Upserts pairs (the newest wins per legacy identifier), then forgets all but the newest ones. */
async function writeCorrelations(trx: Knex.Transaction, pairs: readonly StoredCorrelation[]): Promise<void> {
  if (pairs.length === 0) return;
  const byLegacy = new Map<string, StoredCorrelation>();
  for (const pair of pairs) {
    const key = JSON.stringify(pair.legacy);
    const existing = byLegacy.get(key);
    if (existing === undefined || pair.at >= existing.at) byLegacy.set(key, pair);
  }
  const table = TABLES.correlations;
  const ordered = [...byLegacy.entries()].sort(([a], [b]) => byText(a, b));
  for (const rows of chunks(ordered)) {
    await trx(table)
      .insert(
        rows.map(([key, pair]) => ({
          legacy_value: key,
          service_value: JSON.stringify(pair.service),
          at: pair.at,
        })),
      )
      .onConflict('legacy_value')
      .merge({
        service_value: trx.raw(
          `CASE WHEN excluded.at >= "${table}".at THEN excluded.service_value ELSE "${table}".service_value END`,
        ),
        at: trx.raw(latest(table, 'at')),
      });
  }
  const [cutoff] = await rowsOf(
    trx(table).select('at').orderBy('at', 'desc').limit(1).offset(MAX_STORED_CORRELATIONS),
  );
  if (cutoff !== undefined) await trx(table).where('at', '<=', num(cutoff.at)).delete();
}

/** Keeps the first out-of-sync examples per route: the slot primary key holds the cap under concurrency. */
async function insertSyncExamples(
  trx: Knex.Transaction,
  examples: readonly StoredSyncExample[],
): Promise<void> {
  const taken = new Map<string, number>();
  const ordered = [...examples].sort((a, b) => byText(a.routeId, b.routeId) || a.at - b.at);
  for (const example of ordered) {
    let slot = taken.get(example.routeId);
    if (slot === undefined) {
      const [row] = await rowsOf(
        trx(TABLES.syncExamples).where({ route_id: example.routeId }).count({ n: '*' }),
      );
      slot = num(row?.n);
    }
    if (slot >= MAX_SYNC_EXAMPLES_PER_ROUTE) continue;
    taken.set(example.routeId, slot + 1);
    await trx(TABLES.syncExamples)
      .insert({
        route_id: example.routeId,
        slot,
        at: example.at,
        read: example.read,
        legacy_status: example.legacyStatus,
        service_status: example.serviceStatus,
        differences: JSON.stringify(example.differences),
      })
      .onConflict(['route_id', 'slot'])
      .ignore();
  }
}

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

type Merge = (table: string, column: string) => string;

/**
 * {@link upsertAdding} into a counter table and each of its coarser tiers (`tiers.ts`), every row's
 * bucket moved to the start of the tier's: all in the batch's transaction, so no read sees one without
 * the others.
 */
async function upsertTiers(
  trx: Knex.Transaction,
  table: string,
  keys: readonly string[],
  counterColumns: readonly string[],
  rows: readonly DbRow[],
): Promise<void> {
  for (const tier of TIERS) {
    const moved =
      tier === MINUTE_TIER
        ? rows
        : rows.map((row) => ({ ...row, bucket: tierBucket(num(row.bucket), tier) }));
    await upsertAdding(trx, tierTable(table, tier), keys, counterColumns, moved);
  }
}

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
