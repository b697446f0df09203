/**
 * The decision ledger: one row per promote, rollback, forced step and automatic rollback, with the
 * evidence and limits it was decided on. Rows are appended, never summed, so a shared PostgreSQL store
 * keeps every proxy's and every operator's decisions side by side.
 */
import type { Knex } from 'knex';
import { TABLES } from '../knex-tables.ts';

export const name = '0005-record-decisions';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable(TABLES.decisions, (table) => {
    table.increments('id').primary();
    table.string('route_id', 200).notNullable();
    table.string('kind', 32).notNullable();
    table.bigInteger('at').notNullable();
    table.string('from_position', 64).notNullable();
    table.string('to_position', 64).notNullable();
    table.string('revision', 100).notNullable();
    table.text('evidence');
    table.text('bounds');
    table.string('user_name', 200).notNullable();
    table.string('host', 255).notNullable();
    table.text('message');
    table.index(['at']);
    table.index(['route_id', 'at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists(TABLES.decisions);
}
