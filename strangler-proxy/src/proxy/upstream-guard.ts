/**
 * The safety net in front of one upstream, composed of the small state machines in `safety/`: a
 * bulkhead (requests in flight at most), a circuit breaker and a retry budget. An attempt is admitted
 * (or refused at once), then settled exactly once with its outcome.
 *
 * The breaker's half-open probe is a user's request only where that user has nowhere else to go. A request
 * that a fallback would serve (`userMayProbe` false) is never the probe: it is refused as `circuit_open`
 * (and goes to the fallback), and a health request to the upstream probes in its place.
 */
import type { LoadedUpstream } from '../config/routes-config.ts';
import { createBulkhead } from '../safety/bulkhead.ts';
import { createCircuitBreaker, type BreakerState } from '../safety/circuit-breaker.ts';
import { createRetryBudget } from '../safety/retry-budget.ts';
import type { ProxyFailure } from './failure-status.ts';

export type { BreakerState };

/**
 * Settles an admitted attempt: `success` for an answer below 500, `failure` for an upstream failure or a
 * 5xx, `unknown` when the client went away before the upstream answered (says nothing of the upstream).
 */
export type AttemptOutcome = 'success' | 'failure' | 'unknown';
export type Settle = (outcome: AttemptOutcome) => void;

export interface UpstreamGuard {
  /**
   * A settle function when the attempt may go ahead, else why not. `userMayProbe` false: this request is
   * not to be the breaker's half-open probe (a health request is sent instead).
   */
  admit(
    isRetry: boolean,
    userMayProbe?: boolean,
  ): Settle | Extract<ProxyFailure, 'circuit_open' | 'over_capacity'>;
  /** Whether one more retry fits the budget (and spends it). */
  allowRetry(): boolean;
  readonly inFlight: number;
  readonly breakerState: BreakerState;
  onBreakerChange(listener: (state: BreakerState) => void): void;
}

/** Asks the upstream whether it is well (a health request); never rejects. */
export type HealthProbe = () => Promise<boolean>;

export function createUpstreamGuard(config: LoadedUpstream, healthProbe: HealthProbe): UpstreamGuard {
  const bulkhead = createBulkhead({ maxConcurrent: config.maxConcurrent });
  const breaker = createCircuitBreaker({ ...config.breaker, probeTimeout: config.timeout });
  const budget = createRetryBudget({ budget: config.retry.budget });
  return {
    admit(isRetry, userMayProbe = true) {
      const now = Date.now();
      if (!userMayProbe && breaker.state !== 'closed') {
        // `canRequest` is true here only when it just handed out the half-open probe: a health request takes it.
        if (breaker.canRequest(now))
          void healthProbe().then((well) => {
            if (well) breaker.onSuccess(Date.now());
            else breaker.onFailure(Date.now());
          });
        return 'circuit_open';
      }
      // The bulkhead first: the breaker hands out its single half-open probe only to a request that will go.
      const release = bulkhead.tryAcquire();
      if (release === null) return 'over_capacity';
      if (!breaker.canRequest(now)) {
        release();
        return 'circuit_open';
      }
      if (!isRetry) budget.onRequest(now);
      let settled = false;
      return (outcome) => {
        if (settled) return;
        settled = true;
        release();
        // A client's abort is not the upstream's failure: it must not open the breaker. (A half-open probe
        // left unreported this way expires after the breaker's probe timeout.)
        if (outcome === 'success') breaker.onSuccess(Date.now());
        else if (outcome === 'failure') breaker.onFailure(Date.now());
      };
    },
    allowRetry: () => budget.tryRetry(Date.now()),
    get inFlight() {
      return bulkhead.inFlight;
    },
    get breakerState() {
      return breaker.state;
    },
    onBreakerChange(listener) {
      breaker.onStateChange((transition) => listener(transition.to));
    },
  };
}
