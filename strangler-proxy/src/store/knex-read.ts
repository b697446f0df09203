/**
 * The read side of the knex store: sums over a window, computed in the database, converted and sorted
 * here (code-point order, whatever the database's collation).
 */
import type { Knex } from 'knex';
import type { Stage } from '../config/schema.ts';
import type { DiffKind } from '../compare/verdict.ts';
import type { Side } from '../config/side.ts';
import type { RouteEventKind, SkipReason } from './types.ts';
import { TABLES } from './knex-tables.ts';
import type { LatencyScheme } from './latency-histogram.ts';
import { columnOf, num, rowsOf, text, type DbRow } from './knex-rows.ts';
import { resultOrder } from './result-order.ts';
import { windowRows, windowSums, type RowFilter } from './knex-tiers.ts';
import {
  COMPARISON_COUNTERS,
  assertTimelineStep,
  type ComparisonTotals,
  type LatencySource,
  type NoiseCount,
  type ResultQuery,
  type ResultReader,
  type RouteSeen,
  type DecisionKind,
  type StoredDecision,
  type StoredRouteEvent,
  type StoredSample,
  type StoredCorrelation,
  type StoredSyncExample,
  type SyncTotals,
} from './result-store.ts';

/** Every read of the evidence ({@link ResultReader}), over a knex connection. */
export function knexReader(db: Knex): ResultReader {
  return {
    async routes(query = {}) {
      const rows = await rowsOf(
        db(TABLES.routes).select('route_id', 'stage', 'last_seen').modify(byRoute, query),
      );
      return rows
        .map((row: DbRow): RouteSeen => ({
          routeId: text(row.route_id),
          stage: text(row.stage) as Stage,
          lastSeen: num(row.last_seen),
        }))
        .sort(resultOrder.routes);
    },

    async comparisons(query = {}) {
      const rows = await windowSums(db, TABLES.comparisons, ['route_id'], query, inRoutesAndRevisions(query));
      return rows
        .map((row: DbRow) => ({ routeId: text(row.route_id), ...counters(row) }))
        .sort(resultOrder.comparisons);
    },

    async timeline(query) {
      const step = query.step;
      assertTimelineStep(step);
      // The step is a validated integer, inlined so that the SELECT and GROUP BY expressions are identical.
      const period = `bucket - (bucket % ${step})`;
      const rows = await rowsOf(
        (await windowRows(db, TABLES.comparisons, { ...query, step }, inRoutesAndRevisions(query))).rows
          .select('route_id', db.raw(`${period} as at`))
          .modify(sums, COMPARISON_COUNTERS.map(columnOf))
          .groupBy('route_id', db.raw(period)),
      );
      return rows
        .map((row: DbRow) => ({ routeId: text(row.route_id), at: num(row.at), ...counters(row) }))
        .sort(resultOrder.timeline);
    },

    async latency(query = {}) {
      const rows = await windowSums(
        db,
        TABLES.latency,
        ['route_id', 'source', 'side', 'scheme', 'bin'],
        query,
        inRoutes(query),
      );
      return rows
        .map((row: DbRow) => ({
          routeId: text(row.route_id),
          source: text(row.source) as LatencySource,
          side: text(row.side) as Side,
          scheme: text(row.scheme) as LatencyScheme,
          bin: num(row.bin),
          count: num(row.count),
        }))
        .sort(resultOrder.latency);
    },

    async noiseProbes(query = {}) {
      const rows = await windowSums(db, TABLES.noiseProbes, ['route_id'], query, inRoutesAndRevisions(query));
      return rows
        .map((row: DbRow) => ({
          routeId: text(row.route_id),
          probes: num(row.probes),
          disagreed: num(row.disagreed),
        }))
        .sort(resultOrder.noiseProbes);
    },

    async diffs(query = {}) {
      const rows = await windowSums(
        db,
        TABLES.diffs,
        ['route_id', 'path', 'kind'],
        query,
        inRoutesAndRevisions(query),
      );
      return rows
        .map((row: DbRow) => ({
          routeId: text(row.route_id),
          path: text(row.path),
          kind: text(row.kind) as DiffKind,
          count: num(row.count),
        }))
        .sort(resultOrder.diffs);
    },

    async signatures(query = {}) {
      const rows = await windowSums(db, TABLES.signatures, ['route_id', 'signature'], query, inRoutes(query));
      return rows
        .map((row: DbRow) => ({
          routeId: text(row.route_id),
          signature: text(row.signature),
          shapes: row.shapes === null || row.shapes === undefined ? null : text(row.shapes),
          count: num(row.count),
        }))
        .sort(resultOrder.signatures);
    },

    async skips(query = {}) {
      const rows = await windowSums(db, TABLES.skips, ['route_id', 'reason'], query, inRoutes(query));
      return rows
        .map((row: DbRow) => ({
          routeId: text(row.route_id),
          reason: text(row.reason) as SkipReason,
          count: num(row.count),
        }))
        .sort(resultOrder.skips);
    },

    async served(query = {}) {
      const rows = await windowSums(
        db,
        TABLES.served,
        ['route_id', 'side'],
        query,
        inRoutesAndRevisions(query),
      );
      return rows
        .map((row: DbRow) => ({
          routeId: text(row.route_id),
          side: text(row.side) as Side,
          requests: num(row.requests),
          errors: num(row.errors),
          fallbacks: num(row.fallbacks),
        }))
        .sort(resultOrder.served);
    },

    async noise(query = {}) {
      const rows = await rowsOf(
        db(TABLES.noise).select('route_id', 'path', 'count', 'last_seen').modify(byRoute, query),
      );
      return rows
        .map((row: DbRow): NoiseCount => ({
          routeId: text(row.route_id),
          path: text(row.path),
          count: num(row.count),
          lastSeen: num(row.last_seen),
        }))
        .sort(resultOrder.noise);
    },

    async unmatched(query = {}) {
      const rows = await windowSums(db, TABLES.unmatched, ['method', 'template'], query, () => undefined);
      const sorted = rows
        .map((row: DbRow) => ({
          method: text(row.method),
          template: text(row.template),
          count: num(row.count),
        }))
        .sort(resultOrder.unmatched);
      return query.limit === undefined ? sorted : sorted.slice(0, query.limit);
    },

    async samples(query = {}) {
      const rows = await rowsOf(
        db(TABLES.samples)
          .select('route_id', 'signature', 'at', 'request', 'legacy', 'service', 'differences')
          .modify(byRoute, query),
      );
      return rows
        .map((row: DbRow): StoredSample => ({
          routeId: text(row.route_id),
          signature: text(row.signature),
          at: num(row.at),
          request: JSON.parse(text(row.request)) as StoredSample['request'],
          legacy: row.legacy == null ? null : (JSON.parse(text(row.legacy)) as StoredSample['legacy']),
          service: row.service == null ? null : (JSON.parse(text(row.service)) as StoredSample['service']),
          differences: JSON.parse(text(row.differences)) as StoredSample['differences'],
        }))
        .sort(resultOrder.samples);
    },

    async events(query = {}) {
      const rows = await rowsOf(
        db(TABLES.events)
          .select('route_id', 'kind', 'at', 'detail')
          .modify((builder: Knex.QueryBuilder) => {
            if (query.routeId !== undefined) void builder.where('route_id', query.routeId);
            if (query.since !== undefined) void builder.where('at', '>=', query.since);
            if (query.until !== undefined) void builder.where('at', '<', query.until);
          }),
      );
      return rows
        .map((row: DbRow): StoredRouteEvent => ({
          routeId: row.route_id == null ? null : text(row.route_id),
          kind: text(row.kind) as RouteEventKind,
          at: num(row.at),
          detail: text(row.detail),
        }))
        .sort(resultOrder.events);
    },

    async decisions(query = {}) {
      const rows = await rowsOf(
        db(TABLES.decisions)
          .select(
            'route_id',
            'kind',
            'at',
            'from_position',
            'to_position',
            'revision',
            'evidence',
            'bounds',
            'user_name',
            'host',
            'message',
          )
          .modify((builder: Knex.QueryBuilder) => {
            if (query.routeId !== undefined) void builder.where('route_id', query.routeId);
            if (query.since !== undefined) void builder.where('at', '>=', query.since);
            if (query.until !== undefined) void builder.where('at', '<', query.until);
          }),
      );
      return rows
        .map((row: DbRow): StoredDecision => ({
          routeId: text(row.route_id),
          kind: text(row.kind) as DecisionKind,
          at: num(row.at),
          from: text(row.from_position),
          to: text(row.to_position),
          revision: text(row.revision),
          evidence: row.evidence == null ? null : text(row.evidence),
          bounds: row.bounds == null ? null : text(row.bounds),
          user: text(row.user_name),
          host: text(row.host),
          message: row.message == null ? null : text(row.message),
        }))
        .sort(resultOrder.decisions);
    },

    async correlations(limit) {
      const rows = await rowsOf(
        db(TABLES.correlations)
          .select('legacy_value', 'service_value', 'at')
          .orderBy([
            { column: 'at', order: 'desc' },
            { column: 'legacy_value', order: 'desc' },
          ])
          .limit(limit),
      );
      return rows
        .map((row: DbRow): StoredCorrelation => ({
          legacy: JSON.parse(text(row.legacy_value)) as StoredCorrelation['legacy'],
          service: JSON.parse(text(row.service_value)) as StoredCorrelation['service'],
          at: num(row.at),
        }))
        .sort(resultOrder.correlations);
    },

    async sync(query = {}) {
      const rows = await windowSums(db, TABLES.sync, ['route_id'], query, inRoutes(query));
      return rows
        .map((row: DbRow): SyncTotals => ({
          routeId: text(row.route_id),
          checked: num(row.checked),
          inSync: num(row.in_sync),
          outOfSync: num(row.out_of_sync),
          skipped: num(row.skipped),
        }))
        .sort(resultOrder.sync);
    },

    async syncExamples(query = {}) {
      const rows = await rowsOf(
        db(TABLES.syncExamples)
          .select('route_id', 'at', 'read', 'legacy_status', 'service_status', 'differences')
          .modify(byRoute, query),
      );
      return rows
        .map((row: DbRow): StoredSyncExample => ({
          routeId: text(row.route_id),
          at: num(row.at),
          read: text(row.read),
          legacyStatus: num(row.legacy_status),
          serviceStatus: num(row.service_status),
          differences: JSON.parse(text(row.differences)) as StoredSyncExample['differences'],
        }))
        .sort(resultOrder.syncExamples);
    },
  };
}

function sums(builder: Knex.QueryBuilder, columns: readonly string[]): void {
  for (const column of columns) void builder.sum({ [column]: column });
}

/** The rows of the routes a query names. */
function inRoutes(query: ResultQuery): RowFilter {
  return (builder) => {
    if (query.routeId !== undefined) void builder.where('route_id', query.routeId);
    if (query.revisions !== undefined) void builder.whereIn('route_id', [...query.revisions.keys()]);
  };
}

/** {@link inRoutes}, narrowed to the query's revisions: only for tables whose rows carry one. */
function inRoutesAndRevisions(query: ResultQuery): RowFilter {
  return (builder) => {
    inRoutes(query)(builder);
    if (query.revision !== undefined) void builder.where('revision', query.revision);
    const revisions = query.revisions;
    // One list of pairs rather than an OR per route: the database matches it as a set.
    if (revisions !== undefined && revisions.size > 0) {
      void builder.whereIn(['route_id', 'revision'], [...revisions]);
    }
  };
}

function byRoute(builder: Knex.QueryBuilder, query: { readonly routeId?: string }): void {
  if (query.routeId !== undefined) void builder.where('route_id', query.routeId);
}

function counters(row: DbRow): Omit<ComparisonTotals, 'routeId'> {
  const totals = Object.fromEntries(
    COMPARISON_COUNTERS.map((counter) => [counter, num(row[columnOf(counter)])]),
  );
  return totals as Record<(typeof COMPARISON_COUNTERS)[number], number>;
}
