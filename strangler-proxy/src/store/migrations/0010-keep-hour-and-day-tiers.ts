/**
 * Evidence read in days, not minutes: each bucketed counter table gains an hour tier and a day tier of
 * the same shape (see `tiers.ts`), filled from the rows already there (minutes, and hours a roll-up merged
 * in place), and `strangler_roll_up` keeps the horizon before which the roll-up has removed minutes.
 */
import type { Knex } from 'knex';
import { BUCKETED_TABLES } from '../bucketed-tables.ts';
import { copyTableShape, fillTier } from '../knex-tiers.ts';
import { TABLES } from '../knex-tables.ts';
import { DAY_TIER, HOUR_TIER, tierTable } from '../tiers.ts';

export const name = '0010-keep-hour-and-day-tiers';

const COARSER = [HOUR_TIER, DAY_TIER] as const;

export async function up(knex: Knex): Promise<void> {
  for (const shape of BUCKETED_TABLES) {
    for (const tier of COARSER) {
      await copyTableShape(knex, shape.table, tierTable(shape.table, tier));
      await fillTier(knex, shape, tier);
    }
  }
  await knex.schema.createTable(TABLES.rollUp, (table) => {
    /** Always 1: the store has one horizon. */
    table.integer('id').primary();
    table.bigInteger('minutes_from').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists(TABLES.rollUp);
  for (const shape of BUCKETED_TABLES) {
    for (const tier of COARSER) await knex.schema.dropTableIfExists(tierTable(shape.table, tier));
  }
}
