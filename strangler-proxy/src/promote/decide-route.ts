/**
 * The one verdict on a route: what `report` (every format), `check`, `promote`, the admin API's `/status`
 * and the HTML report all say, from the same figures by the same rules. Pure.
 *
 * A verdict answers the route's own stage's question:
 * - legacy: may it be shadowed? Always: shadowing risks nothing (`ready_to_shadow`).
 * - shadow and canary: may it take its next step? `ready`, `hold` (the bounds cannot tell yet: how many
 *   more observations, and about how long at the recent pace), or a named failure: `failing` (the
 *   service's error rate), `mismatching`, `slower`; `rolled_back` when the proxy sent a canary back to
 *   the monolith by itself.
 * - migrated: nothing left to gate (`migrated`).
 */
import type { GateConfig } from '../config/schema.ts';
import { evaluateGate, type GateCondition, type GateResult, type RouteEvidence } from './gate.ts';
import { describePosition, nextMove, type Move, type Position } from './plan.ts';
import type { ConditionState } from './rate-condition.ts';

export const ROUTE_VERDICTS = [
  'ready_to_shadow',
  'ready',
  'hold',
  'mismatching',
  'failing',
  'slower',
  'rolled_back',
  'migrated',
] as const;
export type RouteVerdictName = (typeof ROUTE_VERDICTS)[number];

export interface RouteDecision {
  readonly verdict: RouteVerdictName;
  readonly outcome: ConditionState;
  /** For people: `ready for canary 5%`, `hold`, `mismatching`, `ready to shadow`. */
  readonly label: string;
  /** The stage's question: `may it go from shadow to canary 1%?`. */
  readonly question: string;
  /** One sentence with the figures behind the verdict. */
  readonly reason: string;
  /** The next step; null for a migrated route. */
  readonly next: Position | null;
  readonly gate: GateResult;
  /** Holding: observations still needed (the largest any condition asks); null when unknown or none. */
  readonly more: number | null;
  /** Holding: about how long `more` takes at the recent pace (ms); null without a pace. */
  readonly etaMs: number | null;
}

export interface DecideRouteInput {
  readonly position: Position;
  readonly steps: readonly number[];
  readonly gate: GateConfig;
  readonly evidence: RouteEvidence | undefined;
  /** The least time at a canary step (`plan.minStepDuration`, ms). */
  readonly minStepDuration?: number;
  /** Let a gate that did not pass go ahead (promote --force). */
  readonly force?: boolean;
}

export function decideRoute(input: DecideRouteInput): RouteDecision {
  const { position } = input;
  if (position.stage === 'migrated') {
    const gate = evaluateGate(undefined, input.gate, { from: position, to: position, direction: 'rollback' });
    return {
      verdict: 'migrated',
      outcome: 'pass',
      label: 'migrated',
      question: 'is it migrated?',
      reason: 'the service answers everything; nothing left to gate',
      next: null,
      gate: { ...gate, note: 'migrated: nothing left to gate' },
      more: null,
      etaMs: null,
    };
  }
  const move = nextMove(position, input.steps);
  const question = `may it go from ${describePosition(move.from)} to ${describePosition(move.to)}?`;
  const gate = evaluateGate(input.evidence, input.gate, move, {
    force: input.force,
    minStepDuration: input.minStepDuration,
  });
  const base = { question, next: move.to, gate };
  if (position.stage === 'legacy') {
    return {
      ...base,
      verdict: 'ready_to_shadow',
      outcome: 'pass',
      label: 'ready to shadow',
      reason: 'shadowing risks nothing: the monolith still answers every client',
      more: null,
      etaMs: null,
    };
  }
  const rolledBack = input.evidence?.autoRollback;
  if (position.stage === 'canary' && rolledBack) {
    return {
      ...base,
      gate: {
        ...gate,
        passed: false,
        outcome: 'fail',
        forced: input.force === true,
        proceed: input.force === true,
      },
      verdict: 'rolled_back',
      outcome: 'fail',
      label: 'rolled back',
      reason: `rolled back automatically at ${new Date(rolledBack.at).toISOString()}: ${rolledBack.detail}; the monolith serves it until routes.yaml changes the route`,
      more: null,
      etaMs: null,
    };
  }
  const earlier = leftOutNote(input.evidence);
  if (gate.outcome === 'fail') {
    const failed = failure(gate.conditions);
    return { ...base, ...failed, reason: failed.reason + earlier, more: null, etaMs: null };
  }
  if (gate.outcome === 'hold') {
    const held = hold(gate.conditions, input.evidence?.pacePerMinute ?? null);
    return { ...base, ...held, reason: held.reason + earlier };
  }
  return {
    ...base,
    verdict: 'ready',
    outcome: 'pass',
    label: readyLabel(move),
    reason: gate.conditions.map((condition) => condition.message).join('; ') + earlier,
    more: null,
    etaMs: null,
  };
}

/** ` (left out: 40 pairs and 0 served requests of earlier revisions of the route)`, when any were. */
function leftOutNote(evidence: RouteEvidence | undefined): string {
  const left = evidence?.leftOut;
  if (!left || left.compared + left.served === 0) return '';
  const count = (value: number) => value.toLocaleString('en-US');
  return ` (left out: ${count(left.compared)} pairs and ${count(left.served)} served requests of earlier revisions of the route)`;
}

function readyLabel(move: Move): string {
  return move.to.stage === 'migrated' ? 'ready to migrate' : `ready for ${describePosition(move.to)}`;
}

/** The first failed condition names the verdict: the service's errors before mismatches before latency. */
function failure(
  conditions: readonly GateCondition[],
): Pick<RouteDecision, 'verdict' | 'outcome' | 'label' | 'reason'> {
  const failed = conditions.filter((condition) => condition.state === 'fail');
  const named = (name: GateCondition['name']) => failed.some((condition) => condition.name === name);
  const verdict: RouteVerdictName = named('error_rate')
    ? 'failing'
    : named('mismatch_rate')
      ? 'mismatching'
      : 'slower';
  const order = ['error_rate', 'mismatch_rate', 'latency_difference', 'latency_ratio', 'min_compared'];
  const sorted = [...failed].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  return {
    verdict,
    outcome: 'fail',
    label: verdict,
    reason: sorted.map((condition) => condition.message).join('; '),
  };
}

function hold(
  conditions: readonly GateCondition[],
  pacePerMinute: number | null,
): Pick<RouteDecision, 'verdict' | 'outcome' | 'label' | 'reason' | 'more' | 'etaMs'> {
  const holding = conditions.filter((condition) => condition.state === 'hold');
  const counts = holding.map((condition) => condition.more);
  // One condition that no amount of evidence at this rate can satisfy leaves the wait unknown.
  const more = counts.some((value) => value === null || value === undefined)
    ? null
    : Math.max(0, ...(counts as number[]));
  const etaMs =
    more !== null && pacePerMinute !== null && pacePerMinute > 0 ? (more / pacePerMinute) * 60_000 : null;
  const wait =
    more === null
      ? ''
      : etaMs === null
        ? ` — ${more.toLocaleString('en-US')} more needed; no recent traffic to time it by`
        : ` — ${more.toLocaleString('en-US')} more needed, about ${formatDuration(etaMs)} at the recent pace`;
  return {
    verdict: 'hold',
    outcome: 'hold',
    label: 'hold',
    reason: `${holding.map((condition) => condition.message).join('; ')}${wait}`,
    more,
    etaMs,
  };
}

/** `about 25 min`: rounded to what a pace can promise. */
export function formatDuration(ms: number): string {
  const minutes = ms / 60_000;
  if (minutes < 1) return 'under a minute';
  if (minutes < 90) return `${Math.round(minutes)} min`;
  const hours = minutes / 60;
  if (hours < 36) return `${Math.round(hours)} h`;
  return `${Math.round(hours / 24)} days`;
}
