/**
 * Everything a request needs, compiled once per (re)load: the route table (with each route's side
 * policy), each route's upstreams, shadow plan and compiled compare rules. A reload builds a new
 * snapshot and swaps one reference; requests in flight keep the snapshot they started with.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { ShadowConfig, Stage } from '../config/schema.ts';
import type { AuthBridgeConfig } from '../config/auth-schema.ts';
import type { LoadedRoute, RoutesConfig } from '../config/index.ts';
import type { DeepReadonly } from '../config/routes-config.ts';
import { routeRevision } from '../config/route-revision.ts';
import { compileRoute, type CompiledRoute } from '../routing/compile-route.ts';
import { createRouteTable, createRouteTableOf, type RouteTable } from '../routing/route-table.ts';
import type { SideDecision } from '../routing/choose-side.ts';
import { createTrustedPeerCheck } from './forwarding-headers.ts';
import { nextTurn, ROUTES_PER_SLICE } from './slices.ts';
import { createUpstream, upstreamKey, type Upstream } from './upstream.ts';
import type { UpstreamBase } from './upstream-path.ts';

/** A route's shadow settings, as loaded: the same object for the route until the next reload. */
export interface ShadowPlan {
  readonly config: DeepReadonly<ShadowConfig>;
  /** The service's auth bridge (`services.X.auth`): mirrors to it carry a credential it accepts. */
  readonly bridge: DeepReadonly<AuthBridgeConfig> | null;
  /** The two upstreams' base paths: read-after-write checks address both sides through them. */
  readonly bases: { readonly legacy: UpstreamBase; readonly service: UpstreamBase };
}

export interface RoutingRoute {
  readonly id: string;
  readonly stage: Stage;
  /** `/api/products/:id`: the label for metrics and logs. */
  readonly template: string;
  readonly config: LoadedRoute;
  /** What its evidence is recorded under ({@link routeRevision}). */
  readonly revision: string;
  readonly legacy: Upstream;
  readonly service: Upstream;
  readonly shadow: ShadowPlan | null;
  readonly fallbackToLegacy: boolean;
  /** Query parameters the route masks in logs and samples besides the credential-like names (lower case). */
  readonly redactQuery: ReadonlySet<string>;
  /** Who serves this request and who gets the mirror (stage, canary split, sample, automatic rollback). */
  decide(req: IncomingMessage): SideDecision;
  /** Feeds the automatic canary rollback with the outcome of a request the service served. */
  observeServiceOutcome(success: boolean): void;
}

export interface RoutingSnapshot {
  readonly version: number;
  readonly loadedAt: number;
  readonly config: RoutesConfig;
  readonly legacy: Upstream;
  readonly upstreams: ReadonlyMap<string, Upstream>;
  readonly routes: ReadonlyMap<string, RoutingRoute>;
  match(method: string, segments: readonly string[], headers: IncomingHttpHeaders): RoutingRoute | null;
  isTrustedPeer(address: string): boolean;
}

/** Per-route run-time state that outlives a reload (automatic rollback), owned by the proxy. */
export interface RouteRuntimeHooks {
  isRolledBack(routeId: string): boolean;
  /** `revision`: the route's ({@link RoutingRoute.revision}), for the record an automatic rollback leaves. */
  observeServiceOutcome(route: LoadedRoute, revision: string, success: boolean): void;
}

export interface BuiltSnapshot {
  readonly snapshot: RoutingSnapshot;
  /** Upstreams of the previous snapshot that this one no longer uses (dispose after draining). */
  readonly retired: readonly Upstream[];
}

/** `compiled`: the config's routes as its load compiled them, used as they are when given. */
export function buildRoutingSnapshot(
  config: RoutesConfig,
  previous: RoutingSnapshot | null,
  hooks: RouteRuntimeHooks,
  version: number,
  compiled?: readonly CompiledRoute[],
): BuiltSnapshot {
  const options = { caseSensitive: config.proxy.caseSensitive };
  const table = compiled ? createRouteTableOf(compiled, options) : createRouteTable(config.routes, options);
  return assembleSnapshot(config, table, previous, hooks, version);
}

/**
 * {@link buildRoutingSnapshot} for a reload: the routes are compiled a slice at a time, and requests are
 * served between slices with the snapshot they have; the new one is whole before anyone sees it. Routes
 * the load compiled already are not compiled again.
 */
export async function buildRoutingSnapshotInSlices(
  config: RoutesConfig,
  previous: RoutingSnapshot | null,
  hooks: RouteRuntimeHooks,
  version: number,
  precompiled?: readonly CompiledRoute[],
): Promise<BuiltSnapshot> {
  const options = { caseSensitive: config.proxy.caseSensitive };
  if (precompiled)
    return assembleSnapshot(config, createRouteTableOf(precompiled, options), previous, hooks, version);
  const compiled: CompiledRoute[] = [];
  for (let start = 0; start < config.routes.length; start += ROUTES_PER_SLICE) {
    const slice = config.routes.slice(start, start + ROUTES_PER_SLICE);
    slice.forEach((route, offset) =>
      compiled.push(compileRoute(route, start + offset, options.caseSensitive)),
    );
    await nextTurn();
  }
  return assembleSnapshot(config, createRouteTableOf(compiled, options), previous, hooks, version);
}

function assembleSnapshot(
  config: RoutesConfig,
  table: RouteTable,
  previous: RoutingSnapshot | null,
  hooks: RouteRuntimeHooks,
  version: number,
): BuiltSnapshot {
  const reusable = new Map<string, Upstream>();
  for (const upstream of previous?.upstreams.values() ?? [])
    reusable.set(`${upstream.name}|${upstream.key}`, upstream);
  const upstreams = new Map<string, Upstream>();
  const obtain = (name: string, upstreamConfig: RoutesConfig['legacy']): Upstream => {
    const key = `${name}|${upstreamKey(upstreamConfig)}`;
    const upstream = reusable.get(key) ?? createUpstream(name, upstreamConfig);
    reusable.delete(key);
    upstreams.set(name, upstream);
    return upstream;
  };
  const legacy = obtain('legacy', config.legacy);
  for (const [name, serviceConfig] of Object.entries(config.services)) obtain(name, serviceConfig);

  const byIndex: RoutingRoute[] = [];
  const routes = new Map<string, RoutingRoute>();
  for (const compiled of table.routes) {
    const service = upstreams.get(compiled.route.service);
    // The loader rejects unknown services; this guards the invariant rather than re-validating.
    if (!service) throw new Error(`route ${compiled.id}: unknown service ${compiled.route.service}`);
    const sides = compiled.sides;
    const decide: Decide = (request) => sides.decide(request);
    const bridge = config.services[compiled.route.service]?.auth ?? null;
    const route = bindRoute(compiled.route, compiled.template, decide, legacy, service, hooks, bridge);
    byIndex[compiled.index] = route;
    routes.set(route.id, route);
  }
  const isTrustedPeer = createTrustedPeerCheck(config.proxy.trustedProxies);

  const snapshot: RoutingSnapshot = {
    version,
    loadedAt: Date.now(),
    config,
    legacy,
    upstreams,
    routes,
    match(method, segments, headers) {
      const found = table.match({ method, segments, header: (name) => headerValue(headers, name) });
      return found === null ? null : (byIndex[found.index] ?? null);
    },
    isTrustedPeer,
  };
  return { snapshot, retired: [...reusable.values()] };
}

type Decide = (request: {
  method: string;
  header(name: string): string | undefined;
  remoteAddress?: string;
}) => SideDecision;

/** A compiled route bound to its upstreams, shadow plan and run-time state: what a request uses. */
function bindRoute(
  config: LoadedRoute,
  template: string,
  decide: Decide,
  legacy: Upstream,
  service: Upstream,
  hooks: RouteRuntimeHooks,
  bridge: ShadowPlan['bridge'],
): RoutingRoute {
  // The loader gives every shadow and canary route its shadow block, defaults filled in (apply-defaults.ts).
  const shadowConfig = config.stage === 'legacy' ? undefined : config.shadow;
  const shadow: ShadowPlan | null = shadowConfig
    ? { config: shadowConfig, bridge, bases: { legacy: legacy.base, service: service.base } }
    : null;
  const revision = routeRevision(config, service.config);
  return {
    id: config.id,
    stage: config.stage,
    template,
    config,
    revision,
    legacy,
    service,
    shadow,
    fallbackToLegacy: config.fallback === 'legacy',
    redactQuery: new Set(config.compare?.redactQuery ?? []),
    decide(req) {
      const decision = decide({
        method: req.method ?? 'GET',
        header: (name) => headerValue(req.headers, name),
        remoteAddress: req.socket.remoteAddress,
      });
      if (decision.serve === 'service' && config.stage === 'canary' && hooks.isRolledBack(config.id)) {
        return decision.mirror === null ? LEGACY_ONLY : LEGACY_MIRROR_SERVICE;
      }
      return decision;
    },
    observeServiceOutcome(success) {
      if (config.stage === 'canary') hooks.observeServiceOutcome(config, revision, success);
    },
  };
}

const LEGACY_ONLY: SideDecision = Object.freeze({ serve: 'legacy', mirror: null });
const LEGACY_MIRROR_SERVICE: SideDecision = Object.freeze({ serve: 'legacy', mirror: 'service' });

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(name === 'cookie' ? '; ' : ', ') : value;
}
