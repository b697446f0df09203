/**
 * The results store's contract: what the batching recorder writes and what the report reads.
 *
 * Everything is aggregated: the store never keeps a row per request. Counters live in one-minute buckets
 * per route ({@link BUCKET_MS}); every write ADDS to what is there, so many proxies can share one store
 * (PostgreSQL) without coordinating. Reads aggregate over a time window in the database.
 *
 * Implementations: `createKnexStore` (SQLite, PostgreSQL) and `createMemoryStore` (unit tests); all run
 * the same contract suite (`test/store/result-store.contract.ts`).
 */
import { MAX_CORRELATION_PAIRS, type Stage } from '../config/schema.ts';
import type { DiffKind } from '../compare/verdict.ts';
import type { Side } from '../config/side.ts';
import type { RouteEventKind, SkipReason } from './types.ts';
import type { LatencyScheme } from './latency-histogram.ts';

/** Width of a time bucket: counters are kept per route per minute. */
export const BUCKET_MS = 60_000;

/** Width of the buckets minutes are rolled up into ({@link RollUpPolicy}). */
export const HOUR_MS = 60 * BUCKET_MS;

/**
 * How long evidence is kept at what resolution. Minute buckets older than `minutesFor` are removed, their
 * hours kept (every write also counts by the hour and by the day: `tiers.ts`); days that began before the
 * day `hoursFor` ago are removed whole, hours and all. A window that reaches past `minutesFor` counts
 * whole hours there (an hour bucket falls in a window when its start does).
 */
export interface RollUpPolicy {
  readonly minutesFor: number;
  /** Rounded to whole days: at least this long, less than a day longer. */
  readonly hoursFor: number;
  /** Hours merged (and hours removed) per table in one run at most: a run never holds the store long. */
  readonly hoursPerRun: number;
}

export const DEFAULT_ROLL_UP: RollUpPolicy = {
  minutesFor: 24 * HOUR_MS,
  hoursFor: 90 * 24 * HOUR_MS,
  hoursPerRun: 24,
};

/** What one roll-up run did. */
export interface RollUpResult {
  readonly hoursRolled: number;
  readonly rowsRemoved: number;
  /** Work was left for a later run (the run's bound was reached). */
  readonly more: boolean;
}

/** At most this many samples are kept per (route, diff signature). */
export const MAX_SAMPLES_PER_SIGNATURE = 3;

/**
 * How long unmatched-traffic rows are kept: a write removes those older than this before its newest
 * unmatched bucket, so a scanner's stream of unique paths cannot grow the store for ever. Stores that
 * also count by the hour and day (`tiers.ts`) remove such a row once its whole hour or day is that old.
 */
export const UNMATCHED_RETENTION_MS = 7 * 24 * 60 * BUCKET_MS;

/** Bucket start before which a write carrying these unmatched rows removes older ones. */
export function unmatchedCutoff(rows: readonly { readonly bucket: number }[]): number {
  let newest = -Infinity;
  for (const row of rows) if (row.bucket > newest) newest = row.bucket;
  return newest - UNMATCHED_RETENTION_MS;
}

/** Route id under which traffic no route matched is counted (served by the monolith). */
export const UNMATCHED_ROUTE_ID = '';

/**
 * `shadow`: latency of the two sides of compared pairs; `served`: latency of what clients were served;
 * `paired`: per compared pair, the service's latency minus the monolith's (side `service`, signed bins of
 * `differenceBin`).
 */
export type LatencySource = 'shadow' | 'served' | 'paired';

/**
 * Outcome counters of compared pairs in one bucket. `compared` = matched + mismatched + errors, where
 * `errors` are pairs in which either side failed (no answer, or a 5xx): such a pair is never a match.
 * `legacyErrors` and `serviceErrors` say which side failed (both, when both did).
 */
export interface ComparisonCounts {
  readonly routeId: string;
  /** Start of the bucket, epoch ms, a multiple of {@link BUCKET_MS}. */
  readonly bucket: number;
  /** The route's revision when recorded ({@link RevisionedRow}). */
  readonly revision?: string;
  readonly compared: number;
  readonly matched: number;
  readonly mismatched: number;
  readonly errors: number;
  readonly legacyErrors: number;
  readonly serviceErrors: number;
}

/** The counters of {@link ComparisonCounts}, in the order every store reads and writes them. */
export const COMPARISON_COUNTERS = [
  'compared',
  'matched',
  'mismatched',
  'errors',
  'legacyErrors',
  'serviceErrors',
] as const satisfies readonly (keyof ComparisonCounts)[];

/** Every counter of {@link ComparisonCounts} at zero: a route or bucket with nothing compared yet. */
export function noComparisons(): Record<(typeof COMPARISON_COUNTERS)[number], number> {
  return { compared: 0, matched: 0, mismatched: 0, errors: 0, legacyErrors: 0, serviceErrors: 0 };
}

/** One bin of a log-scale latency histogram (see `latencyBin` in `latency-histogram.ts`). */
export interface LatencyCount {
  readonly routeId: string;
  readonly bucket: number;
  readonly source: LatencySource;
  readonly side: Side;
  readonly bin: number;
  /** How `bin` is laid out; default the current scheme. Rows from before migration 0006 read as the old. */
  readonly scheme?: LatencyScheme;
  readonly count: number;
}

/**
 * Noise probes in one bucket: safe requests whose primary was asked twice, and how many of those two
 * answers disagreed in a way that would count as a mismatch (the monolith's disagreement with itself,
 * judged by the route's rules and the noise learned so far): the baseline a service's mismatch rate is
 * compared against.
 */
export interface NoiseProbeCount {
  readonly routeId: string;
  readonly bucket: number;
  readonly revision?: string;
  readonly probes: number;
  readonly disagreed: number;
}

/** Comparisons in which a difference of this kind appeared at this path (indices folded to `[*]`). */
export interface DiffCount {
  readonly routeId: string;
  readonly bucket: number;
  readonly revision?: string;
  readonly path: string;
  readonly kind: DiffKind;
  readonly count: number;
}

export interface SkipCount {
  readonly routeId: string;
  readonly bucket: number;
  readonly reason: SkipReason;
  readonly count: number;
}

/** Requests served to clients by one side; `errors` are 5xx and failures, `fallbacks` legacy stand-ins. */
export interface ServedCount {
  readonly routeId: string;
  readonly bucket: number;
  readonly revision?: string;
  readonly side: Side;
  readonly requests: number;
  readonly errors: number;
  readonly fallbacks: number;
}

/**
 * Mismatched pairs by verdict signature in one bucket, with the differences that signature stands for:
 * what lets a report discount, once a path is learned to be noise, the pairs counted before whose only
 * differences were there.
 */
export interface SignatureCount {
  readonly routeId: string;
  readonly bucket: number;
  readonly signature: string;
  /**
   * The signature's `kind folded-path` shapes, sorted, one per line; null when the pair differed in more
   * places than were listed (then it is never discounted).
   */
  readonly shapes: string | null;
  readonly count: number;
}

/** Paths found to differ between two legacy answers to the same request (noise). */
export interface NoiseCount {
  readonly routeId: string;
  readonly path: string;
  readonly count: number;
  readonly lastSeen: number;
}

/** Requests no route matched, grouped by path template (`/users/:id/orders`). */
export interface UnmatchedCount {
  readonly bucket: number;
  readonly method: string;
  readonly template: string;
  readonly count: number;
}

/** The last stage a route was seen in (reports without a routes file still know it). */
export interface RouteSeen {
  readonly routeId: string;
  readonly stage: Stage;
  readonly lastSeen: number;
}

export interface StoredRouteEvent {
  readonly routeId: string | null;
  readonly kind: RouteEventKind;
  readonly at: number;
  readonly detail: string;
}

/** What a decision did: a gated promote, a promote past a failing gate, an operator's or the proxy's rollback. */
export const DECISION_KINDS = ['promote', 'forced_promote', 'rollback', 'auto_rollback'] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

/**
 * One entry of the decision ledger: a route moved (or, for `auto_rollback`, its traffic sent back) and what
 * the move was decided on. Never aggregated: every decision is its own row.
 */
export interface StoredDecision {
  readonly routeId: string;
  readonly kind: DecisionKind;
  /** Epoch ms. */
  readonly at: number;
  /** Positions as the CLI describes them (`canary 5%`). */
  readonly from: string;
  readonly to: string;
  /** The route's revision when decided (`routeRevision`). */
  readonly revision: string;
  /** The figures the decision was made on, as JSON; null when the move was not gated. */
  readonly evidence: string | null;
  /** The limits (gate conditions or the automatic rollback's bounds) it was held to, as JSON; or null. */
  readonly bounds: string | null;
  /** Who decided: the operating-system user and the host (`proxy` for the proxy's own rollback). */
  readonly user: string;
  readonly host: string;
  /** The one-line summary given with `--message`; null when none was. */
  readonly message: string | null;
}

/**
 * One pair of the identifier correlation map (`shadow.correlate`): the monolith's identifier of a record
 * and the service's. Not aggregated: a later pair for the same legacy identifier replaces it.
 */
export interface StoredCorrelation {
  readonly legacy: string | number;
  readonly service: string | number;
  /** Epoch ms when learned. */
  readonly at: number;
}

/** The store keeps at most this many correlation pairs, the newest (the map's capacity cannot exceed it). */
export const MAX_STORED_CORRELATIONS = MAX_CORRELATION_PAIRS;

/**
 * Read-after-write checks (`shadow.verify.read`) of a route in one bucket: `checked` = `inSync` +
 * `outOfSync`; `skipped` checks could not be made (no value to read by, no room, a read failed).
 */
export interface SyncCount {
  readonly routeId: string;
  readonly bucket: number;
  readonly checked: number;
  readonly inSync: number;
  readonly outOfSync: number;
  readonly skipped: number;
}

/** The counters of {@link SyncCount}, in the order every store reads and writes them. */
export const SYNC_COUNTERS = [
  'checked',
  'inSync',
  'outOfSync',
  'skipped',
] as const satisfies readonly (keyof SyncCount)[];

/** An out-of-sync read, one of the first {@link MAX_SYNC_EXAMPLES_PER_ROUTE} of a route. */
export interface StoredSyncExample {
  readonly routeId: string;
  readonly at: number;
  /** The read as sent to the monolith (path and query). */
  readonly read: string;
  readonly legacyStatus: number;
  readonly serviceStatus: number;
  /** Where the two reads differed; values left out (redaction). */
  readonly differences: readonly { readonly path: string; readonly kind: DiffKind }[];
}

/** At most this many out-of-sync examples are kept per route (the first ones). */
export const MAX_SYNC_EXAMPLES_PER_ROUTE = 3;

/**
 * One proxy of the fleet as it registered itself: written at start and at every heartbeat (the same
 * upsert), removed when it stops cleanly. Never aggregated: one row per instance id.
 */
export interface StoredInstance {
  /** Unique per process run (`host:pid:random`). */
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  /** The package version it runs. */
  readonly version: string;
  /** A hash of every route's revision it applied (`tableRevision`): equal tables, equal hashes. */
  readonly routesRevision: string;
  /** Each route's revision it applied, by route id. */
  readonly routeRevisions: Readonly<Record<string, string>>;
  /** The published-config version it applied, when its routes came from the store; null otherwise. */
  readonly configVersion: string | null;
  /** Epoch ms: when it started, when it applied its current routes, its last heartbeat. */
  readonly startedAt: number;
  readonly appliedAt: number;
  readonly heartbeatAt: number;
  /** How often it beats (ms), and after how many missed beats it is to be taken as gone. */
  readonly heartbeatInterval: number;
  readonly missedHeartbeats: number;
}

/** A request as kept in a sample: already redacted, body cut to an excerpt. */
export interface SampleRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | null;
}

/** One side's response in a sample: already redacted, body cut to an excerpt. */
export interface SampleResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | null;
  /** The body was cut (by the capture limit or the excerpt limit). */
  readonly truncated: boolean;
  readonly latencyMs: number;
}

/** A real example of a mismatch, one of at most {@link MAX_SAMPLES_PER_SIGNATURE} per signature. */
export interface StoredSample {
  readonly routeId: string;
  readonly signature: string;
  readonly at: number;
  readonly request: SampleRequest;
  readonly legacy: SampleResponse | null;
  readonly service: SampleResponse | null;
  /** Where this pair differed (exact paths, not folded); values are left out on purpose (redaction). */
  readonly differences: readonly { readonly path: string; readonly kind: DiffKind }[];
}

/** One write: everything a recorder aggregated since its last flush. Written in one transaction. */
export interface ResultBatch {
  readonly comparisons: readonly ComparisonCounts[];
  readonly latency: readonly LatencyCount[];
  readonly diffs: readonly DiffCount[];
  readonly signatures: readonly SignatureCount[];
  readonly skips: readonly SkipCount[];
  readonly served: readonly ServedCount[];
  readonly noise: readonly NoiseCount[];
  readonly unmatched: readonly UnmatchedCount[];
  readonly routes: readonly RouteSeen[];
  readonly samples: readonly StoredSample[];
  readonly events: readonly StoredRouteEvent[];
  readonly decisions: readonly StoredDecision[];
  readonly correlations: readonly StoredCorrelation[];
  readonly sync: readonly SyncCount[];
  readonly syncExamples: readonly StoredSyncExample[];
  readonly noiseProbes: readonly NoiseProbeCount[];
}

/**
 * Rows that count evidence (comparisons, differences, served requests) carry the revision of the route
 * they were recorded under: a hash of what decides the route's evidence (`routeRevision`), `''` for rows
 * written before revisions were kept. A changed compare rule starts a new revision; the old rows stay.
 */
export type RevisionedRow = ComparisonCounts | DiffCount | ServedCount | NoiseProbeCount;

/**
 * A time window and optional route filter. `since` inclusive, `until` exclusive, epoch ms. `revision`
 * narrows the rows that carry one (comparisons, timeline, diffs, served) to that revision; `revisions`
 * does so per route.
 */
export interface ResultQuery {
  readonly since?: number;
  readonly until?: number;
  readonly routeId?: string;
  readonly revision?: string;
  /**
   * In the bucketed reads, only the routes it lists, each narrowed to its revision in the rows that carry
   * one: many routes' current evidence in one read.
   */
  readonly revisions?: ReadonlyMap<string, string>;
}

/** Totals of {@link ComparisonCounts} for a route over a window. */
export type ComparisonTotals = Omit<ComparisonCounts, 'bucket' | 'revision'>;
/** Counters per route per `step`-wide period (`at` is the period's start, a multiple of `step`). */
export interface TimelineCounts extends ComparisonTotals {
  readonly at: number;
}
export type LatencyTotals = Omit<LatencyCount, 'bucket' | 'scheme'> & { readonly scheme: LatencyScheme };
export type NoiseProbeTotals = Omit<NoiseProbeCount, 'bucket' | 'revision'>;
export type DiffTotals = Omit<DiffCount, 'bucket' | 'revision'>;
export type SignatureTotals = Omit<SignatureCount, 'bucket'>;
export type SkipTotals = Omit<SkipCount, 'bucket'>;
export type ServedTotals = Omit<ServedCount, 'bucket' | 'revision'>;
export type UnmatchedTotals = Omit<UnmatchedCount, 'bucket'>;
export type SyncTotals = Omit<SyncCount, 'bucket'>;

/**
 * Where the recorder writes and the report reads. Reads sum over buckets whose start lies in
 * [since, until); rows come back sorted so that every implementation answers identically.
 */
export interface ResultStore {
  /** Adds a batch, atomically: all of it or none of it. Rejects when the store is unavailable. */
  write(batch: ResultBatch): Promise<void>;
  /** Routes seen by the recorder, by id. */
  routes(query?: ResultQuery): Promise<RouteSeen[]>;
  /** Per route, by route id. */
  comparisons(query?: ResultQuery): Promise<ComparisonTotals[]>;
  /** Per route per period of `step` ms (a multiple of {@link BUCKET_MS}), by route then time. */
  timeline(query: ResultQuery & { readonly step: number }): Promise<TimelineCounts[]>;
  /** Per route, source, side, scheme and bin. */
  latency(query?: ResultQuery): Promise<LatencyTotals[]>;
  /** Noise probes and disagreements per route, by route id. */
  noiseProbes(query?: ResultQuery): Promise<NoiseProbeTotals[]>;
  /** Per route, path and kind; by route, then count descending, then path. */
  diffs(query?: ResultQuery): Promise<DiffTotals[]>;
  /** Mismatched pairs per route and signature; by route, then count descending, then signature. */
  signatures(query?: ResultQuery): Promise<SignatureTotals[]>;
  skips(query?: ResultQuery): Promise<SkipTotals[]>;
  served(query?: ResultQuery): Promise<ServedTotals[]>;
  /** Noise is not bucketed: a path learned to be noisy stays noisy. By route, then path. */
  noise(query?: Pick<ResultQuery, 'routeId'>): Promise<NoiseCount[]>;
  /**
   * By count descending, then template, then method. Rows are kept for {@link UNMATCHED_RETENTION_MS}
   * before the newest unmatched bucket written.
   */
  unmatched(query?: Omit<ResultQuery, 'routeId'> & { readonly limit?: number }): Promise<UnmatchedTotals[]>;
  /** Samples are kept whatever their age (the first few per signature); by route, signature, time. */
  samples(query?: Pick<ResultQuery, 'routeId'>): Promise<StoredSample[]>;
  /** By time, then kind. Events without a route (reloads) have `routeId: null`. */
  events(query?: ResultQuery): Promise<StoredRouteEvent[]>;
  /** The decision ledger, whatever its age unless `since`/`until` say; by time, then route. */
  decisions(query?: ResultQuery): Promise<StoredDecision[]>;
  /** The newest `limit` correlation pairs, oldest first (the order a map is filled in). */
  correlations(limit: number): Promise<StoredCorrelation[]>;
  /** Read-after-write figures per route, by route id. */
  sync(query?: ResultQuery): Promise<SyncTotals[]>;
  /** Out-of-sync examples whatever their age; by route, then time. */
  syncExamples(query?: Pick<ResultQuery, 'routeId'>): Promise<StoredSyncExample[]>;
  /** Registers a proxy of the fleet, or refreshes its row (a heartbeat): the last write wins. */
  putInstance(instance: StoredInstance): Promise<void>;
  /** Removes a proxy's row (a clean stop); removing an id not there is no error. */
  removeInstance(id: string): Promise<void>;
  /** Every registered row, live or not (`fleet-liveness.ts` tells); by id. */
  instances(): Promise<StoredInstance[]>;
  /**
   * Merges old minutes into hours and removes hours past the policy, a bounded amount per call. Stores
   * that keep nothing for long (the in-memory one) have none.
   */
  rollUp?(policy: RollUpPolicy, now?: number): Promise<RollUpResult>;
  close(): Promise<void>;
}

/** The methods that keep the fleet's rows (not evidence: reports never read them). */
export type FleetMethods = Pick<ResultStore, 'putInstance' | 'removeInstance' | 'instances'>;

/** The reading side of a store: the evidence reports read. */
export type ResultReader = Omit<ResultStore, 'write' | 'close' | 'rollUp' | keyof FleetMethods>;

/** A batch with nothing in it. */
export function emptyBatch(): ResultBatch {
  return {
    comparisons: [],
    latency: [],
    diffs: [],
    signatures: [],
    skips: [],
    served: [],
    noise: [],
    unmatched: [],
    routes: [],
    samples: [],
    events: [],
    decisions: [],
    correlations: [],
    sync: [],
    syncExamples: [],
    noiseProbes: [],
  };
}

/** Start of the bucket `at` falls in. */
export function bucketOf(at: number): number {
  return Math.floor(at / BUCKET_MS) * BUCKET_MS;
}

/** Throws unless `step` is a positive whole number of buckets (what `ResultStore.timeline` accepts). */
export function assertTimelineStep(step: number): void {
  if (!Number.isSafeInteger(step) || step <= 0 || step % BUCKET_MS !== 0) {
    throw new RangeError(`timeline step must be a positive multiple of ${BUCKET_MS} ms, got ${step}`);
  }
}
