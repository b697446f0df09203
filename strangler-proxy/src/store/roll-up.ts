/**
 * Evidence kept for months at a bounded size. Every write already adds its counts to the hour and day
 * tiers (`tiers.ts`), so rolling up only deletes: minutes older than the policy's `minutesFor` (reads
 * take their hours from the hour tier from then on, so every sum over whole hours is unchanged), and
 * every day that began before the day `hoursFor` ago (whole days, so the day tier and the hours below it
 * always hold the same evidence).
 *
 * The horizon moves first, then the minutes before it go: a read never sums minutes that are being
 * removed. Each run does a bounded amount of work, one hour of one table per statement, so recorders
 * writing meanwhile wait for one short statement at most; nothing is merged, so a record another proxy
 * writes meanwhile is never lost.
 */
import type { Knex } from 'knex';
import { BUCKETED_TABLES } from './bucketed-tables.ts';
import { advanceMinuteHorizon } from './knex-tiers.ts';
import { num, rowsOf } from './knex-rows.ts';
import { HOUR_MS, type RollUpPolicy, type RollUpResult } from './result-store.ts';
import { DAY_TIER, HOUR_TIER, MINUTE_TIER, tierTable } from './tiers.ts';

export async function rollUpEvidence(
  db: Knex,
  policy: RollUpPolicy,
  now: number = Date.now(),
): Promise<RollUpResult> {
  const minutesBefore = Math.floor((now - policy.minutesFor) / HOUR_MS) * HOUR_MS;
  // Whole days: a day's row cannot lose part of its day, so the hours of that day stay with it.
  const removeBefore = Math.floor((now - policy.hoursFor) / DAY_TIER.span) * DAY_TIER.span;
  await advanceMinuteHorizon(db, minutesBefore);
  let hoursRolled = 0;
  let rowsRemoved = 0;
  let more = false;
  for (const { table } of BUCKETED_TABLES) {
    for (const tier of [HOUR_TIER, DAY_TIER]) {
      const removal = await removeOldest(db, tierTable(table, tier), removeBefore, policy.hoursPerRun);
      rowsRemoved += removal.removed;
      more ||= removal.more;
    }
    for (let done = 0; ; done++) {
      const hour = await oldestHour(db, table, minutesBefore);
      if (hour === null) break;
      if (done === policy.hoursPerRun) {
        more = true;
        break;
      }
      const removed: unknown = await db(tierTable(table, MINUTE_TIER))
        .where('bucket', '>=', hour)
        .where('bucket', '<', Math.min(hour + HOUR_MS, minutesBefore))
        .delete();
      if (hour + HOUR_MS <= removeBefore) rowsRemoved += num(removed);
      else hoursRolled += 1;
    }
  }
  return { hoursRolled, rowsRemoved, more };
}

/** The start of the hour of the oldest row before `before`; null when there is none. */
async function oldestHour(db: Knex, table: string, before: number): Promise<number | null> {
  const [row] = await rowsOf(db(table).min({ first: 'bucket' }).where('bucket', '<', before));
  if (row?.first == null) return null;
  const first = num(row.first);
  return first - (first % HOUR_MS);
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
