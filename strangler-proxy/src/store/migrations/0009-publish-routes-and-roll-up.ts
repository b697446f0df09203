/**
 * Routes published for a fleet, and evidence kept for months. `strangler_published_routes` holds every
 * published routes.yaml, whole, by version; `strangler_routes_applied` says which version each proxy
 * applied last. The bucketed counter tables gain an index on (bucket, route_id): the roll-up walks the
 * oldest minutes of every route, and windows over all routes read by time.
 */
import type { Knex } from 'knex';
import { TABLES } from '../knex-tables.ts';

export const name = '0009-publish-routes-and-roll-up';

/** The counter tables rolled up from minutes to hours (see `roll-up.ts`). */
const BUCKETED = [
  TABLES.comparisons,
  TABLES.latency,
  TABLES.diffs,
  TABLES.signatures,
  TABLES.skips,
  TABLES.served,
] as const;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable(TABLES.publishedRoutes, (table) => {
    table.increments('version').primary();
    table.text('text').notNullable();
    /** sha256 of the text as published, hex. */
    table.string('revision', 64).notNullable();
    table.bigInteger('published_at').notNullable();
    table.string('published_by', 255).notNullable();
  });
  await knex.schema.createTable(TABLES.routesApplied, (table) => {
    table.string('instance', 255).notNullable().primary();
    table.integer('version').notNullable();
    table.string('revision', 64).notNullable();
    table.bigInteger('applied_at').notNullable();
  });
  for (const table of BUCKETED) {
    await knex.schema.alterTable(table, (builder) =>
      builder.index(['bucket', 'route_id'], `${table}_bucket_route_index`),
    );
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of BUCKETED) {
    await knex.schema.alterTable(table, (builder) =>
      builder.dropIndex(['bucket', 'route_id'], `${table}_bucket_route_index`),
    );
  }
  await knex.schema.dropTableIfExists(TABLES.routesApplied);
  await knex.schema.dropTableIfExists(TABLES.publishedRoutes);
}
