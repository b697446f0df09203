/**
 * The promotion gate: does the recorded evidence allow a route's next step? Pure: the figures come in,
 * a result with every condition and its numbers goes out.
 *
 * What is gated depends on the step:
 * - legacy → shadow risks nothing (clients are still served by legacy): no conditions;
 * - leaving shadow: enough compared pairs, mismatch rate, service error rate, latency ratio;
 * - from one canary step to the next (or to migrated): mismatch rate, service error rate, latency ratio;
 * Rates are judged on confidence bounds, so a gate passes, holds (more evidence decides) or fails.
 * - rollbacks are never gated.
 */
import type { GateConfig } from '../config/schema.ts';
import { fewestClean, sampleRatio, SAMPLE_RATIO_CRITICAL } from './bounds.ts';
import type { Move } from './plan.ts';
import {
  describeMethod,
  judgeRate,
  judgeRateOverBaseline,
  type ConditionState,
  type JudgedBound,
  type RateJudgement,
} from './rate-condition.ts';

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
  /** The monolith's median latency on compared pairs (ms): what the relative latency limit scales. */
  readonly legacyP50?: number | null;
  /** Service − legacy latency on the same requests; judged instead of the p95s once it has a bound. */
  readonly pairedLatency?: PairedLatencyEvidence | null;
  /** Noise probes (the monolith asked twice) and how many disagreed: the mismatch rate's baseline. */
  readonly noiseBaseline?: { readonly probes: number; readonly disagreed: number } | null;
  /** Observations (pairs, requests the service served) per minute lately: the pace a hold's ETA uses. */
  readonly pacePerMinute?: number | null;
  /** Set while the proxy's own rollback of the canary stands (no change to the route since). */
  readonly autoRollback?: AutoRollbackState | null;
  /** Evidence of earlier revisions of the route in the window, not counted here. */
  readonly leftOut?: { readonly compared: number; readonly served: number };
  /** Client requests the monolith served (at a canary step: the other side of the split). */
  readonly legacyRequests?: number;
  /** How long the current step has had evidence (since its first compared pair), ms; null when none. */
  readonly stepDurationMs?: number | null;
}

/** Paired latency differences of shadow pairs (service − legacy), in ms as measured. */
export interface PairedLatencyEvidence {
  readonly pairs: number;
  readonly median: number | null;
  /** The sign test's one-sided 95% upper bound of the median difference; null under 5 pairs. */
  readonly upper95: number | null;
}

/** The proxy rolled a canary back by itself. */
export interface AutoRollbackState {
  /** Epoch ms. */
  readonly at: number;
  readonly detail: string;
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
  legacyP50: null,
});

export type GateConditionName =
  | 'min_compared'
  | 'mismatch_rate'
  | 'error_rate'
  | 'latency_ratio'
  | 'latency_difference'
  | 'min_step_duration'
  | 'min_served'
  | 'sample_ratio';

export interface GateCondition {
  readonly name: GateConditionName;
  /** The condition holds now (`state` is `pass`). */
  readonly ok: boolean;
  /** `hold`: not shown either way yet, more evidence decides; `fail`: shown not to hold. */
  readonly state: ConditionState;
  /** The measured figure (a count, a rate in 0..1, or a ratio); null when it could not be measured. */
  readonly actual: number | null;
  readonly limit: number;
  /** For rates: the bound judged against the limit, and the rule that gave it. */
  readonly bound?: JudgedBound;
  /** Holding: observations (pairs, or pairs and served requests) still needed; null when none will do. */
  readonly more?: number | null;
  /** For people, with the figures, the bound and the rule. */
  readonly message: string;
}

export interface GateResult {
  /** Every condition holds. */
  readonly passed: boolean;
  /** `pass`, `hold` (more evidence decides) or `fail` (a condition is shown not to hold). */
  readonly outcome: ConditionState;
  /** The gate did not pass and `force` overrode it. */
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
  /** The least time at a canary step (`plan.minStepDuration`, ms). Default 0. */
  readonly minStepDuration?: number;
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
 * The fewest comparable pairs a route must show before leaving shadow: `minCompared` when set, else the
 * fewest with no mismatch at all whose upper bound reaches `maxMismatchRate` (1% → 299).
 */
export function minimumPairs(gate: Pick<GateConfig, 'minCompared' | 'maxMismatchRate'>): number {
  return gate.minCompared ?? fewestClean(gate.maxMismatchRate);
}

/**
 * Evaluates the gate for a move. Missing evidence counts as none at all.
 *
 * Rates are judged on their one-sided 95% bounds ({@link judgeRate}): a rate passes when its upper bound
 * is within the limit, fails when its lower bound is above it, and holds in between, or while nothing was
 * observed. The latency ratio passes or fails (it holds, and says so, while a side is unknown).
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
  if (target.from.stage === 'shadow') conditions.push(minCompared(figures, minimumPairs(gate)));
  conditions.push(mismatchRate(figures, gate.maxMismatchRate));
  conditions.push(errorRate(figures, gate.maxErrorRate));
  conditions.push(latency(figures, gate.maxLatencyRatio, gate.maxLatencyIncreaseMs));
  if (target.from.stage === 'canary') {
    conditions.push(stepDuration(figures, options.minStepDuration ?? 0, target.from.percent));
    conditions.push(minServed(figures, gate.minServed ?? fewestClean(gate.maxErrorRate)));
    conditions.push(splitRatio(figures, target.from.percent));
  }
  const outcome = overall(conditions);
  const passed = outcome === 'pass';
  const forced = !passed && options.force === true;
  return { passed, outcome, forced, proceed: passed || forced, conditions };
}

function overall(conditions: readonly GateCondition[]): ConditionState {
  if (conditions.some((condition) => condition.state === 'fail')) return 'fail';
  if (conditions.some((condition) => condition.state === 'hold')) return 'hold';
  return 'pass';
}

function ungated(note: string): GateResult {
  return { passed: true, outcome: 'pass', forced: false, proceed: true, conditions: [], note };
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
  return {
    name: 'min_compared',
    ok,
    state: ok ? 'pass' : 'hold',
    actual,
    limit,
    more: ok ? 0 : limit - actual,
    message,
  };
}

function mismatchRate(evidence: RouteEvidence, limit: number): GateCondition {
  const comparable = comparablePairs(evidence);
  const baseline = evidence.noiseBaseline;
  if (baseline && baseline.disagreed > 0 && comparable > 0) {
    // The monolith disagrees with itself this often: the service is judged on what it adds to that.
    const judged = judgeRateOverBaseline(
      evidence.mismatched,
      comparable,
      baseline.disagreed,
      baseline.probes,
      limit,
    );
    const measured = `mismatch rate ${percent(judged.rate ?? 0)} (${count(evidence.mismatched)} of ${count(comparable)}) against the monolith's own ${percent(baseline.disagreed / baseline.probes)} (${count(baseline.disagreed)} of ${count(baseline.probes)} noise probes disagreed): excess over it`;
    return rateCondition('mismatch_rate', measured, judged, limit, 'pairs');
  }
  const judged = judgeRate(evidence.mismatched, comparable, limit);
  const measured =
    comparable === 0
      ? 'mismatch rate not measured yet'
      : `mismatch rate ${percent(judged.rate ?? 0)} (${count(evidence.mismatched)} of ${count(comparable)})`;
  return rateCondition('mismatch_rate', measured, judged, limit, 'pairs');
}

function errorRate(evidence: RouteEvidence, limit: number): GateCondition {
  const failures = evidence.errors + evidence.serviceErrors;
  const observed = evidence.compared + evidence.serviceRequests;
  const judged = judgeRate(failures, observed, limit);
  if (observed === 0) {
    const measured = 'service error rate not measured yet: no pairs, no requests served by the service';
    return rateCondition('error_rate', measured, judged, limit, 'pairs or requests');
  }
  const sources = [
    evidence.compared > 0
      ? `${count(evidence.errors)} of ${count(evidence.compared)} shadow pairs`
      : undefined,
    evidence.serviceRequests > 0
      ? `${count(evidence.serviceErrors)} of ${count(evidence.serviceRequests)} served`
      : undefined,
  ].filter((source) => source !== undefined);
  const measured = `service error rate ${percent(judged.rate ?? 0)} (${sources.join(', ')})`;
  return rateCondition('error_rate', measured, judged, limit, 'pairs or requests');
}

/**
 * `mismatch rate 0% (0 of 100), 95% upper bound 2.95% (Clopper–Pearson) > 1%: hold, 199 more pairs at
 * this rate`: the figure, the bound and its rule, the limit, and what would change the answer.
 */
function rateCondition(
  name: GateConditionName,
  measured: string,
  judged: RateJudgement,
  limit: number,
  unit: string,
): GateCondition {
  const { state, bound } = judged;
  const base = { name, ok: state === 'pass', state, actual: judged.rate, limit, bound, more: judged.more };
  if (judged.rate === null) {
    const more = judged.more === null ? '' : `, at least ${count(judged.more)} ${unit} needed`;
    return { ...base, message: `${measured} (limit ${percent(limit)}${more})` };
  }
  const rule = `95% upper bound ${percent(bound.upper)} (${describeMethod(bound.method)})`;
  if (state === 'pass') return { ...base, message: `${measured}, ${rule} ≤ ${percent(limit)}` };
  if (state === 'fail') {
    return {
      ...base,
      message: `${measured}, 95% lower bound ${percent(bound.lower)} (${bound.method === 'newcombe' ? 'Newcombe' : 'Wilson'}) > ${percent(limit)}`,
    };
  }
  const next =
    judged.more === null
      ? `hold: at the rate seen so far the bound never gets under ${percent(limit)}`
      : `hold: about ${count(judged.more)} more ${unit} at the rate seen so far`;
  return { ...base, message: `${measured}, ${rule} > ${percent(limit)}: ${next}` };
}

/** A canary step holds for `plan.minStepDuration` from its first evidence: counts alone come too fast. */
function stepDuration(evidence: RouteEvidence, limit: number, percent: number): GateCondition {
  const actual = evidence.stepDurationMs ?? null;
  const ok = limit === 0 || (actual !== null && actual >= limit);
  const message =
    actual === null
      ? `time at canary ${percent}% unknown: no pair compared at this step yet (${minutes(limit)} needed)`
      : `at canary ${percent}% for ${minutes(actual)} ${ok ? '≥' : '<'} ${minutes(limit)} needed`;
  return { name: 'min_step_duration', ok, state: ok ? 'pass' : 'hold', actual, limit, message };
}

/** Requests the service served at the step (fallbacks included: the service was asked and failed). */
function minServed(evidence: RouteEvidence, limit: number): GateCondition {
  const actual = evidence.serviceRequests;
  const ok = actual >= limit;
  const message = `${count(actual)} requests served by the service at this step ${ok ? '≥' : '<'} ${count(limit)} needed`;
  return {
    name: 'min_served',
    ok,
    state: ok ? 'pass' : 'hold',
    actual,
    limit,
    more: ok ? 0 : limit - actual,
    message,
  };
}

/** The split itself: a share far from the setting (χ², p < 0.001) means the evidence is not what it seems. */
function splitRatio(evidence: RouteEvidence, setting: number): GateCondition {
  const total = evidence.serviceRequests + (evidence.legacyRequests ?? 0);
  const check = sampleRatio(evidence.serviceRequests, total, setting / 100);
  const observed =
    check.observedShare === null
      ? 'no requests yet'
      : `${percent(check.observedShare)} of ${count(total)} requests`;
  const message = check.mismatch
    ? `split off: the service served ${observed}, set to ${setting}% (χ² ${round(check.chiSquare)} > ${SAMPLE_RATIO_CRITICAL}): hold while it is`
    : `split as set: the service served ${observed}, set to ${setting}% (χ² ${round(check.chiSquare)} ≤ ${SAMPLE_RATIO_CRITICAL})`;
  return {
    name: 'sample_ratio',
    ok: !check.mismatch,
    state: check.mismatch ? 'hold' : 'pass',
    actual: check.observedShare,
    limit: setting / 100,
    message,
  };
}

function minutes(ms: number): string {
  const value = ms / 60_000;
  return value >= 10 || value === 0 ? `${Math.round(value)} min` : `${Math.round(value * 10) / 10} min`;
}

/**
 * Paired differences once they bound the median; the two sides' p95s before that (or without pairs).
 * The mirror is timed after the primary answered, on the shadow thread, among the other mirrors in
 * flight: its side can look slower by queueing alone. So a failing paired bound calls the route slower
 * only when its p95 is over the limits too; twin servers whose p95s differ pass on the pairs.
 */
function latency(evidence: RouteEvidence, limit: number, floorMs: number): GateCondition {
  const byPercentile = latencyRatioCondition(evidence.legacyP95, evidence.serviceP95, limit, floorMs);
  const paired = evidence.pairedLatency;
  if (!paired || paired.upper95 === null) return byPercentile;
  const byPairs = latencyDifferenceCondition(paired, evidence.legacyP50 ?? null, limit, floorMs);
  if (byPairs.ok || !byPercentile.ok) return byPairs;
  return {
    ...byPairs,
    ok: true,
    state: 'pass',
    message: `${byPairs.message}, but ${byPercentile.message}`,
  };
}

/**
 * The service's latency minus the monolith's on the same requests: the sign test's one-sided 95% upper
 * bound of the median difference may exceed the relative allowance, (`limit` − 1) × the monolith's
 * median, or the absolute floor, not both. A service 2 ms slower than a 2 ms monolith is within a 10 ms
 * floor; a fast monolith's jitter never fails a route.
 */
export function latencyDifferenceCondition(
  paired: PairedLatencyEvidence,
  legacyMedian: number | null,
  limit: number,
  floorMs: number,
): GateCondition {
  const upper = paired.upper95 ?? 0;
  const relative = legacyMedian === null ? null : (limit - 1) * legacyMedian;
  const overRelative = relative === null || upper > relative;
  const overFloor = upper > floorMs;
  const ok = !(overRelative && overFloor);
  const allowance = Math.max(relative ?? 0, floorMs);
  const relativeText =
    relative === null
      ? `relative limit unknown (no legacy median)`
      : `${signed(limitFigure(relative))} ms (${limitFigure(limit - 1)} × legacy median ${legacyMedian} ms)`;
  const figures = `service − legacy latency on the same requests: median ${signed(paired.median ?? 0)} ms, 95% upper bound ${signed(upper)} ms (sign test, ${count(paired.pairs)} pairs)`;
  const message = ok
    ? `${figures} ≤ ${overRelative ? `${floorMs} ms floor` : relativeText}`
    : `${figures} > ${relativeText} and > ${floorMs} ms floor`;
  return {
    name: 'latency_difference',
    ok,
    state: ok ? 'pass' : 'fail',
    actual: upper,
    limit: allowance,
    message,
  };
}

/** `+0.02`, `-1.3`, `0`. */
function signed(ms: number): string {
  return ms > 0 ? `+${ms}` : String(ms);
}

/** A limit derived from settings and a measured median: three significant digits are plenty. */
function limitFigure(value: number): number {
  return Number(value.toPrecision(3));
}

/**
 * Service p95 at most `limit` times legacy's, or at most `floorMs` above it: a service 2 ms slower than a
 * 2 ms monolith is twice as slow and still not a failure. Used until paired differences bound the median
 * (unpaired p95s of two servers differ by their jitter). Passes (and says so) when a side is unknown.
 * The p95s are printed as measured (the report rounds them to its bins' precision); the ratio with two
 * significant digits.
 */
export function latencyRatioCondition(
  legacy: number | null,
  service: number | null,
  limit: number,
  floorMs = 0,
): GateCondition {
  if (!isKnown(legacy) || !isKnown(service)) {
    const missing = !isKnown(legacy) ? 'legacy' : 'service';
    return {
      name: 'latency_ratio',
      ok: true,
      state: 'pass',
      actual: null,
      limit,
      message: `latency not compared: ${missing} p95 unknown (limit ${limit}×)`,
    };
  }
  const withinRatio = service <= limit * legacy;
  const withinFloor = service - legacy <= floorMs;
  const ok = withinRatio || withinFloor;
  const actual = legacy > 0 ? service / legacy : service > 0 ? null : 1;
  const ratio = actual === null ? 'above any multiple of' : `${significant(actual)}×`;
  const figures = `service p95 ${service} ms is ${ratio} legacy p95 ${legacy} ms`;
  const slower = Number((service - legacy).toPrecision(12)); // without binary floating-point residue
  const message =
    withinRatio || !withinFloor
      ? `${figures} ${ok ? '≤' : '>'} ${limit}×${floorMs > 0 && !ok ? ` and ${slower} ms slower > ${floorMs} ms` : ''}`
      : `${figures} > ${limit}×, but only ${slower} ms slower ≤ ${floorMs} ms`;
  return { name: 'latency_ratio', ok, state: ok ? 'pass' : 'fail', actual, limit, message };
}

function isKnown(value: number | null): value is number {
  return value !== null && Number.isFinite(value) && value >= 0;
}

/** Two significant digits: a ratio of two figures each within a bin. */
function significant(value: number): string {
  return value === 0 ? '0' : String(Number(value.toPrecision(2)));
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
    readonly legacy?: { readonly p50?: number | null; readonly p95?: number | null };
    readonly service?: { readonly p95?: number | null };
  };
  readonly pairedLatency?: PairedLatencyEvidence;
  readonly noiseBaseline?: { readonly probes: number; readonly disagreed: number };
  readonly served?: {
    readonly legacy?: { readonly requests?: number };
    readonly service?: { readonly requests?: number; readonly errors?: number };
    readonly fallbacks?: number;
  };
  readonly stepDurationMs?: number | null;
  readonly pacePerMinute?: number | null;
  /** `at` in ISO 8601. */
  readonly autoRollback?: { readonly at: string; readonly detail: string } | null;
  readonly leftOut?: { readonly compared: number; readonly served: number };
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
    legacyP50: entry.latency?.legacy?.p50 ?? null,
    ...(entry.pairedLatency === undefined ? {} : { pairedLatency: entry.pairedLatency }),
    ...(entry.noiseBaseline === undefined ? {} : { noiseBaseline: entry.noiseBaseline }),
    ...(entry.pacePerMinute === undefined ? {} : { pacePerMinute: entry.pacePerMinute }),
    ...(entry.leftOut === undefined ? {} : { leftOut: entry.leftOut }),
    legacyRequests: entry.served?.legacy?.requests ?? 0,
    ...(entry.stepDurationMs === undefined ? {} : { stepDurationMs: entry.stepDurationMs }),
    ...(entry.autoRollback
      ? { autoRollback: { at: Date.parse(entry.autoRollback.at), detail: entry.autoRollback.detail } }
      : {}),
  };
}
