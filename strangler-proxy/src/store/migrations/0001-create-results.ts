/**
 * Version 1 of the results schema. Every counter table is keyed by what it aggregates (route, minute
 * bucket, ...) so writes are upserts that add; indexes are created with their tables.
 */
import type { Knex } from 'knex';
import { TABLES } from '../knex-tables.ts';

export const name = '0001-create-results';

export async function up(knex: Knex): Promise<void> {
  const routeId = (table: Knex.CreateTableBuilder) => table.string('route_id', 200).notNullable();
  const bucket = (table: Knex.CreateTableBuilder) => table.bigInteger('bucket').notNullable();
  const counter = (table: Knex.CreateTableBuilder, column: string) =>
    table.bigInteger(column).notNullable().defaultTo(0);

  await knex.schema.createTable(TABLES.comparisons, (table) => {
    routeId(table);
    bucket(table);
    for (const column of ['compared', 'matched', 'mismatched', 'errors']) counter(table, column);
    table.primary(['route_id', 'bucket']);
    table.index(['bucket']); // windows over all routes
  });

  await knex.schema.createTable(TABLES.latency, (table) => {
    routeId(table);
    bucket(table);
    table.string('source', 16).notNullable();
    table.string('side', 16).notNullable();
    table.integer('bin').notNullable();
    counter(table, 'count');
    table.primary(['route_id', 'bucket', 'source', 'side', 'bin']);
    table.index(['bucket']);
  });

  await knex.schema.createTable(TABLES.diffs, (table) => {
    routeId(table);
    bucket(table);
    table.text('path').notNullable();
    table.string('kind', 16).notNullable();
    counter(table, 'count');
    table.primary(['route_id', 'bucket', 'path', 'kind']);
    table.index(['bucket']);
  });

  await knex.schema.createTable(TABLES.skips, (table) => {
    routeId(table);
    bucket(table);
    table.string('reason', 32).notNullable();
    counter(table, 'count');
    table.primary(['route_id', 'bucket', 'reason']);
    table.index(['bucket']);
  });

  await knex.schema.createTable(TABLES.served, (table) => {
    routeId(table);
    bucket(table);
    table.string('side', 16).notNullable();
    for (const column of ['requests', 'errors', 'fallbacks']) counter(table, column);
    table.primary(['route_id', 'bucket', 'side']);
    table.index(['bucket']);
  });

  await knex.schema.createTable(TABLES.noise, (table) => {
    routeId(table);
    table.text('path').notNullable();
    counter(table, 'count');
    table.bigInteger('last_seen').notNullable();
    table.primary(['route_id', 'path']);
  });

  await knex.schema.createTable(TABLES.unmatched, (table) => {
    bucket(table);
    table.string('method', 16).notNullable();
    table.text('template').notNullable();
    counter(table, 'count');
    table.primary(['bucket', 'method', 'template']); // leads with bucket: windows are range scans
  });

  await knex.schema.createTable(TABLES.routes, (table) => {
    routeId(table);
    table.string('stage', 16).notNullable();
    table.bigInteger('last_seen').notNullable();
    table.primary(['route_id']);
  });

  await knex.schema.createTable(TABLES.samples, (table) => {
    routeId(table);
    table.string('signature', 200).notNullable();
    /** 0..2: the primary key caps samples per signature even with many proxies writing at once. */
    table.integer('slot').notNullable();
    table.bigInteger('at').notNullable();
    table.text('request').notNullable(); // JSON, redacted
    table.text('legacy'); // JSON, redacted
    table.text('service'); // JSON, redacted
    table.text('differences').notNullable(); // JSON: [{ path, kind }]
    table.primary(['route_id', 'signature', 'slot']);
  });

  await knex.schema.createTable(TABLES.events, (table) => {
    table.increments('id').primary();
    table.string('route_id', 200); // null: not about one route (reloads)
    table.string('kind', 32).notNullable();
    table.bigInteger('at').notNullable();
    table.text('detail').notNullable();
    table.index(['at']);
    table.index(['route_id', 'at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of Object.values(TABLES).reverse()) await knex.schema.dropTableIfExists(table);
}
