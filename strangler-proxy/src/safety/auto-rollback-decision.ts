/**
 * The decision-ledger entry of an automatic rollback: the canary's traffic went back to legacy (routes.yaml
 * untouched), on the service's outcomes in the window, held to the route's `autoRollback` limits.
 */
import { hostname } from 'node:os';
import type { AutoRollbackConfig } from '../config/schema.ts';
import type { LoadedRoute } from '../config/index.ts';
import { describePosition, positionOf } from '../promote/plan.ts';
import type { StoredDecision } from '../store/result-store.ts';
import type { AutoRollbackEvent } from './auto-rollback.ts';

/** Who an automatic rollback is recorded as deciding: the proxy, not a person. */
export const PROXY_USER = 'proxy';

export function autoRollbackDecision(
  route: LoadedRoute,
  limits: AutoRollbackConfig,
  trip: Extract<AutoRollbackEvent, { kind: 'tripped' }>,
  revision: string,
): StoredDecision {
  return {
    routeId: route.id,
    kind: 'auto_rollback',
    at: trip.at,
    from: describePosition(positionOf(route)),
    to: 'legacy',
    revision,
    evidence: JSON.stringify({
      serviceRequests: trip.requests,
      serviceErrors: trip.failures,
      errorRate: trip.errorRate,
    }),
    bounds: JSON.stringify(limits),
    user: PROXY_USER,
    host: hostname(),
    message: null,
  };
}
