/**
 * Prometheus metrics (prom-client), one registry per proxy so several proxies can live in one process.
 * The per-request and per-mirror series are pre-aggregated (`preaggregated.ts`): the hot path increments
 * a slot, prom-client reads the slots at scrape time.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { createFastCounter, createFastHistogram } from './preaggregated.ts';
import type { ProxyFailure } from '../proxy/failure-status.ts';

export interface ProxyMetrics {
  readonly registry: Registry;
  /** Counts one served request and observes its duration. */
  observeRequest(route: string, stage: string, upstream: string, status: number, seconds: number): void;
  upstreamError(upstream: string, kind: ProxyFailure): void;
  reload(ok: boolean): void;
  shadowOutcome(route: string, outcome: string): void;
  shadowSkipped(route: string, reason: string): void;
  /** A correlate path of a mirrored write that gave no identifier pair, by reason. */
  correlationSkipped(route: string, reason: string): void;
  readonly shadowsInFlight: Gauge;
  readonly breakerState: Gauge;
  readonly autoRolledBack: Gauge;
  fallback(route: string): void;
  /** Counts a request refused by a route's rate limit. */
  rateLimited(route: string): void;
  /** Counts a rate-limit decision taken locally because the shared store was unavailable. */
  rateLimitFallback(store: string): void;
  rateLimitStoreUp(store: string, up: boolean): void;
  /** Counts an endpoint ejected by outlier detection. */
  endpointEjected(upstream: string): void;
  /** Where the endpoints' states are read at each scrape (`strangler_upstream_endpoints`). */
  followEndpoints(source: () => Iterable<{ readonly upstream: string; readonly state: string }>): void;
  storeDropped(count: number): void;
  /** Where the store's drop total is read at each scrape (the recorder counts drops, not the proxy). */
  followStoreDrops(total: () => number): void;
  /** Where the total of log lines dropped (output not read) is read at each scrape. */
  followLogDrops(total: () => number): void;
}

export function createProxyMetrics(options: { defaultMetrics?: boolean } = {}): ProxyMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true)
    collectDefaultMetrics({ register: registry, prefix: 'strangler_process_' });

  const requests = createFastCounter({
    name: 'strangler_requests_total',
    help: 'Requests served, by route, stage, upstream and status',
    labelNames: ['route', 'stage', 'upstream', 'status'],
    registry,
  });
  const duration = createFastHistogram({
    name: 'strangler_request_duration_seconds',
    help: 'Time from request to response end, by route and upstream',
    labelNames: ['route', 'upstream'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registry,
  });
  const upstreamErrors = new Counter({
    name: 'strangler_upstream_errors_total',
    help: 'Upstream failures by kind',
    labelNames: ['upstream', 'kind'] as const,
    registers: [registry],
  });
  const reloads = new Counter({
    name: 'strangler_reloads_total',
    help: 'Route table reloads by result',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const shadows = createFastCounter({
    name: 'strangler_shadow_comparisons_total',
    help: 'Compared shadow pairs by route and verdict',
    labelNames: ['route', 'verdict'],
    registry,
  });
  const skipped = createFastCounter({
    name: 'strangler_shadow_skipped_total',
    help: 'Requests not mirrored, or mirrors that produced no comparison, by reason',
    labelNames: ['route', 'reason'],
    registry,
  });
  const correlationSkips = new Counter({
    name: 'strangler_correlation_skipped_total',
    help: 'Correlate paths of mirrored writes that gave no identifier pair, by route and reason',
    labelNames: ['route', 'reason'] as const,
    registers: [registry],
  });
  const fallbacks = new Counter({
    name: 'strangler_fallbacks_total',
    help: 'Requests served by the monolith because the service failed',
    labelNames: ['route'] as const,
    registers: [registry],
  });
  let dropTotal: (() => number) | null = null;
  let dropsCounted = 0;
  const dropped = new Counter({
    name: 'strangler_store_dropped_records_total',
    help: 'Comparison records dropped because the results store was unavailable',
    registers: [registry],
    collect() {
      const total = dropTotal?.() ?? 0;
      if (total > dropsCounted) {
        this.inc(total - dropsCounted);
        dropsCounted = total;
      }
    },
  });
  let logDropTotal: (() => number) | null = null;
  let logDropsCounted = 0;
  new Counter({
    name: 'strangler_log_dropped_lines_total',
    help: 'Log lines dropped because the log output (stdout, a pipe) was not being read',
    registers: [registry],
    collect() {
      const total = logDropTotal?.() ?? 0;
      if (total > logDropsCounted) {
        this.inc(total - logDropsCounted);
        logDropsCounted = total;
      }
    },
  });
  const shadowsInFlight = new Gauge({
    name: 'strangler_shadows_in_flight',
    help: 'Shadow requests in flight',
    registers: [registry],
  });
  const breakerState = new Gauge({
    name: 'strangler_circuit_breaker_state',
    help: 'Circuit breaker state per upstream: 0 closed, 1 half-open, 2 open',
    labelNames: ['upstream'] as const,
    registers: [registry],
  });
  const autoRolledBack = new Gauge({
    name: 'strangler_auto_rollback_active',
    help: '1 while a canary route is sent back to legacy by automatic rollback',
    labelNames: ['route'] as const,
    registers: [registry],
  });

  const rateLimited = new Counter({
    name: 'strangler_rate_limited_total',
    help: 'Requests refused with 429 by a rate limit, by route',
    labelNames: ['route'] as const,
    registers: [registry],
  });
  const rateLimitFallbacks = new Counter({
    name: 'strangler_rate_limit_fallbacks_total',
    help: 'Rate-limit decisions taken by the local bucket because the shared store (Redis) was unavailable',
    labelNames: ['store'] as const,
    registers: [registry],
  });
  const rateLimitStoreUp = new Gauge({
    name: 'strangler_rate_limit_store_up',
    help: '1 while the shared rate-limit store (Redis) answers, 0 while local buckets decide',
    labelNames: ['store'] as const,
    registers: [registry],
  });
  const ejections = new Counter({
    name: 'strangler_upstream_ejections_total',
    help: 'Endpoints ejected by outlier detection (consecutive failures), by upstream',
    labelNames: ['upstream'] as const,
    registers: [registry],
  });
  let endpointSource: (() => Iterable<{ readonly upstream: string; readonly state: string }>) | null = null;
  new Gauge({
    name: 'strangler_upstream_endpoints',
    help: 'Endpoints of each upstream by state: healthy, unhealthy (active checks) or ejected',
    labelNames: ['upstream', 'state'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const { upstream, state } of endpointSource?.() ?? []) this.labels(upstream, state).inc();
    },
  });

  return {
    registry,
    observeRequest(route, stage, upstream, status, seconds) {
      requests.inc(route, stage, upstream, status);
      duration.observe(route, upstream, seconds);
    },
    upstreamError: (upstream, kind) => upstreamErrors.labels(upstream, kind).inc(),
    reload: (ok) => reloads.labels(ok ? 'success' : 'failure').inc(),
    shadowOutcome: (route, outcome) => shadows.inc(route, outcome),
    shadowSkipped: (route, reason) => skipped.inc(route, reason),
    correlationSkipped: (route, reason) => correlationSkips.labels(route, reason).inc(),
    shadowsInFlight,
    breakerState,
    autoRolledBack,
    fallback: (route) => fallbacks.labels(route).inc(),
    endpointEjected: (upstream) => ejections.labels(upstream).inc(),
    rateLimited: (route) => rateLimited.labels(route).inc(),
    rateLimitFallback: (store) => rateLimitFallbacks.labels(store).inc(),
    rateLimitStoreUp: (store, up) => rateLimitStoreUp.labels(store).set(up ? 1 : 0),
    followEndpoints: (source) => {
      endpointSource = source;
    },
    storeDropped: (count) => {
      dropped.inc(count);
      dropsCounted += count;
    },
    followStoreDrops: (total) => {
      dropTotal = total;
    },
    followLogDrops: (total) => {
      logDropTotal = total;
    },
  };
}
