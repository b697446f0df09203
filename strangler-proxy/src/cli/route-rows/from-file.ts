/** The rows of `routes` as routes.yaml writes them. */
import type { RoutesConfig } from '../../config/index.ts';
import { describeUpstreamTarget } from '../../compare/describe-upstream-target.ts';
import { describeMirrorRequest } from '../../config/describe-mirror-request.ts';
import { currentRevisions } from '../../config/route-revision.ts';
import { mirroredToOf, servedByOf, type RouteRow } from './route-row.ts';

export type { RouteRow } from './route-row.ts';

export function routeRowsFromFile(config: RoutesConfig): RouteRow[] {
  const revisions = currentRevisions(config);
  return config.routes.map((route) => {
    const shadow =
      route.stage === 'legacy' ? null : (route.shadow?.percent ?? (route.stage === 'shadow' ? 100 : null));
    const service = config.services[route.service];
    const auth = service?.auth;
    return {
      id: route.id,
      path: route.path,
      methods: route.methods ?? 'all',
      stage: route.stage,
      canaryPercent: route.stage === 'canary' ? (route.canary?.percent ?? 0) : null,
      service: route.service,
      serviceUrl: service === undefined ? null : describeUpstreamTarget(service),
      servedBy: servedByOf(route.stage, null),
      shadow,
      mirroredTo: mirroredToOf(route.stage, route.service, shadow),
      fallback: route.fallback,
      mirrorRequest: describeMirrorRequest(route.shadow?.request),
      authBridge: auth?.jwt ? 'jwt' : auth?.hook ? 'hook' : null,
      autoRolledBack: null,
      revision: revisions.get(route.id) ?? null,
    };
  });
}
