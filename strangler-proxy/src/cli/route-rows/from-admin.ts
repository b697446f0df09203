/** The rows of `routes --admin`: the running proxy's live table (`GET /routes` and `/status`). */
import type { CliIo } from '../io.ts';
import { readAdmin } from '../admin-client.ts';
import type { RouteDescription } from '../../runtime/describe-routes.ts';
import { mirroredToOf, servedByOf, type RouteTable } from './route-row.ts';

interface AdminRoutes {
  readonly version: number;
  readonly routes: readonly RouteDescription[];
}

interface AdminStatus {
  readonly upstreams: Readonly<Record<string, { readonly url: string }>>;
}

export async function readLiveRoutes(io: CliIo, adminUrl: string): Promise<RouteTable> {
  const [live, status] = await Promise.all([
    readAdmin<AdminRoutes>(io, adminUrl, '/routes'),
    readAdmin<AdminStatus>(io, adminUrl, '/status'),
  ]);
  return {
    source: 'admin',
    from: adminUrl,
    version: live.version,
    legacy: status.upstreams.legacy?.url ?? '?',
    routes: live.routes.map((route) => ({
      id: route.id,
      path: route.path,
      methods: route.methods,
      stage: route.stage,
      canaryPercent: route.canaryPercent,
      service: route.service,
      serviceUrl: route.serviceUrl,
      servedBy: servedByOf(route.stage, route.autoRolledBack),
      shadow: route.shadowPercent,
      mirroredTo: mirroredToOf(route.stage, route.service, route.shadowPercent),
      fallback: route.fallback,
      // The admin API names neither: they are the file's business, not the live table's.
      mirrorRequest: null,
      authBridge: null,
      autoRolledBack: route.autoRolledBack,
      revision: route.revision,
    })),
  };
}
