/**
 * Mismatched pairs counted per verdict signature, with the differences each signature stands for, so
 * that a path learned to be noise after it was counted stops counting: the report discounts the pairs
 * whose only differences were at noise.
 */
import type { Knex } from 'knex';
import { TABLES } from '../knex-tables.ts';

export const name = '0002-count-mismatch-signatures';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable(TABLES.signatures, (table) => {
    table.string('route_id', 200).notNullable();
    table.bigInteger('bucket').notNullable();
    table.string('signature', 200).notNullable();
    table.text('shapes'); // `kind folded-path` per line; null when not all differences were listed
    table.bigInteger('count').notNullable().defaultTo(0);
    table.primary(['route_id', 'bucket', 'signature']);
    table.index(['bucket']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists(TABLES.signatures);
}
