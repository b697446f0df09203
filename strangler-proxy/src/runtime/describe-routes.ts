/** The active route table as the admin API and `strangler routes` show it. */
import type { RoutingSnapshot } from '../proxy/routing-snapshot.ts';
import { describeUpstreamTarget } from '../compare/describe-upstream-target.ts';
import { redactUrl } from '../compare/redact-url.ts';

export interface RouteDescription {
  readonly id: string;
  readonly path: string;
  readonly methods: readonly string[] | 'all';
  readonly service: string;
  readonly serviceUrl: string;
  readonly stage: string;
  readonly canaryPercent: number | null;
  readonly sticky: string | null;
  readonly shadowPercent: number | null;
  readonly fallback: string;
  readonly autoRolledBack: boolean;
  /** The route's revision: what its evidence is counted under (`config/route-revision.ts`). */
  readonly revision: string;
  /** `10 per 1000 ms, burst 20, by header:x-api-key (memory)`, null without a limit. */
  readonly rateLimit: string | null;
}

export function describeRoutes(
  snapshot: RoutingSnapshot,
  state: { isRolledBack(routeId: string): boolean } = { isRolledBack: () => false },
): RouteDescription[] {
  return [...snapshot.routes.values()].map((route) => ({
    id: route.id,
    path: route.config.path,
    methods: route.config.methods ?? 'all',
    service: route.config.service,
    serviceUrl: describeUpstreamTarget(route.service.config),
    stage: route.stage,
    canaryPercent: route.stage === 'canary' ? (route.config.canary?.percent ?? 0) : null,
    sticky: route.config.canary?.sticky ?? null,
    shadowPercent: route.shadow ? route.shadow.config.percent : null,
    fallback: route.config.fallback,
    autoRolledBack: state.isRolledBack(route.id),
    revision: route.revision,
    rateLimit: describeRateLimit(route.config.rateLimit),
  }));
}

function describeRateLimit(limit: RoutingSnapshot['config']['routes'][number]['rateLimit']): string | null {
  if (limit === undefined) return null;
  const store = limit.store === 'memory' ? 'memory' : redactUrl(limit.store);
  return `${limit.requests} per ${limit.per} ms, burst ${limit.burst ?? limit.requests}, by ${limit.key} (${store})`;
}
