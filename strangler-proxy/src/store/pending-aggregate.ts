/**
 * What a recorder has aggregated since its last write: counters nested route → minute bucket → row, so
 * the hot path does a few map lookups on keys it already has (the route id string, the bucket number, a
 * small number for a latency bin) instead of hashing freshly built composite keys. Adding a batch to an
 * aggregate adds its counters, which is how what a failed write left is retried together with newer records.
 */
import type { Stage } from '../config/schema.ts';
import type { DiffKind } from '../compare/verdict.ts';
import type { Side } from '../config/side.ts';
import type { SkipReason } from './types.ts';
import { COMPARISON_COUNTERS, noComparisons, SYNC_COUNTERS } from './result-store.ts';
import type {
  ComparisonCounts,
  DiffCount,
  LatencyCount,
  LatencySource,
  NoiseCount,
  NoiseProbeCount,
  SignatureCount,
  ResultBatch,
  RouteSeen,
  ServedCount,
  SkipCount,
  StoredCorrelation,
  StoredDecision,
  StoredRouteEvent,
  StoredSyncExample,
  SyncCount,
  StoredSample,
  UnmatchedCount,
} from './result-store.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The counter rows of one route in one bucket. */
export interface BucketRows {
  comparison: Mutable<ComparisonCounts> | undefined;
  /** Keyed by {@link latencyKey}. */
  readonly latency: Map<number, Mutable<LatencyCount>>;
  /** Keyed by `path \0 kind`. */
  readonly diffs: Map<string, Mutable<DiffCount>>;
  readonly signatures: Map<string, Mutable<SignatureCount>>;
  readonly skips: Map<SkipReason, Mutable<SkipCount>>;
  readonly served: Map<Side, Mutable<ServedCount>>;
  noiseProbes: Mutable<NoiseProbeCount> | undefined;
}

export interface PendingAggregate {
  /** route id → bucket start → rows. */
  readonly buckets: Map<string, Map<number, BucketRows>>;
  readonly noise: Map<string, Mutable<NoiseCount>>;
  readonly unmatched: Map<string, Mutable<UnmatchedCount>>;
  readonly routes: Map<string, Mutable<RouteSeen>>;
  samples: StoredSample[];
  events: StoredRouteEvent[];
  decisions: StoredDecision[];
  /** Learned correlation pairs, by legacy identifier (a later pair replaces an earlier one). */
  readonly correlations: Map<string, StoredCorrelation>;
  /** Keyed by `route \0 bucket`. */
  readonly sync: Map<string, Mutable<SyncCount>>;
  syncExamples: StoredSyncExample[];
  /** Recorded calls folded into this aggregate (what `dropped` counts when it is lost). */
  records: number;
  /** Counter rows and events held: the measure the recorder bounds memory by. */
  rows: number;
}

export function createAggregate(): PendingAggregate {
  return {
    buckets: new Map(),
    noise: new Map(),
    unmatched: new Map(),
    routes: new Map(),
    samples: [],
    events: [],
    decisions: [],
    correlations: new Map(),
    sync: new Map(),
    syncExamples: [],
    records: 0,
    rows: 0,
  };
}

export function isEmpty(aggregate: PendingAggregate): boolean {
  return (
    aggregate.records === 0 &&
    aggregate.rows === 0 &&
    aggregate.samples.length === 0 &&
    aggregate.syncExamples.length === 0
  );
}

/**
 * The rows of a route (under one revision) in a bucket, created when absent. A route's rows of other
 * revisions are kept apart; rows without a revision column (latency, skips) merge when written.
 */
export function rowsOf(
  aggregate: PendingAggregate,
  routeId: string,
  bucket: number,
  revision = '',
): BucketRows {
  const key = revision === '' ? routeId : `${routeId}\0${revision}`;
  let byBucket = aggregate.buckets.get(key);
  if (byBucket === undefined) aggregate.buckets.set(key, (byBucket = new Map<number, BucketRows>()));
  let rows = byBucket.get(bucket);
  if (rows === undefined) {
    rows = {
      comparison: undefined,
      latency: new Map(),
      diffs: new Map(),
      signatures: new Map(),
      skips: new Map(),
      served: new Map(),
      noiseProbes: undefined,
    };
    byBucket.set(bucket, rows);
  }
  return rows;
}

export function comparisonRow(aggregate: PendingAggregate, routeId: string, bucket: number, revision = '') {
  const rows = rowsOf(aggregate, routeId, bucket, revision);
  if (rows.comparison === undefined) {
    rows.comparison = {
      routeId,
      bucket,
      revision,
      ...noComparisons(),
    };
    aggregate.rows++;
  }
  return rows.comparison;
}

const SOURCE_KEYS: Readonly<Record<LatencySource, number>> = { shadow: 0, served: 2, paired: 4 };
/** Bins of one (source, side) lie within ± this: wider than any scheme's range of bins. */
const BIN_SPAN = 1 << 16;

/** A small integer naming (source, side, bin): cheap to hash. Rows are always of the current scheme. */
function latencyKey(source: LatencySource, side: Side, bin: number): number {
  return (SOURCE_KEYS[source] + (side === 'legacy' ? 0 : 1)) * 2 * BIN_SPAN + bin;
}

/** Adds probes of the primary asked twice (and the ones whose answers disagreed). */
export function addNoiseProbes(
  aggregate: PendingAggregate,
  routeId: string,
  bucket: number,
  revision: string,
  probes: number,
  disagreed: number,
): void {
  const rows = rowsOf(aggregate, routeId, bucket, revision);
  if (rows.noiseProbes === undefined) {
    rows.noiseProbes = { routeId, bucket, revision, probes: 0, disagreed: 0 };
    aggregate.rows++;
  }
  rows.noiseProbes.probes += probes;
  rows.noiseProbes.disagreed += disagreed;
}

export function addLatency(
  aggregate: PendingAggregate,
  routeId: string,
  bucket: number,
  source: LatencySource,
  side: Side,
  bin: number,
  count = 1,
): void {
  const rows = rowsOf(aggregate, routeId, bucket);
  const key = latencyKey(source, side, bin);
  let row = rows.latency.get(key);
  if (row === undefined) {
    rows.latency.set(key, (row = { routeId, bucket, source, side, bin, count: 0 }));
    aggregate.rows++;
  }
  row.count += count;
}

export function addDiff(
  aggregate: PendingAggregate,
  routeId: string,
  bucket: number,
  path: string,
  kind: DiffKind,
  count = 1,
  revision = '',
): void {
  const rows = rowsOf(aggregate, routeId, bucket, revision);
  const key = `${path}\0${kind}`;
  let row = rows.diffs.get(key);
  if (row === undefined) {
    rows.diffs.set(key, (row = { routeId, bucket, revision, path, kind, count: 0 }));
    aggregate.rows++;
  }
  row.count += count;
}

export function addSignature(
  aggregate: PendingAggregate,
  routeId: string,
  bucket: number,
  signature: string,
  shapes: string | null,
  count = 1,
): void {
  const rows = rowsOf(aggregate, routeId, bucket);
  let row = rows.signatures.get(signature);
  if (row === undefined) {
    rows.signatures.set(signature, (row = { routeId, bucket, signature, shapes, count: 0 }));
    aggregate.rows++;
  }
  row.count += count;
}

export function addSkip(
  aggregate: PendingAggregate,
  routeId: string,
  bucket: number,
  reason: SkipReason,
  count = 1,
): void {
  const rows = rowsOf(aggregate, routeId, bucket);
  let row = rows.skips.get(reason);
  if (row === undefined) {
    rows.skips.set(reason, (row = { routeId, bucket, reason, count: 0 }));
    aggregate.rows++;
  }
  row.count += count;
}

export function servedRow(
  aggregate: PendingAggregate,
  routeId: string,
  bucket: number,
  side: Side,
  revision = '',
) {
  const rows = rowsOf(aggregate, routeId, bucket, revision);
  let row = rows.served.get(side);
  if (row === undefined) {
    rows.served.set(side, (row = { routeId, bucket, revision, side, requests: 0, errors: 0, fallbacks: 0 }));
    aggregate.rows++;
  }
  return row;
}

export function addNoise(
  aggregate: PendingAggregate,
  routeId: string,
  path: string,
  at: number,
  count = 1,
): void {
  const key = `${routeId}\0${path}`;
  let row = aggregate.noise.get(key);
  if (row === undefined) {
    aggregate.noise.set(key, (row = { routeId, path, count: 0, lastSeen: at }));
    aggregate.rows++;
  }
  row.count += count;
  row.lastSeen = Math.max(row.lastSeen, at);
}

export function addUnmatched(
  aggregate: PendingAggregate,
  bucket: number,
  method: string,
  template: string,
  count = 1,
): void {
  const key = `${bucket}\0${method}\0${template}`;
  let row = aggregate.unmatched.get(key);
  if (row === undefined) {
    aggregate.unmatched.set(key, (row = { bucket, method, template, count: 0 }));
    aggregate.rows++;
  }
  row.count += count;
}

export function seeRoute(aggregate: PendingAggregate, routeId: string, stage: Stage, at: number): void {
  const row = aggregate.routes.get(routeId);
  if (row === undefined) {
    aggregate.routes.set(routeId, { routeId, stage, lastSeen: at });
    aggregate.rows++;
  } else if (at >= row.lastSeen) {
    row.stage = stage;
    row.lastSeen = at;
  }
}

export function addEvent(aggregate: PendingAggregate, event: StoredRouteEvent): void {
  aggregate.events.push(event);
  aggregate.rows++;
}

export function addDecision(aggregate: PendingAggregate, decision: StoredDecision): void {
  aggregate.decisions.push(decision);
  aggregate.rows++;
}

export function addCorrelation(aggregate: PendingAggregate, pair: StoredCorrelation): void {
  const key = JSON.stringify(pair.legacy);
  if (!aggregate.correlations.has(key)) aggregate.rows++;
  aggregate.correlations.set(key, pair);
}

export function syncRow(aggregate: PendingAggregate, routeId: string, bucket: number): Mutable<SyncCount> {
  const key = `${routeId}\0${bucket}`;
  let row = aggregate.sync.get(key);
  if (row === undefined) {
    aggregate.sync.set(key, (row = { routeId, bucket, checked: 0, inSync: 0, outOfSync: 0, skipped: 0 }));
    aggregate.rows++;
  }
  return row;
}

/** Adds a batch's rows into `into` (what a partly failed write left over, kept for a retry). */
export function addBatch(into: PendingAggregate, batch: ResultBatch): void {
  for (const c of batch.comparisons) {
    const target = comparisonRow(into, c.routeId, c.bucket, c.revision);
    for (const counter of COMPARISON_COUNTERS) target[counter] += c[counter];
  }
  for (const r of batch.latency) addLatency(into, r.routeId, r.bucket, r.source, r.side, r.bin, r.count);
  for (const r of batch.noiseProbes) {
    addNoiseProbes(into, r.routeId, r.bucket, r.revision ?? '', r.probes, r.disagreed);
  }
  for (const r of batch.diffs) addDiff(into, r.routeId, r.bucket, r.path, r.kind, r.count, r.revision);
  for (const r of batch.signatures) addSignature(into, r.routeId, r.bucket, r.signature, r.shapes, r.count);
  for (const r of batch.skips) addSkip(into, r.routeId, r.bucket, r.reason, r.count);
  for (const r of batch.served) {
    const target = servedRow(into, r.routeId, r.bucket, r.side, r.revision);
    target.requests += r.requests;
    target.errors += r.errors;
    target.fallbacks += r.fallbacks;
  }
  for (const r of batch.noise) addNoise(into, r.routeId, r.path, r.lastSeen, r.count);
  for (const r of batch.unmatched) addUnmatched(into, r.bucket, r.method, r.template, r.count);
  for (const r of batch.routes) seeRoute(into, r.routeId, r.stage, r.lastSeen);
  into.samples.push(...batch.samples);
  for (const event of batch.events) addEvent(into, event);
  for (const decision of batch.decisions) addDecision(into, decision);
  for (const pair of batch.correlations) addCorrelation(into, pair);
  for (const r of batch.sync) {
    const target = syncRow(into, r.routeId, r.bucket);
    for (const counter of SYNC_COUNTERS) target[counter] += r[counter];
  }
  into.syncExamples.push(...batch.syncExamples);
}

/** The aggregate as a store batch (a snapshot: later changes to the aggregate don't affect it). */
export function toBatch(aggregate: PendingAggregate): ResultBatch {
  const comparisons: ComparisonCounts[] = [];
  const latency: LatencyCount[] = [];
  const diffs: DiffCount[] = [];
  const signatures: SignatureCount[] = [];
  const skips: SkipCount[] = [];
  const served: ServedCount[] = [];
  const noiseProbes: NoiseProbeCount[] = [];
  for (const byBucket of aggregate.buckets.values()) {
    for (const rows of byBucket.values()) {
      if (rows.comparison) comparisons.push({ ...rows.comparison });
      for (const row of rows.latency.values()) latency.push({ ...row });
      for (const row of rows.diffs.values()) diffs.push({ ...row });
      for (const row of rows.signatures.values()) signatures.push({ ...row });
      for (const row of rows.skips.values()) skips.push({ ...row });
      for (const row of rows.served.values()) served.push({ ...row });
      if (rows.noiseProbes) noiseProbes.push({ ...rows.noiseProbes });
    }
  }
  const copy = <T extends object>(map: Map<string, T>) => [...map.values()].map((row) => ({ ...row }));
  return {
    comparisons,
    latency,
    diffs,
    signatures,
    skips,
    served,
    noise: copy(aggregate.noise),
    unmatched: copy(aggregate.unmatched),
    routes: copy(aggregate.routes),
    samples: [...aggregate.samples],
    events: [...aggregate.events],
    decisions: [...aggregate.decisions],
    correlations: [...aggregate.correlations.values()],
    sync: [...aggregate.sync.values()].map((row) => ({ ...row })),
    syncExamples: [...aggregate.syncExamples],
    noiseProbes,
  };
}
