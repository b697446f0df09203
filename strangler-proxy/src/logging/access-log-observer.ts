/** Writes the access log's line for every served request, once it has ended (`access-log.ts`). */
import { redactQuery } from '../compare/redact.ts';
import type { ExchangeListener, ExchangeObserver } from '../proxy/exchange-observer.ts';
import { createAccessLog } from './access-log.ts';
import type { Logger } from './logger.ts';

export function createAccessLogObserver(logger: Logger): ExchangeObserver {
  const write = createAccessLog(logger);
  // One listener for every exchange: what it needs comes with the end.
  const listener: ExchangeListener = {
    end(exchange, outcome) {
      const route = exchange.route;
      write({
        requestId: exchange.requestId,
        method: exchange.method,
        // A credential in the query string is not the log's to keep (one scan when there is none).
        path: redactQuery(exchange.request.url ?? '', route?.redactQuery),
        route: route?.id ?? 'unmatched',
        upstream: outcome.upstream,
        status: outcome.status,
        durationMs: Math.round(outcome.durationMs * 100) / 100,
      });
    },
    abort(exchange, outcome) {
      listener.end(exchange, outcome);
    },
  };
  return { start: () => listener };
}
