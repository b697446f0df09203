/**
 * Which side of a compared pair failed. Version 1 counted a pair as an error only when a side gave no
 * answer; a 5xx answer now fails its side too, and the gate needs the service's failures apart from the
 * monolith's. Rows written before this migration have zeros here: their transport failures stay in
 * `errors` without a side.
 */
import type { Knex } from 'knex';
import { TABLES } from '../knex-tables.ts';

export const name = '0003-count-side-errors';

export const SIDE_ERROR_COLUMNS = ['legacy_errors', 'service_errors'] as const;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable(TABLES.comparisons, (table) => {
    for (const column of SIDE_ERROR_COLUMNS) table.bigInteger(column).notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable(TABLES.comparisons, (table) => {
    for (const column of SIDE_ERROR_COLUMNS) table.dropColumn(column);
  });
}
