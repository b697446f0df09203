/**
 * Everything a request needs, compiled once per (re)load: the route table, each route's upstreams,
 * side chooser, shadow plan and compiled compare rules. A reload builds a new snapshot and swaps one
 * reference; requests in flight keep the snapshot they started with.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import {
  compareSchema,
  shadowSchema,
  type CompareRules,
  type RouteConfig,
  type ShadowConfig,
  type Stage,
  type UpstreamConfig,
} from '../config/schema.ts';
import type { RoutesConfig } from '../config/index.ts';
import type { Side } from '../compare/verdict.ts';
import { compileCompareRules, type CompiledRules } from '../compare/index.ts';
import { createRouteTable } from '../routing/route-table.ts';
import { createSideChooser } from '../routing/choose-side.ts';
import { createTrustedPeerCheck } from './forwarding-headers.ts';
import { createUpstream, upstreamKey, type Upstream } from './upstream.ts';

export interface ShadowPlan {
  readonly config: ShadowConfig;
  readonly rules: CompiledRules;
  /** Whether this request is in the mirrored sample. */
  sample(req: IncomingMessage): boolean;
}

export interface RoutingRoute {
  readonly id: string;
  readonly stage: Stage;
  readonly config: RouteConfig;
  readonly legacy: Upstream;
  readonly service: Upstream;
  readonly shadow: ShadowPlan | null;
  readonly fallbackToLegacy: boolean;
  /** Which side serves this request (stage, canary split, automatic rollback). */
  chooseSide(req: IncomingMessage): Side;
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
  observeServiceOutcome(route: RouteConfig, success: boolean): void;
}

export interface BuiltSnapshot {
  readonly snapshot: RoutingSnapshot;
  /** Upstreams of the previous snapshot that this one no longer uses (dispose after draining). */
  readonly retired: readonly Upstream[];
}

export function buildRoutingSnapshot(
  config: RoutesConfig,
  previous: RoutingSnapshot | null,
  hooks: RouteRuntimeHooks,
  version: number,
): BuiltSnapshot {
  const reusable = new Map<string, Upstream>();
  for (const upstream of previous?.upstreams.values() ?? []) reusable.set(`${upstream.name}|${upstream.key}`, upstream);
  const upstreams = new Map<string, Upstream>();
  const obtain = (name: string, upstreamConfig: UpstreamConfig): Upstream => {
    const key = `${name}|${upstreamKey(upstreamConfig)}`;
    const upstream = reusable.get(key) ?? createUpstream(name, upstreamConfig);
    reusable.delete(key);
    upstreams.set(name, upstream);
    return upstream;
  };
  const legacy = obtain('legacy', config.legacy);
  for (const [name, serviceConfig] of Object.entries(config.services)) obtain(name, serviceConfig);

  const routes = new Map<string, RoutingRoute>();
  for (const routeConfig of config.routes) {
    const service = upstreams.get(routeConfig.service);
    if (!service) throw new Error(`route ${routeConfig.id}: unknown service ${routeConfig.service}`);
    routes.set(routeConfig.id, compileRoute(routeConfig, legacy, service, hooks));
  }
  const table = createRouteTable(config.routes);
  const byIndex = config.routes.map((routeConfig) => routes.get(routeConfig.id) as RoutingRoute);
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

function compileRoute(config: RouteConfig, legacy: Upstream, service: Upstream, hooks: RouteRuntimeHooks): RoutingRoute {
  const canary =
    config.stage === 'canary' && config.canary
      ? createSideChooser({ routeId: config.id, percent: config.canary.percent, sticky: config.canary.sticky })
      : null;
  const shadowConfig = config.stage === 'legacy' ? undefined : config.shadow;
  // A route in shadow stage always mirrors (with default settings when the file gives none).
  const effectiveShadow =
    shadowConfig ?? (config.stage === 'shadow' ? defaultShadow : undefined);
  const sampler = effectiveShadow
    ? createSideChooser({ routeId: `${config.id}#shadow`, percent: effectiveShadow.percent, sticky: effectiveShadow.sticky })
    : null;
  const shadow: ShadowPlan | null =
    effectiveShadow && sampler
      ? {
          config: effectiveShadow,
          rules: compileCompareRules(config.compare ?? defaultCompare),
          sample: (req) => sampler(requestView(req)),
        }
      : null;

  const fixedSide: Side | null = config.stage === 'migrated' ? 'service' : config.stage === 'canary' ? null : 'legacy';
  return {
    id: config.id,
    stage: config.stage,
    config,
    legacy,
    service,
    shadow,
    fallbackToLegacy: config.fallback === 'legacy',
    chooseSide(req) {
      if (fixedSide !== null) return fixedSide;
      if (canary === null || hooks.isRolledBack(config.id)) return 'legacy';
      return canary(requestView(req)) ? 'service' : 'legacy';
    },
    observeServiceOutcome(success) {
      if (config.stage === 'canary') hooks.observeServiceOutcome(config, success);
    },
  };
}

// Schema defaults, for a route in shadow stage whose file gives no shadow or compare block.
const defaultShadow: ShadowConfig = Object.freeze(shadowSchema.parse({}));
const defaultCompare: CompareRules = Object.freeze(compareSchema.parse({}));

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function requestView(req: IncomingMessage) {
  return {
    header: (name: string) => headerValue(req.headers, name),
    remoteAddress: req.socket.remoteAddress ?? '',
  };
}
