/**
 * What the proxy records and what the results store keeps. The proxy depends on {@link ResultRecorder};
 * the knex stores (SQLite, PostgreSQL) and the in-memory store implement {@link ResultStore}.
 */
import type { Stage } from '../config/schema.ts';
import type { CapturedResponse, Verdict } from '../compare/verdict.ts';
import type { Side } from '../config/side.ts';
import type { RejectedRow } from './write-in-parts.ts';
import type { StoredCorrelation, StoredDecision, StoredSyncExample } from './result-store.ts';

/** Why a request was not mirrored, or why its mirror produced no comparison. */
export const SKIP_REASONS = [
  'sampled_out',
  'unsafe_method',
  'too_large',
  'over_capacity',
  'timeout',
  'connection_error',
  'loop',
  // The client went away before the primary answered: there is nothing to compare.
  'client_aborted',
  // The route's mirrors kept failing: mirroring pauses a few seconds, then one mirror probes.
  'shadow_unhealthy',
  // shadow.request.only keeps this request from the service (anonymous or authenticated only).
  'filtered_out',
  // The service's auth bridge could not verify the client's credential or sign the service's.
  'auth_bridge_failed',
  // The mirror was in flight when the shadow worker died or the proxy stopped: no answer will come.
  'abandoned',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface RecordedRequest {
  readonly method: string;
  /** The normalised path and query that was routed and forwarded. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The mirrored body, when there was one and it was within limits. */
  readonly body?: Uint8Array;
  readonly requestId: string;
}

/** A read-after-write check as the shadow path hands it over. */
export type SyncRecord =
  | { readonly outcome: 'skipped' }
  | ({ readonly outcome: 'in_sync' | 'out_of_sync' } & Omit<StoredSyncExample, 'routeId' | 'at'>);

/** One compared pair, as the shadow path hands it over. Redaction happens in the recorder. */
export interface ComparisonEvent {
  readonly routeId: string;
  readonly stage: Stage;
  /** The route's revision (`routeRevision`); `''` when unknown. */
  readonly revision?: string;
  /** Epoch milliseconds. */
  readonly at: number;
  readonly request: RecordedRequest;
  readonly legacy?: CapturedResponse;
  readonly service?: CapturedResponse;
  readonly verdict: Verdict;
}

/** A request served to a client, by either side (progress, canary error rates, gates). */
export interface ServedEvent {
  readonly routeId: string | null; // null: no route matched (the monolith served it)
  readonly stage: Stage | null;
  /** The route's revision (`routeRevision`); `''` when unknown or unmatched. */
  readonly revision?: string;
  readonly side: Side;
  readonly status: number;
  readonly latencyMs: number;
  /** The service failed and the monolith answered instead. */
  readonly fellBack: boolean;
  readonly at: number;
}

/** The primary asked twice for one safe request (a noise probe), and whether its answers disagreed. */
export interface NoiseProbeEvent {
  readonly routeId: string;
  /** The route's revision (`routeRevision`); `''` when unknown. */
  readonly revision?: string;
  /** Epoch milliseconds. */
  readonly at: number;
  /** The two answers differed in a way that would count as a mismatch (after the noise learned so far). */
  readonly disagreed: boolean;
}

export type RouteEventKind = 'auto_rollback' | 'auto_rollback_cleared' | 'reload' | 'reload_failed';

export interface RouteEvent {
  readonly routeId: string | null;
  readonly kind: RouteEventKind;
  readonly at: number;
  readonly detail: string;
}

/**
 * The proxy's only door to the results store. Every method is synchronous and cheap: it aggregates in
 * memory and a background flush writes batches. Nothing here may throw into the request path.
 */
export interface ResultRecorder {
  recordComparison(event: ComparisonEvent): void;
  recordSkip(routeId: string, reason: SkipReason): void;
  recordNoise(routeId: string, paths: readonly string[]): void;
  /** A noise probe: the monolith's disagreement with itself is the mismatch rate's baseline. */
  recordNoiseProbe(probe: NoiseProbeEvent): void;
  recordServed(event: ServedEvent): void;
  /** A request no route matched: feeds the inventory of what the monolith still serves. */
  recordUnmatched(method: string, path: string): void;
  recordEvent(event: RouteEvent): void;
  /** An entry of the decision ledger (the proxy's automatic rollback); kept whole, never summed. */
  recordDecision(decision: StoredDecision): void;
  /** Correlation pairs a mirrored write taught (kept so that a restart keeps the map). */
  recordCorrelations(pairs: readonly StoredCorrelation[]): void;
  /** A read-after-write check: in sync, out of sync (with what differed), or skipped. */
  recordSync(routeId: string, check: SyncRecord): void;
  /** Writes everything pending; resolves when it is stored (or counted as dropped). */
  flush(): Promise<void>;
  /** Flushes and stops the timer. */
  close(): Promise<void>;
}

/** The store side of this contract (implemented by the knex and memory stores). */
export type { ResultStore, ResultBatch, ResultQuery } from './result-store.ts';

/** Something that happened to the store that the operator must know of, though writes go on. */
export interface StoreProblem {
  /** `STRANGLER_ERR_STORE_FILE_REPLACED`: the SQLite file was deleted or replaced and opened again. */
  readonly code: string;
  readonly message: string;
  /** Epoch ms. */
  readonly at: number;
}

/** Health of a recorder's writes, for the admin API. */
export interface RecorderStatus {
  /** The last write succeeded (or none was needed yet) and no write is stuck. */
  readonly healthy: boolean;
  /** Message of the last failed write; null once a write succeeds again. */
  readonly lastError: string | null;
  /** Epoch ms of the last successful write; null before the first. */
  readonly lastFlushAt: number | null;
  /** Records (recorded calls) aggregated and not yet stored, including ones kept from failed writes. */
  readonly pending: number;
  /** Records of the write under way, not yet stored (0 between writes). */
  readonly writing: number;
  /** Records lost for good because the store stayed unavailable beyond the retry bound (since start). */
  readonly dropped: number;
  /** Samples not kept because the sample queue was full (the counts themselves were kept). */
  readonly droppedSamples: number;
  /** Rows the store refused for their content (each isolated and given up alone), since start. */
  readonly rejectedRows: number;
  /** Why the last refused row was refused; null while none was. */
  readonly lastRejection: string | null;
  /** Set (and `healthy` false until restart) once the store's file was deleted or replaced. */
  readonly problem?: StoreProblem;
}

/** What one flush did, for tests and logs. */
export interface FlushResult {
  readonly ok: boolean;
  /** Records written (ok) or attempted (failed). */
  readonly records: number;
  /** Records dropped by this flush (the retry bound was exceeded). */
  readonly dropped: number;
  readonly error?: string;
  /** Rows the store refused in this flush, and why; the rest of the batch was written. */
  readonly rejected?: readonly RejectedRow[];
}

/** A {@link ResultRecorder} that also reports its health and its flushes. */
export interface ObservableRecorder extends ResultRecorder {
  status(): RecorderStatus;
  /** Calls `listener` after every write attempt; returns a function that unsubscribes it. */
  onFlush(listener: (result: FlushResult) => void): () => void;
}
