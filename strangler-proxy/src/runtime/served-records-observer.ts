/**
 * Records every served request (progress, canary error rates, gates) and every path no route matched (the
 * inventory of what the monolith still serves).
 */
import type { ExchangeListener, ExchangeObserver } from '../proxy/exchange-observer.ts';
import type { ResultRecorder } from '../store/types.ts';

export function createServedRecordsObserver(recorder: ResultRecorder): ExchangeObserver {
  // One listener for every exchange: what it needs comes with the end.
  const listener: ExchangeListener = {
    end(exchange, outcome) {
      const route = exchange.route;
      recorder.recordServed({
        routeId: route?.id ?? null,
        stage: route?.stage ?? null,
        revision: route?.revision ?? '',
        side: outcome.side,
        status: outcome.status,
        latencyMs: outcome.durationMs,
        fellBack: outcome.fellBack,
        at: Date.now(),
      });
    },
    abort(exchange, outcome) {
      listener.end(exchange, outcome);
    },
  };
  return {
    start(exchange) {
      if (exchange.route === null) recorder.recordUnmatched(exchange.method, exchange.path);
      return listener;
    },
  };
}
