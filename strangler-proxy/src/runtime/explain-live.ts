/**
 * `GET /explain` of the admin API: which route of the live table a request takes, and where it goes now,
 * automatic rollbacks included. The file on disk may say otherwise until it is reloaded; this is what
 * the running proxy does.
 */
import type { RoutingSnapshot } from '../proxy/routing-snapshot.ts';
import { createRouteTable } from '../routing/route-table.ts';
import { explainRoute, type Explanation, type ExplainRequest } from '../routing/explain.ts';

export interface LiveExplanation extends Explanation {
  /** The table version answering. */
  readonly version: number;
  /** The winner was rolled back automatically: the monolith serves what its stage would send on. */
  readonly autoRolledBack: boolean;
}

export function explainLive(
  snapshot: RoutingSnapshot,
  state: { isRolledBack(routeId: string): boolean },
  request: ExplainRequest,
): LiveExplanation {
  // Built per call: the admin API explains rarely, and the snapshot's compiled table has no explain.
  const table = createRouteTable(snapshot.config.routes, {
    caseSensitive: snapshot.config.proxy.caseSensitive,
  });
  const explanation = explainRoute(table, snapshot.config, request);
  return {
    ...explanation,
    version: snapshot.version,
    autoRolledBack: explanation.winner !== null && state.isRolledBack(explanation.winner.id),
  };
}
