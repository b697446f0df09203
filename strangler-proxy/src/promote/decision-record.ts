/**
 * Ledger entries for the moves `promote` and `rollback` make: what moved, at which revision, on what
 * evidence and against which limits, by whom. Pure: the caller says who and when, and stores the entry.
 */
import type { StoredDecision } from '../store/result-store.ts';
import { describePosition } from './plan.ts';
import type { PromoteRouteResult, RollbackRouteResult } from './promote-route.ts';

/** Who decided, and when (epoch ms). */
export interface DecisionContext {
  readonly user: string;
  readonly host: string;
  readonly at: number;
  /** The one-line summary given with `--message`. */
  readonly message?: string;
}

/** The entry for a promotion that went ahead (passed, or forced past its gate). */
export function promoteDecision(result: PromoteRouteResult, context: DecisionContext): StoredDecision {
  const bounds = result.gate.conditions.map(({ name, state, actual, limit, bound }) => ({
    name,
    state,
    actual,
    limit,
    ...(bound === undefined ? {} : { bound }),
  }));
  return {
    ...common(result, context),
    kind: result.gate.forced ? 'forced_promote' : 'promote',
    evidence: result.evidence === undefined ? null : JSON.stringify(result.evidence),
    bounds: bounds.length === 0 ? null : JSON.stringify(bounds),
  };
}

/** The entry for an operator's rollback: not gated, so it carries no evidence. */
export function rollbackDecision(result: RollbackRouteResult, context: DecisionContext): StoredDecision {
  return { ...common(result, context), kind: 'rollback', evidence: null, bounds: null };
}

function common(
  result: PromoteRouteResult | RollbackRouteResult,
  context: DecisionContext,
): Omit<StoredDecision, 'kind' | 'evidence' | 'bounds'> {
  return {
    routeId: result.routeId,
    at: context.at,
    from: describePosition(result.move.from),
    to: describePosition(result.move.to),
    revision: result.revision,
    user: context.user,
    host: context.host,
    message: context.message ?? null,
  };
}
