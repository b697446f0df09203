/**
 * A circuit breaker per upstream, as a pure state machine with an injected clock:
 *
 * - closed: every request goes; it opens after `consecutiveFailures` failures in a row, or when the failure
 *   rate over `window` reaches `failureRate` with at least `minRequests` outcomes;
 * - open: nothing goes until `openFor` has passed; then the next {@link CircuitBreaker.canRequest} moves it
 *   to half-open and lets exactly one probe through;
 * - half-open: no further request goes while the probe is out; its success closes the breaker, its failure
 *   opens it again. A probe that never reports (a lost callback) counts as failed after `probeTimeout`, so
 *   the breaker cannot stay half-open for ever.
 *
 * Outcomes reported while open are ignored (they are requests that started before it opened). Every call
 * is O(1): the window is a fixed ring of buckets. The options match an upstream's `breaker` settings in
 * routes.yaml, plus `probeTimeout`.
 */
import { createListeners } from './listeners.ts';
import { createRollingCounter } from './rolling-counter.ts';

export type BreakerState = 'closed' | 'open' | 'half_open';

export type BreakerReason =
  | 'consecutive_failures'
  | 'failure_rate'
  | 'open_elapsed'
  | 'probe_succeeded'
  | 'probe_failed'
  | 'probe_lost'
  | 'reset';

export interface BreakerTransition {
  readonly from: BreakerState;
  readonly to: BreakerState;
  readonly reason: BreakerReason;
  /** The clock reading of the call that caused it. */
  readonly at: number;
}

export interface CircuitBreakerOptions {
  /** Failures in a row that open the breaker. */
  readonly consecutiveFailures: number;
  /** Failure share over the window (0..1) that opens the breaker, with at least `minRequests` outcomes. */
  readonly failureRate: number;
  readonly minRequests: number;
  /** Milliseconds. */
  readonly window: number;
  /** Milliseconds the breaker stays open before one probe is let through. */
  readonly openFor: number;
  /** Milliseconds after which an unreported probe counts as failed; use the upstream's timeout (default 30 s). */
  readonly probeTimeout?: number;
  /** Ring buckets of the window (default 10). */
  readonly buckets?: number;
  /** Receives errors thrown by listeners (ignored by default). */
  readonly onListenerError?: (error: unknown) => void;
}

export interface BreakerStats {
  readonly state: BreakerState;
  /** Outcomes and failures in the window (closed state only; both reset when the breaker opens). */
  readonly requests: number;
  readonly failures: number;
  readonly consecutiveFailures: number;
}

export interface CircuitBreaker {
  /** The state as of the last call (open turns half-open on the first `canRequest` after `openFor`). */
  readonly state: BreakerState;
  /** Whether a request may go now; in half-open, true exactly once (the probe). */
  canRequest(now: number): boolean;
  onSuccess(now: number): void;
  onFailure(now: number): void;
  stats(now: number): BreakerStats;
  /** Back to closed with empty counters (e.g. when the upstream's config is reloaded). */
  reset(now: number): void;
  /** Called after every state change; returns an unsubscribe function. */
  onStateChange(listener: (transition: BreakerTransition) => void): () => void;
}

export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const probeTimeout = options.probeTimeout ?? 30_000;
  const window = createRollingCounter(['requests', 'failures'], {
    window: options.window,
    buckets: options.buckets,
  });
  const listeners = createListeners<BreakerTransition>(options.onListenerError);
  let state: BreakerState = 'closed';
  let consecutive = 0;
  /** When the breaker last opened (open), or when the probe went (half-open). */
  let since = 0;

  function moveTo(to: BreakerState, reason: BreakerReason, at: number): void {
    const from = state;
    state = to;
    since = at;
    consecutive = 0;
    window.clear();
    if (from !== to) listeners.emit({ from, to, reason, at });
  }

  /** A probe out longer than probeTimeout is lost: it counts as failed. */
  function expireProbe(now: number): void {
    if (state === 'half_open' && now - since >= probeTimeout) moveTo('open', 'probe_lost', now);
  }

  return {
    get state() {
      return state;
    },
    canRequest(now) {
      expireProbe(now);
      if (state === 'closed') return true;
      if (state === 'open' && now - since >= options.openFor) {
        moveTo('half_open', 'open_elapsed', now);
        return true;
      }
      return false;
    },
    onSuccess(now) {
      expireProbe(now);
      if (state === 'half_open') return moveTo('closed', 'probe_succeeded', now);
      if (state === 'open') return;
      consecutive = 0;
      window.add(now, 'requests');
    },
    onFailure(now) {
      expireProbe(now);
      if (state === 'half_open') return moveTo('open', 'probe_failed', now);
      if (state === 'open') return;
      consecutive++;
      window.add(now, 'requests');
      window.add(now, 'failures');
      if (consecutive >= options.consecutiveFailures) return moveTo('open', 'consecutive_failures', now);
      const requests = window.total(now, 'requests');
      const failures = window.total(now, 'failures');
      if (requests >= options.minRequests && failures / requests >= options.failureRate) {
        moveTo('open', 'failure_rate', now);
      }
    },
    stats(now) {
      return {
        state,
        requests: window.total(now, 'requests'),
        failures: window.total(now, 'failures'),
        consecutiveFailures: consecutive,
      };
    },
    reset(now) {
      moveTo('closed', 'reset', now);
    },
    onStateChange(listener) {
      return listeners.add(listener);
    },
  };
}
