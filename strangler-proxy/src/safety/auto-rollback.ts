/**
 * Automatic rollback of one canary route: watches the service's outcomes on the route over a window and
 * trips when the error rate reaches `errorRate` with at least `minRequests` outcomes. A tripped route sends
 * its traffic to legacy until an operator acts: routes.yaml is not touched, and the state stays tripped
 * until {@link AutoRollback.reset} (call it when a reload changes the route's config). O(1) per call.
 */
import type { AutoRollbackConfig } from '../config/schema.ts';
import { createListeners } from './listeners.ts';
import { createRollingCounter } from './rolling-counter.ts';

export type AutoRollbackState = 'watching' | 'tripped';

export type AutoRollbackEvent =
  | {
      readonly kind: 'tripped';
      readonly at: number;
      /** Service outcomes and failures in the window when it tripped. */
      readonly requests: number;
      readonly failures: number;
      readonly errorRate: number;
    }
  | { readonly kind: 'reset'; readonly at: number };

export interface AutoRollbackOptions extends AutoRollbackConfig {
  readonly buckets?: number;
  readonly onListenerError?: (error: unknown) => void;
}

export interface AutoRollback {
  readonly state: AutoRollbackState;
  /** The trip, while tripped. */
  readonly trip: Extract<AutoRollbackEvent, { kind: 'tripped' }> | undefined;
  /** True when the route's traffic must go to legacy. */
  readonly tripped: boolean;
  /** Outcome of a request the service served on this route (5xx and failures are failures). */
  onSuccess(now: number): void;
  onFailure(now: number): void;
  /** Back to watching with an empty window. */
  reset(now: number): void;
  onChange(listener: (event: AutoRollbackEvent) => void): () => void;
}

export function createAutoRollback(options: AutoRollbackOptions): AutoRollback {
  const window = createRollingCounter(['requests', 'failures'], {
    window: options.window,
    buckets: options.buckets,
  });
  const listeners = createListeners<AutoRollbackEvent>(options.onListenerError);
  let trip: Extract<AutoRollbackEvent, { kind: 'tripped' }> | undefined;

  return {
    get state() {
      return trip ? 'tripped' : 'watching';
    },
    get trip() {
      return trip;
    },
    get tripped() {
      return trip !== undefined;
    },
    onSuccess(now) {
      if (!trip) window.add(now, 'requests');
    },
    onFailure(now) {
      if (trip) return;
      window.add(now, 'requests');
      window.add(now, 'failures');
      const requests = window.total(now, 'requests');
      const failures = window.total(now, 'failures');
      if (requests < options.minRequests || failures / requests < options.errorRate) return;
      trip = { kind: 'tripped', at: now, requests, failures, errorRate: failures / requests };
      window.clear();
      listeners.emit(trip);
    },
    reset(now) {
      window.clear();
      if (!trip) return;
      trip = undefined;
      listeners.emit({ kind: 'reset', at: now });
    },
    onChange(listener) {
      return listeners.add(listener);
    },
  };
}
