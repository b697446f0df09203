/**
 * A route's verdict in the report: {@link decideRoute}, the one verdict `check`, `promote` and `/status`
 * give too, in the report's JSON shape, with the version-1 `verdict` derived from it. Pure.
 */
import { gateSchema, planSchema, type GateConfig } from '../config/schema.ts';
import { decideRoute, type RouteDecision } from '../promote/decide-route.ts';
import type { RouteEvidence } from '../promote/gate.ts';
import type { Position } from '../promote/plan.ts';
import type { DecisionReport, RouteVerdict } from './report-model.ts';

/** The schema's defaults: what a route without `plan.gate` is held to. */
export const DEFAULT_GATE: GateConfig = gateSchema.parse({});
/** The schema's default plan steps. */
export const DEFAULT_STEPS: readonly number[] = planSchema.parse({}).steps;
/** The schema's default least time at a canary step. */
export const DEFAULT_MIN_STEP_DURATION: number = planSchema.parse({}).minStepDuration;

export interface ReportVerdict {
  readonly verdict: RouteVerdict;
  readonly verdictReason: string;
  readonly decision: DecisionReport;
}

export function reportVerdict(
  position: Position,
  steps: readonly number[],
  gate: GateConfig,
  evidence: RouteEvidence,
  minStepDuration = DEFAULT_MIN_STEP_DURATION,
): ReportVerdict {
  const decided = decideRoute({ position, steps, gate, evidence, minStepDuration });
  return { verdict: versionOneVerdict(decided), verdictReason: decided.reason, decision: toReport(decided) };
}

/** The version-1 vocabulary: a hold is `insufficient_evidence`, a failure by errors `mismatching`. */
function versionOneVerdict(decided: RouteDecision): RouteVerdict {
  if (decided.outcome === 'pass') return 'ready';
  if (decided.outcome === 'hold') return 'insufficient_evidence';
  return decided.verdict === 'slower' ? 'slower' : 'mismatching';
}

export function toReport(decided: RouteDecision): DecisionReport {
  return {
    verdict: decided.verdict,
    outcome: decided.outcome,
    label: decided.label,
    question: decided.question,
    next: decided.next,
    more: decided.more,
    etaMs: decided.etaMs,
    conditions: decided.gate.conditions.map((condition) => ({
      name: condition.name,
      state: condition.state,
      actual: condition.actual,
      limit: condition.limit,
      upper: condition.bound?.upper ?? null,
      method: condition.bound?.method ?? null,
      more: condition.more ?? null,
      message: condition.message,
    })),
  };
}

/** `0.0123` → `1.23%`: enough digits to tell 0.9% from 1.1%, no more. */
export function percent(rate: number): string {
  const value = rate * 100;
  const digits = value === 0 || value >= 10 ? 1 : value >= 1 ? 2 : 3;
  return `${Number(value.toFixed(digits))}%`;
}
