/**
 * The one-line summary of a move given with `--message`, in the two places it travels beside the
 * routes.yaml diff: a comment on the route, and a trailer for the commit that carries the change.
 * Pure text.
 */
import { describePosition } from './plan.ts';
import type { Move } from './plan.ts';

export type DecisionKindText = 'promote' | 'forced promote' | 'rollback';

/** The git trailer's key: `git interpret-trailers` and `git log --format=%(trailers)` find it. */
export const DECISION_TRAILER_KEY = 'Strangler-Decision';

/** `promote shadow → canary 1%: catalog team signed off`. */
export function describeMove(
  kind: DecisionKindText,
  move: Pick<Move, 'from' | 'to'>,
  message: string,
): string {
  return `${kind} ${describePosition(move.from)} → ${describePosition(move.to)}: ${message}`;
}

/** `Strangler-Decision: catalog.products promote shadow → canary 1% (revision 0a1b…): signed off`. */
export function decisionTrailer(
  routeId: string,
  kind: DecisionKindText,
  move: Pick<Move, 'from' | 'to'>,
  revision: string,
  message: string,
): string {
  const moved = `${kind} ${describePosition(move.from)} → ${describePosition(move.to)}`;
  return `${DECISION_TRAILER_KEY}: ${routeId} ${moved} (revision ${revision}): ${message}`;
}
