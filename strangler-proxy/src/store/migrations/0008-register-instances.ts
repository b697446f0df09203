/**
 * The fleet: one row per running proxy, upserted at start and at every heartbeat, deleted at a clean
 * stop. A proxy killed outright leaves its row; readers take it as gone once its heartbeat is older than
 * its own interval times its missed-heartbeat limit, both kept in the row so that readers need no setting.
 */
import type { Knex } from 'knex';
import { TABLES } from '../knex-tables.ts';

export const name = '0008-register-instances';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable(TABLES.instances, (table) => {
    table.string('id', 200).primary();
    table.string('host', 255).notNullable();
    table.integer('pid').notNullable();
    table.string('version', 64).notNullable();
    table.string('routes_revision', 100).notNullable();
    table.text('route_revisions').notNullable();
    // Filled by proxies that take their routes from a published config in the store.
    table.string('config_version', 100);
    table.bigInteger('started_at').notNullable();
    table.bigInteger('applied_at').notNullable();
    table.bigInteger('heartbeat_at').notNullable();
    table.integer('heartbeat_interval_ms').notNullable();
    table.integer('missed_heartbeats').notNullable();
    table.index(['heartbeat_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists(TABLES.instances);
}
