/**
 * `status --admin URL`: the running proxy's own account, from its admin API: the live table and its
 * version, automatic rollbacks, breaker states, each route's revision and verdict.
 */
import type { CliIo } from '../io.ts';
import { readAdmin } from '../admin-client.ts';
import type { RouteDescription } from '../../runtime/describe-routes.ts';
import { servedByOf } from '../route-rows/route-row.ts';
import type { StatusView } from './status-view.ts';

interface AdminRoutes {
  readonly version: number;
  readonly routes: readonly RouteDescription[];
}

interface AdminStatus {
  readonly version: number;
  readonly draining: boolean;
  readonly lastReload: { readonly ok: boolean; readonly at: number };
  readonly upstreams: Readonly<Record<string, { readonly url: string; readonly breaker: string }>>;
  readonly autoRollbacks: readonly { routeId: string; since: string; reason: string }[];
  readonly verdicts: readonly { route: string; label: string }[] | null;
}

export async function statusFromAdmin(io: CliIo, adminUrl: string): Promise<StatusView> {
  const [live, status] = await Promise.all([
    readAdmin<AdminRoutes>(io, adminUrl, '/routes'),
    readAdmin<AdminStatus>(io, adminUrl, '/status'),
  ]);
  const rollbacks = new Map(status.autoRollbacks.map((entry) => [entry.routeId, entry]));
  const verdicts = new Map((status.verdicts ?? []).map((entry) => [entry.route, entry.label]));
  return {
    source: 'admin',
    from: adminUrl,
    version: live.version,
    lastReload: { ok: status.lastReload.ok, at: new Date(status.lastReload.at).toISOString() },
    draining: status.draining,
    routes: live.routes.map((route) => {
      const rollback = rollbacks.get(route.id);
      return {
        id: route.id,
        stage: route.stage,
        canaryPercent: route.canaryPercent,
        servedBy: servedByOf(route.stage, route.autoRolledBack),
        autoRolledBack: route.autoRolledBack,
        rollback: rollback === undefined ? null : { since: rollback.since, reason: rollback.reason },
        revision: route.revision,
        verdict: verdicts.get(route.id) ?? null,
      };
    }),
    upstreams: Object.entries(status.upstreams).map(([name, upstream]) => ({
      name,
      url: upstream.url,
      breaker: upstream.breaker,
    })),
  };
}
