/**
 * The fleet's rows in a knex store (`strangler_instances`): one upserted row per running proxy. Kept
 * apart from the counters: a heartbeat is one small statement outside the recorder's batches, so a
 * backlog of evidence never delays it.
 */
import type { Knex } from 'knex';
import { TABLES } from './knex-tables.ts';
import { num, rowsOf, text, type DbRow } from './knex-rows.ts';
import type { FleetMethods, StoredInstance } from './result-store.ts';

export function knexInstances(db: Knex): FleetMethods {
  return {
    async putInstance(instance) {
      await db(TABLES.instances).insert(columnsOf(instance)).onConflict('id').merge();
    },
    async removeInstance(id) {
      await db(TABLES.instances).where('id', id).delete();
    },
    async instances() {
      const rows = await rowsOf(db(TABLES.instances).select('*'));
      return rows.map(instanceOf).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
  };
}

function columnsOf(instance: StoredInstance): DbRow {
  return {
    id: instance.id,
    host: instance.host,
    pid: instance.pid,
    version: instance.version,
    routes_revision: instance.routesRevision,
    route_revisions: JSON.stringify(instance.routeRevisions),
    config_version: instance.configVersion,
    started_at: instance.startedAt,
    applied_at: instance.appliedAt,
    heartbeat_at: instance.heartbeatAt,
    heartbeat_interval_ms: instance.heartbeatInterval,
    missed_heartbeats: instance.missedHeartbeats,
  };
}

function instanceOf(row: DbRow): StoredInstance {
  return {
    id: text(row.id),
    host: text(row.host),
    pid: num(row.pid),
    version: text(row.version),
    routesRevision: text(row.routes_revision),
    routeRevisions: JSON.parse(text(row.route_revisions)) as Record<string, string>,
    configVersion: row.config_version == null ? null : text(row.config_version),
    startedAt: num(row.started_at),
    appliedAt: num(row.applied_at),
    heartbeatAt: num(row.heartbeat_at),
    heartbeatInterval: num(row.heartbeat_interval_ms),
    missedHeartbeats: num(row.missed_heartbeats),
  };
}
