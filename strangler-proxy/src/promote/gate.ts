/**
 * The promotion gate: does the recorded evidence allow a route's next step? Pure: the figures come in,
 * a result with every condition and its numbers goes out.
 *
 * What is gated depends on the step:
 * - legacy → shadow risks nothing (clients are still served by legacy): no conditions;
 * - leaving shadow: enough compared pairs, mismatch rate, service error rate, latency ratio;
 * - from one canary step to the next (or to migrated): mismatch rate, service error rate, latency ratio;
 * - rollbacks are never gated.
 */
import type { GateConfig } from '../config/schema.ts';
import type { Move } from './plan.ts';

/** What the results store knows about one route over the gate's window. */
export interface RouteEvidence {
  /** Shadow pairs recorded (every outcome: match, mismatch and error). */
  readonly compared: number;
  /** Pairs whose answers differ in a way that counts. */
  readonly mismatched: number;
  /** Pairs where the service side failed (no answer, or a 5xx). */
  readonly errors: number;
  /**
   * Pairs where either side failed (the service's failures and the monolith's): never a match, so they
   * count toward no minimum and no mismatch rate. Default: `errors`.
   */
  readonly failedPairs?: number;
  /** Client requests the service served (canary, migrated). */
  readonly serviceRequests: number;
  /** Of those, the ones that failed (5xx or no answer). */
  readonly serviceErrors: number;
  /** Milliseconds; null when unknown. */
  readonly legacyP95: number | null;
  readonly serviceP95: number | null;
}

export const NO_EVIDENCE: RouteEvidence = Object.freeze({
  compared: 0,
  mismatched: 0,
  errors: 0,
  failedPairs: 0,
  serviceRequests: 0,
  serviceErrors: 0,
  legacyP95: null,
  serviceP95: null,
});

export type GateConditionName = 'min_compared' | 'mismatch_rate' | 'error_rate' | 'latency_ratio';

export interface GateCondition {
  readonly name: GateConditionName;
  readonly ok: boolean;
  /** The measured figure (a count, a rate in 0..1, or a ratio); null when it could not be measured. */
  readonly actual: number | null;
  readonly limit: number;
  /** For people, with the figures: `mismatch rate 2.4% (12 of 500) > 1%`. */
  readonly message: string;
}

export interface GateResult {
  /** Every condition holds. */
  readonly passed: boolean;
  /** The gate failed and `force` overrode it. */
  readonly forced: boolean;
  /** Whether the move may go ahead: passed, or forced. */
  readonly proceed: boolean;
  readonly conditions: readonly GateCondition[];
  /** Why there are no conditions, when there are none. */
  readonly note?: string;
}

export interface GateOptions {
  /** Let the move go ahead although a condition fails (the result says it was forced). */
  readonly force?: boolean;
}

/** Gate limits given on the command line, over the route's own. */
export type GateOverrides = Partial<
  Pick<GateConfig, 'minCompared' | 'maxMismatchRate' | 'maxErrorRate' | 'maxLatencyRatio'>
>;

export function applyGateOverrides(gate: GateConfig, overrides: GateOverrides = {}): GateConfig {
  const defined = Object.entries(overrides).filter(([, value]) => value !== undefined);
  return { ...gate, ...Object.fromEntries(defined) };
}

/**
 * Evaluates the gate for a move. Missing evidence counts as none at all.
 *
 * A rate whose denominator is zero is not measured: the mismatch rate and latency ratio then hold (and say
 * so), but the service error rate fails: a step that sends clients to the service needs at least one
 * observed outcome of the service (leaving shadow, `minCompared` asks for more).
 *
 * @example
 * evaluateGate(evidence, plan.gate, nextMove(positionOf(route), plan.steps))
 */
export function evaluateGate(
  evidence: RouteEvidence | undefined,
  gate: GateConfig,
  target: Pick<Move, 'from' | 'to' | 'direction'>,
  options: GateOptions = {},
): GateResult {
  if (target.direction === 'rollback') return ungated('rollbacks are not gated');
  if (target.from.stage === 'legacy')
    return ungated('legacy → shadow risks nothing: clients are still served by legacy');
  const figures = evidence ?? NO_EVIDENCE;
  const conditions: GateCondition[] = [];
  if (target.from.stage === 'shadow') conditions.push(minCompared(figures, gate.minCompared));
  conditions.push(mismatchRate(figures, gate.maxMismatchRate));
  conditions.push(errorRate(figures, gate.maxErrorRate));
  conditions.push(latencyRatio(figures, gate.maxLatencyRatio));
  const passed = conditions.every((condition) => condition.ok);
  const forced = !passed && options.force === true;
  return { passed, forced, proceed: passed || forced, conditions };
}

function ungated(note: string): GateResult {
  return { passed: true, forced: false, proceed: true, conditions: [], note };
}

/** Pairs in which both sides answered without failing: what a mismatch rate is measured on. */
export function comparablePairs(evidence: RouteEvidence): number {
  return Math.max(0, evidence.compared - (evidence.failedPairs ?? evidence.errors));
}

function minCompared(evidence: RouteEvidence, limit: number): GateCondition {
  const actual = comparablePairs(evidence);
  const ok = actual >= limit;
  const failed = evidence.compared - actual;
  const message = `${count(actual)} compared pairs ${ok ? '≥' : '<'} ${count(limit)} needed${failed > 0 ? ` (${count(failed)} more with a side failing, not counted)` : ''}`;
  return { name: 'min_compared', ok, actual, limit, message };
}

function mismatchRate(evidence: RouteEvidence, limit: number): GateCondition {
  const comparable = comparablePairs(evidence);
  if (comparable === 0) {
    return {
      name: 'mismatch_rate',
      ok: true,
      actual: null,
      limit,
      message: `mismatch rate not measured: no compared pairs (limit ${percent(limit)})`,
    };
  }
  const actual = evidence.mismatched / comparable;
  const ok = actual <= limit;
  const message = `mismatch rate ${percent(actual)} (${count(evidence.mismatched)} of ${count(comparable)}) ${ok ? '≤' : '>'} ${percent(limit)}`;
  return { name: 'mismatch_rate', ok, actual, limit, message };
}

function errorRate(evidence: RouteEvidence, limit: number): GateCondition {
  const failures = evidence.errors + evidence.serviceErrors;
  const observed = evidence.compared + evidence.serviceRequests;
  if (observed === 0) {
    return {
      name: 'error_rate',
      ok: false,
      actual: null,
      limit,
      message: 'service error rate not measured: no shadow pairs and no requests served by the service',
    };
  }
  const actual = failures / observed;
  const ok = actual <= limit;
  const sources = [
    evidence.compared > 0
      ? `${count(evidence.errors)} of ${count(evidence.compared)} shadow pairs`
      : undefined,
    evidence.serviceRequests > 0
      ? `${count(evidence.serviceErrors)} of ${count(evidence.serviceRequests)} served`
      : undefined,
  ].filter((source) => source !== undefined);
  const message = `service error rate ${percent(actual)} (${sources.join(', ')}) ${ok ? '≤' : '>'} ${percent(limit)}`;
  return { name: 'error_rate', ok, actual, limit, message };
}

function latencyRatio(evidence: RouteEvidence, limit: number): GateCondition {
  return latencyRatioCondition(evidence.legacyP95, evidence.serviceP95, limit);
}

/**
 * Service p95 at most `limit` times legacy's. Shared with the report's verdict, so that the report and
 * `strangler promote` never disagree about the same figures. Holds (and says so) when a side is unknown.
 */
export function latencyRatioCondition(
  legacy: number | null,
  service: number | null,
  limit: number,
): GateCondition {
  if (!isKnown(legacy) || !isKnown(service)) {
    const missing = !isKnown(legacy) ? 'legacy' : 'service';
    return {
      name: 'latency_ratio',
      ok: true,
      actual: null,
      limit,
      message: `latency not compared: ${missing} p95 unknown (limit ${limit}×)`,
    };
  }
  const ok = service <= limit * legacy;
  const actual = legacy > 0 ? service / legacy : service > 0 ? null : 1;
  const ratio = actual === null ? 'above any multiple of' : `${round(actual)}×`;
  const message = `service p95 ${round(service)} ms is ${ratio} legacy p95 ${round(legacy)} ms ${ok ? '≤' : '>'} ${limit}×`;
  return { name: 'latency_ratio', ok, actual, limit, message };
}

function isKnown(value: number | null): value is number {
  return value !== null && Number.isFinite(value) && value >= 0;
}

function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}

function percent(rate: number): string {
  return `${round(rate * 100)}%`;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}

/**
 * The figures of a route's entry in the report (typed by shape, so this module does not depend on the
 * report's code). A fallback is a client request the service failed and legacy answered: it counts as a
 * service request that failed. Missing served figures count as no service traffic.
 *
 * The report's `errors` counts pairs where either side failed; the gate's error rate is the service's,
 * `serviceErrors` (a report without it counts every failed pair against the service).
 */
export interface ReportRouteFigures {
  readonly compared: number;
  readonly mismatched: number;
  readonly errors: number;
  readonly serviceErrors?: number;
  readonly latency?: {
    readonly legacy?: { readonly p95?: number | null };
    readonly service?: { readonly p95?: number | null };
  };
  readonly served?: {
    readonly service?: { readonly requests?: number; readonly errors?: number };
    readonly fallbacks?: number;
  };
}

export function evidenceFromReport(entry: ReportRouteFigures): RouteEvidence {
  const fallbacks = entry.served?.fallbacks ?? 0;
  return {
    compared: entry.compared,
    mismatched: entry.mismatched,
    errors: entry.serviceErrors ?? entry.errors,
    failedPairs: entry.errors,
    serviceRequests: (entry.served?.service?.requests ?? 0) + fallbacks,
    serviceErrors: (entry.served?.service?.errors ?? 0) + fallbacks,
    legacyP95: entry.latency?.legacy?.p95 ?? null,
    serviceP95: entry.latency?.service?.p95 ?? null,
  };
}
