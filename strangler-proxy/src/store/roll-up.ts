/**
 * Evidence kept for months at a bounded size: minute buckets older than the policy's `minutesFor` are
 * merged into hour buckets (counters add, histogram bins add, so every sum a report reads over whole
 * hours is unchanged), and hour buckets older than `hoursFor` are removed.
 *
 * Each run does a bounded amount of work, one hour of one table per transaction, so recorders writing
 * meanwhile wait for one short transaction at most. Rows moved are deleted and added in one statement on
 * PostgreSQL, so a record another proxy writes into an old minute during the run is moved on a later run,
 * never lost.
 */
import type { Knex } from 'knex';
import { BUCKETED_TABLES, type BucketedTable } from './bucketed-tables.ts';
import { num, rowsOf } from './knex-rows.ts';
import { HOUR_MS, type RollUpPolicy, type RollUpResult } from './result-store.ts';

export async function rollUpEvidence(
  db: Knex,
  policy: RollUpPolicy,
  now: number = Date.now(),
): Promise<RollUpResult> {
  const rollBefore = Math.floor((now - policy.minutesFor) / HOUR_MS) * HOUR_MS;
  const removeBefore = Math.floor((now - policy.hoursFor) / HOUR_MS) * HOUR_MS;
  let hoursRolled = 0;
  let rowsRemoved = 0;
  let more = false;
  for (const shape of BUCKETED_TABLES) {
    const removal = await removeOldest(db, shape.table, removeBefore, policy.hoursPerRun);
    rowsRemoved += removal.removed;
    more ||= removal.more;
    for (let done = 0; ; done++) {
      const hour = await oldestMinuteHour(db, shape.table, rollBefore);
      if (hour === null) break;
      if (done === policy.hoursPerRun) {
        more = true;
        break;
      }
      await rollUpHour(db, shape, hour);
      hoursRolled += 1;
    }
  }
  return { hoursRolled, rowsRemoved, more };
}

/** The start of the oldest hour that still holds minute rows before `before`; null when none does. */
async function oldestMinuteHour(db: Knex, table: string, before: number): Promise<number | null> {
  const [row] = await rowsOf(
    db(table).min({ first: 'bucket' }).where('bucket', '<', before).whereRaw(`bucket % ${HOUR_MS} <> 0`),
  );
  if (row?.first == null) return null;
  const first = num(row.first);
  return first - (first % HOUR_MS);
}

async function rollUpHour(db: Knex, shape: BucketedTable, hour: number): Promise<void> {
  const { table, keys, counters } = shape;
  const same = shape.same ?? [];
  const names = (columns: readonly string[]) => columns.map((column) => `"${column}"`).join(', ');
  const merged = [
    ...keys.map((key) => `"${key}"`),
    `${hour}`,
    ...counters.map((column) => `SUM("${column}")`),
    ...same.map((column) => `MAX("${column}")`),
  ].join(', ');
  const columns = names([...keys, 'bucket', ...counters, ...same]);
  const adding = counters.map((column) => `"${column}" = "${table}"."${column}" + excluded."${column}"`);
  const upsert = `ON CONFLICT (${names([...keys, 'bucket'])}) DO UPDATE SET ${adding.join(', ')}`;
  const minutes = `bucket > ${hour} AND bucket < ${hour + HOUR_MS}`;
  if (isPostgres(db)) {
    await db.raw(
      `WITH moved AS (DELETE FROM "${table}" WHERE ${minutes} RETURNING ${names([...keys, ...counters, ...same])}) ` +
        `INSERT INTO "${table}" (${columns}) SELECT ${merged} FROM moved GROUP BY ${names(keys)} ${upsert}`,
    );
    return;
  }
  // SQLite: the INSERT takes the write lock, so no other writer adds to these minutes until the commit.
  await db.transaction(async (trx) => {
    await trx.raw(
      `INSERT INTO "${table}" (${columns}) SELECT ${merged} FROM "${table}" WHERE ${minutes} GROUP BY ${names(keys)} ${upsert}`,
    );
    await trx.raw(`DELETE FROM "${table}" WHERE ${minutes}`);
  });
}

/** Removes rows before `before`, at most `hours` hours of them from the oldest. */
async function removeOldest(
  db: Knex,
  table: string,
  before: number,
  hours: number,
): Promise<{ removed: number; more: boolean }> {
  const [row] = await rowsOf(db(table).min({ first: 'bucket' }).where('bucket', '<', before));
  if (row?.first == null) return { removed: 0, more: false };
  const upTo = Math.min(before, num(row.first) + hours * HOUR_MS);
  const removed: unknown = await db(table).where('bucket', '<', upTo).delete();
  return { removed: num(removed), more: upTo < before };
}

function isPostgres(db: Knex): boolean {
  return (db.client as { readonly config: Knex.Config }).config.client === 'pg';
}
