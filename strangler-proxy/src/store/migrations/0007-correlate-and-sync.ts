/**
 * Write traffic: the identifier correlation map (one row per legacy identifier, the newest pair wins, kept
 * bounded by the writer) and the read-after-write figures (counters per route per minute, added like the
 * others) with the first out-of-sync examples of each route (the slot key caps them under concurrency).
 */
import type { Knex } from 'knex';
import { TABLES } from '../knex-tables.ts';

export const name = '0007-correlate-and-sync';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable(TABLES.correlations, (table) => {
    // Identifiers as JSON text, so a number stays a number: `17`, `"hello-world"`.
    table.text('legacy_value').primary();
    table.text('service_value').notNullable();
    table.bigInteger('at').notNullable();
    table.index(['at']);
  });
  await knex.schema.createTable(TABLES.sync, (table) => {
    table.string('route_id', 200).notNullable();
    table.bigInteger('bucket').notNullable();
    table.integer('checked').notNullable().defaultTo(0);
    table.integer('in_sync').notNullable().defaultTo(0);
    table.integer('out_of_sync').notNullable().defaultTo(0);
    table.integer('skipped').notNullable().defaultTo(0);
    table.primary(['route_id', 'bucket']);
    table.index(['bucket']);
  });
  await knex.schema.createTable(TABLES.syncExamples, (table) => {
    table.string('route_id', 200).notNullable();
    table.integer('slot').notNullable();
    table.bigInteger('at').notNullable();
    table.text('read').notNullable();
    table.integer('legacy_status').notNullable();
    table.integer('service_status').notNullable();
    table.text('differences').notNullable(); // JSON: [{ path, kind }]
    table.primary(['route_id', 'slot']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists(TABLES.syncExamples);
  await knex.schema.dropTableIfExists(TABLES.sync);
  await knex.schema.dropTableIfExists(TABLES.correlations);
}
