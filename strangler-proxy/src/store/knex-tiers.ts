/**
 * The hour and day tiers of the counter tables in SQL (see `tiers.ts`): creating them as copies of their
 * table, filling them from it, the horizon before which minutes are gone, and the window reads that sum
 * over the tiers.
 */
import type { Knex } from 'knex';
import { BUCKETED_TABLES, type BucketedTable } from './bucketed-tables.ts';
import { TABLES } from './knex-tables.ts';
import { isPostgres, num, rowsOf, type DbRow } from './knex-rows.ts';
import { tierRanges, tierTable, type Tier } from './tiers.ts';
import type { ResultQuery } from './result-store.ts';

/**
 * Creates `copy` with the columns, key and indexes of `table`. On SQLite the table's own DDL is replayed
 * under the new name: the copy then matches the table whatever migrations shaped it.
 */
export async function copyTableShape(db: Knex, table: string, copy: string): Promise<void> {
  if (isPostgres(db)) {
    await db.raw('CREATE TABLE ?? (LIKE ?? INCLUDING ALL)', [copy, table]);
    return;
  }
  const statements = await rowsOf(
    db('sqlite_master')
      .select('sql')
      .where({ tbl_name: table })
      .whereNotNull('sql')
      .orderByRaw("type = 'table' DESC"),
  );
  for (const { sql } of statements) await db.raw(String(sql).split(table).join(copy));
}

/** Adds every row of the counter table to its tier, each bucket moved to the start of the tier's. */
export async function fillTier(db: Knex, shape: BucketedTable, tier: Tier): Promise<void> {
  const { keys, counters } = shape;
  const same = shape.same ?? [];
  const columns = [...keys, 'bucket', ...counters, ...same].map(quoted).join(', ');
  const start = `bucket - (bucket % ${tier.span})`;
  const picked = [
    ...keys.map(quoted),
    start,
    ...counters.map((column) => `SUM(${quoted(column)})`),
    ...same.map((column) => `MAX(${quoted(column)})`),
  ].join(', ');
  await db.raw(
    `INSERT INTO ${quoted(tierTable(shape.table, tier))} (${columns}) SELECT ${picked} FROM ${quoted(shape.table)} GROUP BY ${[...keys.map(quoted), start].join(', ')}`,
  );
}

/** The start of the first minute the store still keeps; null while every minute is kept. */
export async function minuteHorizon(db: Knex): Promise<number | null> {
  const [row] = await rowsOf(db(TABLES.rollUp).select('minutes_from').where({ id: 1 }));
  return row?.minutes_from == null ? null : num(row.minutes_from);
}

/**
 * Moves the horizon forward to `at`, never back, in one statement: two proxies rolling up at once (with
 * different periods) leave the later horizon, so no read sums minutes that either removed.
 */
export async function advanceMinuteHorizon(db: Knex, at: number): Promise<void> {
  const table = TABLES.rollUp;
  await db(table)
    .insert({ id: 1, minutes_from: at })
    .onConflict('id')
    .merge({
      minutes_from: db.raw(
        `CASE WHEN "${table}".minutes_from IS NULL OR excluded.minutes_from > "${table}".minutes_from THEN excluded.minutes_from ELSE "${table}".minutes_from END`,
      ),
    });
}

/** Narrows a query to some routes; revisioned tables also to revisions. */
export type RowFilter = (builder: Knex.QueryBuilder) => void;

/**
 * The rows of `table` that sum to the window's evidence, as a query over a subquery aliased `t` with
 * the columns of its {@link BucketedTable} (`bucket` at each row's own resolution): whole days from the
 * day tier, the edges from the hour tier and minutes. With a `step`, only tiers whose buckets fit in one period.
 */
export async function windowRows(
  db: Knex,
  table: string,
  query: Pick<ResultQuery, 'since' | 'until'> & { readonly step?: number },
  filter: RowFilter,
): Promise<{ readonly rows: Knex.QueryBuilder }> {
  const shape = shapeOf(table);
  const columns = [...shape.keys, 'bucket', ...shape.counters, ...(shape.same ?? [])];
  const horizon = await minuteHorizon(db);
  const parts = tierRanges({ since: query.since, until: query.until, step: query.step, horizon }).map(
    (range) => {
      const part = db(tierTable(table, range.tier)).select(columns);
      if (Number.isFinite(range.from)) void part.where('bucket', '>=', range.from);
      if (Number.isFinite(range.to)) void part.where('bucket', '<', range.to);
      filter(part);
      return part;
    },
  );
  const [first, ...rest] = parts;
  // An empty window still needs a subquery of the right shape.
  const source = first ?? db(table).select(columns).whereRaw('1 = 0');
  if (rest.length > 0) void source.unionAll(rest);
  // Wrapped: a query builder is thenable, so an async function returning one would run it.
  return { rows: db.queryBuilder().from(source.as('t')) };
}

/**
 * The window's sums of `table`'s counters grouped by `by` (a key column that is the same in every row
 * of a group, such as a signature's shapes, is taken once): the read every bucketed total is.
 */
export async function windowSums(
  db: Knex,
  table: string,
  by: readonly string[],
  query: Pick<ResultQuery, 'since' | 'until'>,
  filter: RowFilter,
): Promise<DbRow[]> {
  const shape = shapeOf(table);
  const { rows } = await windowRows(db, table, query, filter);
  void rows.select(by);
  for (const column of shape.same ?? []) void rows.max({ [column]: column });
  for (const column of shape.counters) void rows.sum({ [column]: column });
  return rowsOf(rows.groupBy(by));
}

function shapeOf(table: string): BucketedTable {
  const shape = BUCKETED_TABLES.find((candidate) => candidate.table === table);
  if (!shape) throw new Error(`${table} is not a bucketed table`);
  return shape;
}

function quoted(column: string): string {
  return `"${column}"`;
}
