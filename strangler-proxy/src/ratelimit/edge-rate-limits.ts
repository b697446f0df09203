/**
 * Rate limits at the edge: a token bucket per route and client (`rateLimit` on a route, or in
 * `defaults`). In this process's memory, or shared by a fleet in Redis (`store: redis://…`). A shared
 * store that is unavailable (down, or slower than `timeout`) never holds a request back: the local bucket
 * decides instead, and the metrics (`strangler_rate_limit_fallbacks_total`, `strangler_rate_limit_store_up`)
 * and the log say so.
 */
import { createHash } from 'node:crypto';
import type { RateLimitConfig } from '../config/schema.ts';
import type { DeepReadonly, RoutesConfig } from '../config/routes-config.ts';
import type { ProxyMetrics } from '../admin/metrics.ts';
import type { Logger } from '../logging/logger.ts';
import { redactUrl } from '../compare/redact-url.ts';
import { createLocalBuckets } from './local-buckets.ts';
import { createRedisBuckets, type RedisBuckets } from './redis-buckets.ts';
import type { BucketDecision } from './token-bucket.ts';

export interface RateLimitClient {
  readonly remoteAddress: string;
  header(name: string): string | undefined;
}

export interface EdgeRateLimits {
  /** The bucket's decision: at once from memory, or once Redis (or the fallback) answered. */
  check(
    routeId: string,
    config: DeepReadonly<RateLimitConfig>,
    client: RateLimitClient,
  ): BucketDecision | Promise<BucketDecision>;
  /** Connects to the shared stores `config` names; settles once each is connected (callers bound the wait). */
  prepare(config: RoutesConfig): Promise<void>;
  close(): Promise<void>;
}

export function createEdgeRateLimits(deps: { metrics: ProxyMetrics; logger: Logger }): EdgeRateLimits {
  const local = createLocalBuckets();
  const shared = new Map<string, SharedStore>();

  const storeFor = (url: string): SharedStore => {
    let store = shared.get(url);
    if (store === undefined) {
      store = openSharedStore(url, deps);
      shared.set(url, store);
    }
    return store;
  };

  return {
    check(routeId, config, client) {
      const who = clientKey(config.key, client);
      const ratePerMs = config.requests / config.per;
      const burst = config.burst ?? config.requests;
      const bucket = `${routeId}\u0000${who}`;
      const decideLocally = () => local.take(bucket, ratePerMs, burst);
      if (config.store === 'memory') return count(decideLocally(), routeId, deps.metrics);
      const store = storeFor(config.store);
      if (!store.buckets.ready) return count(store.fellBack(decideLocally), routeId, deps.metrics);
      // Hashed: a header named as the key (an API key, a token) is not a secret Redis should keep.
      const key = `strangler:ratelimit:${routeId}:${createHash('sha256').update(who).digest('base64url')}`;
      return store.buckets.take(key, ratePerMs, burst, config.timeout).then(
        (decision) => count(store.answered(decision), routeId, deps.metrics),
        (error: unknown) => count(store.failed(error, decideLocally), routeId, deps.metrics),
      );
    },
    async prepare(config) {
      const urls = new Set<string>();
      for (const route of config.routes) {
        const store = route.rateLimit?.store;
        if (store !== undefined && store !== 'memory') urls.add(store);
      }
      await Promise.all([...urls].map((url) => storeFor(url).buckets.whenReady()));
    },
    async close() {
      await Promise.all([...shared.values()].map((store) => store.buckets.close()));
      shared.clear();
    },
  };
}

function count(decision: BucketDecision, routeId: string, metrics: ProxyMetrics): BucketDecision {
  if (!decision.allowed) metrics.rateLimited(routeId);
  return decision;
}

/** `ip`, or `header:NAME` (the address when the request has no such header). */
function clientKey(key: string, client: RateLimitClient): string {
  if (key !== 'ip') {
    const value = client.header(key.slice('header:'.length).toLowerCase());
    if (value) return `h:${value}`;
  }
  return `ip:${client.remoteAddress}`;
}

interface SharedStore {
  readonly buckets: RedisBuckets;
  answered(decision: BucketDecision): BucketDecision;
  failed(error: unknown, decideLocally: () => BucketDecision): BucketDecision;
  fellBack(decideLocally: () => BucketDecision): BucketDecision;
}

function openSharedStore(url: string, deps: { metrics: ProxyMetrics; logger: Logger }): SharedStore {
  const label = redactUrl(url);
  const buckets = createRedisBuckets(url);
  let degraded = false;
  const degrade = (reason: string) => {
    deps.metrics.rateLimitStoreUp(label, false);
    if (degraded) return;
    degraded = true;
    deps.logger.warn({ store: label, reason }, 'rate limit store unavailable: local buckets decide');
  };
  const recover = () => {
    deps.metrics.rateLimitStoreUp(label, true);
    if (!degraded) return;
    degraded = false;
    deps.logger.info({ store: label }, 'rate limit store available again');
  };
  deps.metrics.rateLimitStoreUp(label, false);
  buckets.onAvailability((up, reason) => (up ? recover() : degrade(reason)));
  const fellBack = (decideLocally: () => BucketDecision) => {
    deps.metrics.rateLimitFallback(label);
    return decideLocally();
  };
  return {
    buckets,
    answered(decision) {
      if (degraded) recover();
      return decision;
    },
    failed(error, decideLocally) {
      degrade(error instanceof Error ? error.message : String(error));
      return fellBack(decideLocally);
    },
    fellBack(decideLocally) {
      if (!degraded) degrade('not connected');
      return fellBack(decideLocally);
    },
  };
}
