/**
 * Which side serves a request on a route, and which side (if any) receives a mirror of it.
 *
 * | stage    | serves                                   | mirror (when a `shadow` block applies)    |
 * |----------|------------------------------------------|-------------------------------------------|
 * | legacy   | legacy                                   | none                                      |
 * | shadow   | legacy                                   | service                                   |
 * | canary   | service for `canary.percent`, else legacy | the other side                            |
 * | migrated | service                                  | legacy (shadowing legacy after cut-over)  |
 *
 * The loader always gives `shadow`-stage routes a `shadow` block; for `canary` and `migrated` the block is
 * what opts in. Mirrors are sampled by `shadow.percent` and limited to the safe methods ({@link SAFE_METHODS}) unless
 * `shadow.unsafe`. A split with `sticky` buckets the user's key ({@link bucketOf}); without it, or when the
 * request has no key, each request is drawn at random.
 */
import type { LoadedRoute } from '../config/routes-config.ts';
import type { Stage } from '../config/schema.ts';
import type { Side } from '../config/side.ts';
import { SAFE_METHODS } from '../config/http-methods.ts';
import { bucketOf, createBucketSeed, isInSplit, randomBucket, shadowSalt } from './bucket.ts';
import { parseStickySource, readStickyKey, type StickyRequest, type StickySource } from './sticky-key.ts';

/** What choosing a side needs from a request. */
export interface SideRequest extends StickyRequest {
  readonly method: string;
}

/** Where one request goes. Shared frozen instances: no allocation per request. */
export interface SideDecision {
  readonly serve: Side;
  readonly mirror: Side | null;
}

/** A percentage split of one route's traffic, compiled once. */
export interface TrafficSplit {
  /** 0–100. */
  readonly percent: number;
  readonly sticky: StickySource | null;
  /** Hash state of this split's salt ({@link createBucketSeed}). */
  readonly seed: number;
  /** Whether the request falls in the split. */
  includes(request: StickyRequest, random?: () => number): boolean;
}

/** A route's side rules, compiled once at load. */
export interface SidePolicy {
  readonly stage: Stage;
  /** The canary split (stage `canary` only). */
  readonly canary: TrafficSplit | null;
  /** The mirror sample, when this stage mirrors at all. */
  readonly shadow: TrafficSplit | null;
  /** Whether methods other than the safe ones are mirrored. */
  readonly mirrorsUnsafe: boolean;
  /** Chooses the sides for one request; `random` (default `Math.random`) is injectable for tests. */
  decide(request: SideRequest, random?: () => number): SideDecision;
}

export interface SplitOptions {
  /** The split's salt: the route id for a canary, {@link shadowSalt} of it for a mirror sample. */
  readonly routeId: string;
  /** 0–100. */
  readonly percent: number;
  /** `header:NAME`, `cookie:NAME` or `ip` (validated by the loader); absent: random per request. */
  readonly sticky?: string | undefined;
}

/** Compiles one split. */
export function createTrafficSplit({ routeId, percent, sticky }: SplitOptions): TrafficSplit {
  const source = sticky === undefined ? null : parseStickySource(sticky);
  const seed = createBucketSeed(routeId);
  return Object.freeze({
    percent,
    sticky: source,
    seed,
    includes(request: StickyRequest, random: () => number = Math.random): boolean {
      if (percent >= 100) return true;
      if (percent <= 0) return false;
      const key = source === null ? undefined : readStickyKey(source, request);
      return isInSplit(key === undefined ? randomBucket(random) : bucketOf(seed, key), percent);
    },
  });
}

/**
 * A split as a predicate: whether a request falls in it (for callers that keep their own side logic).
 *
 * @example const inCanary = createSideChooser({ routeId: 'products', percent: 10, sticky: 'cookie:uid' });
 */
export function createSideChooser(
  options: SplitOptions,
): (request: StickyRequest, random?: () => number) => boolean {
  const split = createTrafficSplit(options);
  return (request, random) => split.includes(request, random);
}

/** Compiles a route's side rules. */
export function createSidePolicy(route: LoadedRoute): SidePolicy {
  const { stage } = route;
  const canary =
    stage === 'canary' && route.canary
      ? createTrafficSplit({ routeId: route.id, percent: route.canary.percent, sticky: route.canary.sticky })
      : null;
  const shadow =
    stage !== 'legacy' && route.shadow
      ? createTrafficSplit({
          routeId: shadowSalt(route.id),
          percent: route.shadow.percent,
          sticky: route.shadow.sticky,
        })
      : null;
  const mirrorsUnsafe = route.shadow?.unsafe ?? false;
  const mirrorOf = (request: SideRequest, random: () => number): boolean =>
    shadow !== null &&
    (mirrorsUnsafe || SAFE_METHODS.has(request.method)) &&
    shadow.includes(request, random);

  return Object.freeze({
    stage,
    canary,
    shadow,
    mirrorsUnsafe,
    decide(request: SideRequest, random: () => number = Math.random): SideDecision {
      const serve: Side =
        stage === 'migrated' || (stage === 'canary' && canary !== null && canary.includes(request, random))
          ? 'service'
          : 'legacy';
      if (stage === 'legacy' || !mirrorOf(request, random)) return serve === 'service' ? SERVICE : LEGACY;
      return serve === 'service' ? SERVICE_MIRROR_LEGACY : LEGACY_MIRROR_SERVICE;
    },
  });
}

const LEGACY: SideDecision = Object.freeze({ serve: 'legacy', mirror: null });
const SERVICE: SideDecision = Object.freeze({ serve: 'service', mirror: null });
const LEGACY_MIRROR_SERVICE: SideDecision = Object.freeze({ serve: 'legacy', mirror: 'service' });
const SERVICE_MIRROR_LEGACY: SideDecision = Object.freeze({ serve: 'service', mirror: 'legacy' });
