/**
 * A route's verdict from its figures. Pure. Mismatches are checked first: a clear mismatch is evidence
 * however few pairs were compared; then latency, with the promotion gate's own rule (a report that says
 * `ready` about a route `strangler promote` refuses would mislead); only a clean record needs the minimum
 * number of pairs.
 */
import { gateSchema, type GateConfig } from '../config/schema.ts';
import { latencyRatioCondition } from '../promote/gate.ts';
import type { GateLimits, RouteVerdict } from './report-model.ts';

/** The schema's defaults: what a route without `plan.gate` is held to. */
export const DEFAULT_GATE: GateConfig = gateSchema.parse({});

export interface VerdictFigures {
  readonly compared: number;
  readonly mismatched: number;
  /** Pairs where a side failed: never a match. */
  readonly errors: number;
  /** Of those, pairs where the service failed. Default: `errors`. */
  readonly serviceErrors?: number;
  /** p95 of the compared pairs per side, in milliseconds; null when unknown. */
  readonly legacyP95?: number | null;
  readonly serviceP95?: number | null;
}

export function decideVerdict(
  figures: VerdictFigures,
  gate: GateLimits,
): { verdict: RouteVerdict; verdictReason: string } {
  const { compared, mismatched } = figures;
  const errors = figures.serviceErrors ?? figures.errors;
  const comparable = compared - figures.errors;
  if (compared === 0) {
    return {
      verdict: 'insufficient_evidence',
      verdictReason: `no pairs compared yet; ${gate.minCompared} needed`,
    };
  }
  const mismatchRate = comparable === 0 ? 0 : mismatched / comparable;
  const errorRate = errors / compared;
  const mismatches = `mismatch rate ${percent(mismatchRate)} (${count(mismatched)} of ${count(comparable)})`;
  const failures = `service error rate ${percent(errorRate)} (${count(errors)} of ${count(compared)})`;
  if (mismatchRate > gate.maxMismatchRate) {
    return {
      verdict: 'mismatching',
      verdictReason: `${mismatches} is above ${percent(gate.maxMismatchRate)}`,
    };
  }
  if (errorRate > gate.maxErrorRate) {
    return { verdict: 'mismatching', verdictReason: `${failures} is above ${percent(gate.maxErrorRate)}` };
  }
  const latency = latencyRatioCondition(
    figures.legacyP95 ?? null,
    figures.serviceP95 ?? null,
    gate.maxLatencyRatio,
  );
  if (!latency.ok) return { verdict: 'slower', verdictReason: latency.message };
  if (comparable < gate.minCompared) {
    return {
      verdict: 'insufficient_evidence',
      verdictReason: `${count(comparable)} pairs compared, ${count(gate.minCompared)} needed (${mismatches} so far)`,
    };
  }
  return {
    verdict: 'ready',
    verdictReason: `${mismatches} and ${failures} within ${percent(gate.maxMismatchRate)} and ${percent(gate.maxErrorRate)}${latency.actual === null ? '' : `; ${latency.message}`}`,
  };
}

/** `0.0123` → `1.23%`: enough digits to tell 0.9% from 1.1%, no more. */
export function percent(rate: number): string {
  const value = rate * 100;
  const digits = value === 0 || value >= 10 ? 1 : value >= 1 ? 2 : 3;
  return `${Number(value.toFixed(digits))}%`;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}
