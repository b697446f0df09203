/**
 * The report's JSON contract (documented in `docs/report-format.md`). Stable: fields are only ever
 * added; a change that removes or redefines one bumps {@link REPORT_VERSION}.
 */
import type { Stage } from '../config/schema.ts';
import type { DiffKind } from '../compare/verdict.ts';
import type { RouteEventKind, SkipReason } from '../store/types.ts';
import type { SampleRequest, SampleResponse } from '../store/result-store.ts';
import type { RouteVerdictName } from '../promote/decide-route.ts';
import type { GateConditionName } from '../promote/gate.ts';
import type { Position } from '../promote/plan.ts';
import type { ConditionState } from '../promote/rate-condition.ts';

export const REPORT_VERSION = 1;

/** Whether a route's evidence supports promoting it (version 1's vocabulary; `decision` says more). */
export type RouteVerdict = 'ready' | 'insufficient_evidence' | 'mismatching' | 'slower';

/** The one verdict `report`, `check`, `promote` and `/status` give, with every figure it was decided on. */
export interface DecisionReport {
  readonly verdict: RouteVerdictName;
  readonly outcome: ConditionState;
  /** For people: `ready for canary 5%`, `hold`, `ready to shadow`. */
  readonly label: string;
  /** The stage's own question. */
  readonly question: string;
  /** The next step; null for a migrated route. */
  readonly next: Position | null;
  /** Holding: observations still needed; null when unknown (or not holding). */
  readonly more: number | null;
  /** Holding: about how long `more` takes at the recent pace, in ms; null without a pace. */
  readonly etaMs: number | null;
  readonly conditions: readonly {
    readonly name: GateConditionName;
    readonly state: ConditionState;
    readonly actual: number | null;
    readonly limit: number;
    /** The one-sided 95% upper bound of a rate; null for counts and ratios. */
    readonly upper: number | null;
    /** `clopper-pearson`, `wilson`, `none`; null for counts and ratios. */
    readonly method: string | null;
    readonly more: number | null;
    readonly message: string;
  }[];
}

export interface Report {
  readonly version: typeof REPORT_VERSION;
  /** ISO 8601. */
  readonly generatedAt: string;
  /** Start of the evidence window (ISO 8601): the earliest of the routes' windows. */
  readonly since: string;
  /** End of the evidence window (ISO 8601, exclusive). */
  readonly until: string;
  /** The results store read (`sqlite:/abs/strangler.db (default, beside routes.yaml)`); null when not told. */
  readonly store: string | null;
  /** The routes file the stages and gates came from; null without one. */
  readonly routesFile: string | null;
  readonly routes: readonly RouteReport[];
  /** Route ids the store has seen that the routes file lacks (renamed or removed); empty without a file. */
  readonly unlistedRoutes: readonly string[];
  readonly progress: Progress;
}

export interface Percentiles {
  /** Milliseconds, rounded to the precision of the histogram's bins; null without data. */
  readonly p50: number | null;
  readonly p95: number | null;
  /**
   * Added: the relative error the figures were measured with: 0.01 for bins within 1%, 0.159 when rows
   * recorded before migration 0006 (four bins per doubling) are among them; null without data.
   */
  readonly relativeError: number | null;
}

/**
 * Added: the service's latency minus the monolith's on the same requests (shadow pairs where both sides
 * answered), in ms, rounded to the bins' precision.
 */
export interface PairedLatency {
  readonly pairs: number;
  /** The median difference; null without pairs. */
  readonly median: number | null;
  /** The sign test's one-sided 95% upper bound of the median difference; null under 5 pairs. */
  readonly upper95: number | null;
  readonly relativeError: number | null;
}

/** Added: noise probes (the monolith asked twice for one request) and how many of them disagreed. */
export interface NoiseBaseline {
  readonly probes: number;
  readonly disagreed: number;
}

/** A sample's request and one side's answer, as the store keeps them (redacted, bodies cut). */
export type SampleMessage = SampleRequest;
export type SampleAnswer = SampleResponse;

/** A real, redacted pair in which a difference appeared. */
export interface DiffExample {
  readonly at: string;
  readonly signature: string;
  readonly request: SampleMessage;
  /** null when that side produced no answer. */
  readonly legacy: SampleAnswer | null;
  readonly service: SampleAnswer | null;
  /** Every difference of this pair (exact paths), for highlighting. */
  readonly differences: readonly { readonly path: string; readonly kind: DiffKind }[];
}

export interface DiffEntry {
  /** `status`, `header:<name>` or a JSONPath with indices folded to `[*]`. */
  readonly path: string;
  readonly kind: DiffKind;
  /** Compared pairs in which this difference appeared. */
  readonly count: number;
  /** null when no sample of it was kept. */
  readonly example: DiffExample | null;
}

export interface ServedSide {
  readonly requests: number;
  /** 5xx answers and failures. */
  readonly errors: number;
}

export interface TimelinePoint {
  /** Start of the period (ISO 8601). */
  readonly at: string;
  readonly compared: number;
  readonly mismatched: number;
}

export interface GateLimits {
  readonly minCompared: number;
  readonly maxMismatchRate: number;
  readonly maxErrorRate: number;
  /** Service p95 at most this many times legacy's, over compared pairs. */
  readonly maxLatencyRatio: number;
}

/** A likely cause of a route's differences, named from its figures. */
export interface RootCauseHint {
  /**
   * `credentials` (the service refuses with 401/403 what the monolith serves), `data_not_migrated` (404 where
   * the monolith found the record), `service_error` (5xx from the service), `status_differs` (other status
   * pairs), `data_out_of_sync` (list lengths or counts differ), `service_failing` (timeouts, refused).
   */
  readonly cause:
    | 'credentials'
    | 'data_not_migrated'
    | 'service_error'
    | 'status_differs'
    | 'data_out_of_sync'
    | 'service_failing';
  /** Share of compared pairs it concerns, 0..1. */
  readonly share: number;
  /** The conclusion, as a question when it is one. */
  readonly summary: string;
  /** The figures and examples behind it. */
  readonly evidence: string;
  /** What to check or do next. */
  readonly nextStep: string;
}

export interface RouteReport {
  readonly id: string;
  /** From the routes file, else the stage the proxy last recorded; null when neither knows. */
  readonly stage: Stage | null;
  /** This route's evidence window start (ISO 8601): `--since`, else its gate's window. */
  readonly since: string;
  /** The route revision whose evidence is counted; null when every revision is (`--revision all`). */
  readonly revision: string | null;
  /** Evidence in the window recorded under earlier revisions, left out of every figure here. */
  readonly leftOut: { readonly compared: number; readonly served: number };
  /** How long the current revision (the canary step) has had compared pairs, in ms; null when none. */
  readonly stepDurationMs: number | null;
  /** Pairs compared: matched + mismatched + errors. */
  readonly compared: number;
  readonly matched: number;
  readonly mismatched: number;
  /** Pairs where a side failed (no answer, or a 5xx): never counted as a match. */
  readonly errors: number;
  /** Of those, pairs where the monolith failed. */
  readonly legacyErrors: number;
  /** Of those, pairs where the service failed: what the gate's error rate counts. */
  readonly serviceErrors: number;
  /** mismatched / compared, 0..1; null when nothing was compared. */
  readonly mismatchRate: number | null;
  /** errors / compared, 0..1; null when nothing was compared. */
  readonly errorRate: number | null;
  /** Paths found to differ between two legacy answers: shown, never counted. */
  readonly noisy: readonly string[];
  /**
   * Added: pairs recorded as mismatched before their only differences were learned to be noise: counted
   * as matched (in `matched`, the rates and the verdict), and their differences at noise left out of `diffs`.
   */
  readonly noiseDiscounted: number;
  /** The `status` difference first, then most frequent first; at most `maxDiffs`. */
  readonly diffs: readonly DiffEntry[];
  /** Added: likely causes of the differences, status-class causes first. Empty when none stands out. */
  readonly hints: readonly RootCauseHint[];
  /** Distinct (path, kind) pairs left out of `diffs`. */
  readonly moreDiffs: number;
  /** Of compared pairs, per side. */
  readonly latency: { readonly legacy: Percentiles; readonly service: Percentiles };
  readonly pairedLatency: PairedLatency;
  /** The monolith's disagreement with itself: the baseline of the gate's mismatch rate. */
  readonly noiseBaseline: NoiseBaseline;
  /** Of traffic served to clients, per side. */
  readonly servedLatency: { readonly legacy: Percentiles; readonly service: Percentiles };
  /** Requests not mirrored or not compared, by reason (every reason, zeros included). */
  readonly skipped: Readonly<Record<SkipReason, number>>;
  readonly served: { readonly legacy: ServedSide; readonly service: ServedSide; readonly fallbacks: number };
  /** Mismatches over time, oldest first, evenly spaced, zeros included. */
  readonly timeline: readonly TimelinePoint[];
  readonly events: readonly { readonly at: string; readonly kind: RouteEventKind; readonly detail: string }[];
  readonly verdict: RouteVerdict;
  /** One sentence with the figures behind the verdict. */
  readonly verdictReason: string;
  /** The verdict in full: the stage's question, its answer, every condition with its bound. */
  readonly decision: DecisionReport;
  /** Observations (pairs, requests the service served) per minute over the last hour; null without any. */
  readonly pacePerMinute: number | null;
  /** The proxy's own rollback of this canary, while it stands; null otherwise. */
  readonly autoRollback: { readonly at: string; readonly detail: string } | null;
  /** The limits the verdict used. */
  readonly gate: GateLimits;
  /** Read-after-write checks (`shadow.verify.read`) in the window: whether the service's data follows. */
  readonly sync: SyncReport;
}

export interface SyncReport {
  /** Checks made: inSync + outOfSync. */
  readonly checked: number;
  readonly inSync: number;
  readonly outOfSync: number;
  /** Checks not made: no value to read by, no room, or a read failed. */
  readonly skipped: number;
  /** The first out-of-sync reads recorded (whatever their age). */
  readonly examples: readonly {
    readonly at: string;
    readonly read: string;
    readonly legacyStatus: number;
    readonly serviceStatus: number;
    readonly differences: readonly { readonly path: string; readonly kind: string }[];
  }[];
}

export interface Progress {
  /** Routes in the report by stage (`unknown`: no routes file and never recorded). */
  readonly routes: Readonly<Record<Stage | 'unknown', number>> & { readonly total: number };
  readonly verdicts: Readonly<Record<RouteVerdict, number>>;
  /** Routes by their full verdict. */
  readonly decisions: Readonly<Record<RouteVerdictName, number>>;
  /** Every request clients sent through the proxy in the window, routed or not. */
  readonly traffic: {
    readonly requests: number;
    readonly legacy: number;
    readonly service: number;
    /** service / requests, 0..1; null without traffic. */
    readonly serviceShare: number | null;
  };
  /** What no route matched (the monolith still serves it), largest first. */
  readonly unmatched: readonly {
    readonly method: string;
    readonly template: string;
    readonly count: number;
  }[];
  /** Events not about one route (config reloads). */
  readonly events: readonly { readonly at: string; readonly kind: RouteEventKind; readonly detail: string }[];
}
