/**
 * Run-time protection that outlives reloads: automatic canary rollback per route and circuit-breaker
 * state per upstream, surfaced in metrics, logs, the admin API and the results store.
 */
import type { LoadedRoute } from '../config/index.ts';
import type { ProxyMetrics } from '../admin/metrics.ts';
import type { Logger } from '../logging/logger.ts';
import type { ResultRecorder } from '../store/types.ts';
import type { RouteRuntimeHooks, RoutingSnapshot } from '../proxy/routing-snapshot.ts';
import { createAutoRollback, type AutoRollback } from '../safety/auto-rollback.ts';
import { autoRollbackDecision } from '../safety/auto-rollback-decision.ts';
import { autoRollbackSchema } from '../config/schema.ts';
import { describeUpstreamTarget } from '../compare/describe-upstream-target.ts';
import type { EndpointStatus } from '../proxy/endpoint-set.ts';

export interface RouteSafety extends RouteRuntimeHooks {
  onReload(previous: RoutingSnapshot, next: RoutingSnapshot): void;
  watchUpstreams(snapshot: RoutingSnapshot): void;
  rolledBackRoutes(): Array<{ routeId: string; since: string; reason: string }>;
  upstreamStatus(snapshot: RoutingSnapshot): Record<string, UpstreamStatus>;
  progress(snapshot: RoutingSnapshot): Promise<unknown>;
  close(): void;
}

export interface UpstreamStatus {
  readonly url: string;
  readonly inFlight: number;
  readonly breaker: string;
  readonly endpoints: readonly EndpointStatus[];
  /** Why the last DNS resolution failed (the endpoints last known are kept). */
  readonly discoveryError?: string;
}

const defaultAutoRollback = Object.freeze(autoRollbackSchema.parse({}));

export function createRouteSafety(deps: {
  logger: Logger;
  metrics: ProxyMetrics;
  recorder: ResultRecorder;
}): RouteSafety {
  const monitors = new Map<string, { monitor: AutoRollback; configKey: string }>();
  const tripped = new Map<string, { since: number; reason: string }>();
  const watched = new WeakSet<object>();
  // The revision of the route as last served, so an automatic rollback records what it judged.
  const revisions = new Map<string, string>();

  const monitorFor = (route: LoadedRoute): AutoRollback => {
    const config = route.autoRollback ?? defaultAutoRollback;
    const configKey = JSON.stringify([route.stage, route.canary, config]);
    const existing = monitors.get(route.id);
    if (existing && existing.configKey === configKey) return existing.monitor;
    const monitor = createAutoRollback(config);
    monitor.onChange((event) => {
      if (event.kind !== 'tripped') return;
      const at = event.at;
      const reason = `service error rate ${(event.errorRate * 100).toFixed(1)}% (${event.failures}/${event.requests}) over ${config.window} ms`;
      tripped.set(route.id, { since: at, reason });
      deps.metrics.autoRolledBack.labels(route.id).set(1);
      deps.logger.warn(
        { route: route.id, reason },
        'canary rolled back automatically: traffic returns to legacy',
      );
      deps.recorder.recordEvent({ routeId: route.id, kind: 'auto_rollback', at, detail: reason });
      deps.recorder.recordDecision(autoRollbackDecision(route, config, event, revisions.get(route.id) ?? ''));
    });
    monitors.set(route.id, { monitor, configKey });
    return monitor;
  };

  return {
    isRolledBack: (routeId) => tripped.has(routeId),
    observeServiceOutcome(route, revision, success) {
      if (tripped.has(route.id)) return;
      revisions.set(route.id, revision);
      const monitor = monitorFor(route);
      if (success) monitor.onSuccess(Date.now());
      else monitor.onFailure(Date.now());
    },
    onReload(_previous, next) {
      // A changed canary (new percent, new stage) is an operator's decision: it clears the automatic rollback.
      for (const [routeId, entry] of monitors) {
        const route = next.routes.get(routeId);
        const configKey = route
          ? JSON.stringify([
              route.stage,
              route.config.canary,
              route.config.autoRollback ?? defaultAutoRollback,
            ])
          : '';
        if (configKey === entry.configKey) continue;
        monitors.delete(routeId);
        revisions.delete(routeId);
        if (tripped.delete(routeId)) {
          deps.metrics.autoRolledBack.labels(routeId).set(0);
          deps.recorder.recordEvent({
            routeId,
            kind: 'auto_rollback_cleared',
            at: Date.now(),
            detail: 'route changed by reload',
          });
        }
      }
    },
    watchUpstreams(snapshot) {
      for (const upstream of snapshot.upstreams.values()) {
        if (watched.has(upstream)) continue;
        watched.add(upstream);
        const code = { closed: 0, half_open: 1, open: 2 } as const;
        deps.metrics.breakerState.labels(upstream.name).set(code[upstream.guard.breakerState]);
        upstream.guard.onBreakerChange((state) => {
          deps.metrics.breakerState.labels(upstream.name).set(code[state]);
          deps.logger.warn({ upstream: upstream.name, state }, `circuit breaker ${state.replace('_', '-')}`);
        });
        upstream.endpoints.events.on('ejected', (endpoint) => {
          deps.metrics.endpointEjected(upstream.name);
          deps.logger.warn(
            { upstream: upstream.name, endpoint: endpoint.url, until: endpoint.ejectedUntil },
            'endpoint ejected after consecutive failures',
          );
        });
      }
    },
    rolledBackRoutes: () =>
      [...tripped].map(([routeId, entry]) => ({
        routeId,
        since: new Date(entry.since).toISOString(),
        reason: entry.reason,
      })),
    upstreamStatus: (snapshot) =>
      Object.fromEntries(
        [...snapshot.upstreams].map(([name, upstream]): [string, UpstreamStatus] => {
          const discoveryError = upstream.discoveryError();
          return [
            name,
            {
              url: describeUpstreamTarget(upstream.config),
              inFlight: upstream.guard.inFlight,
              breaker: upstream.guard.breakerState,
              endpoints: upstream.endpoints.status(),
              ...(discoveryError === null ? {} : { discoveryError }),
            },
          ];
        }),
      ),
    progress: (snapshot) => computeProgress(snapshot, deps.metrics),
    close() {
      monitors.clear();
      revisions.clear();
    },
  };
}

/** Share of requests served by the new services, per route and overall, from the request counters. */
async function computeProgress(snapshot: RoutingSnapshot, metrics: ProxyMetrics) {
  const counter = await metrics.registry.getSingleMetric('strangler_requests_total')?.get();
  const perRoute = new Map<string, { legacy: number; service: number }>();
  for (const value of counter?.values ?? []) {
    const route = String(value.labels.route);
    const side = value.labels.upstream === 'legacy' ? 'legacy' : 'service';
    const entry = perRoute.get(route) ?? { legacy: 0, service: 0 };
    entry[side] += value.value;
    perRoute.set(route, entry);
  }
  let legacy = 0;
  let service = 0;
  const routes = [...perRoute].map(([route, counts]) => {
    legacy += counts.legacy;
    service += counts.service;
    const total = counts.legacy + counts.service;
    return {
      route,
      stage: snapshot.routes.get(route)?.stage ?? 'legacy',
      ...counts,
      serviceShare: total ? counts.service / total : 0,
    };
  });
  const total = legacy + service;
  return {
    routesMigrated: [...snapshot.routes.values()].filter((route) => route.stage === 'migrated').length,
    routesTotal: snapshot.routes.size,
    requests: { legacy, service, serviceShare: total ? service / total : 0 },
    routes,
  };
}
