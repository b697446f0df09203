/** Counts every served request and observes its duration (`strangler_requests_total` and its histogram). */
import type { ExchangeListener, ExchangeObserver } from '../proxy/exchange-observer.ts';
import type { ProxyMetrics } from './metrics.ts';

export function createRequestMetricsObserver(metrics: ProxyMetrics): ExchangeObserver {
  // One listener for every exchange: what it needs comes with the end.
  const listener: ExchangeListener = {
    end(exchange, outcome) {
      const route = exchange.route;
      metrics.observeRequest(
        route?.id ?? 'unmatched',
        route?.stage ?? 'legacy',
        outcome.upstream,
        outcome.status,
        outcome.durationMs / 1000,
      );
    },
    abort(exchange, outcome) {
      listener.end(exchange, outcome);
    },
  };
  return { start: () => listener };
}
