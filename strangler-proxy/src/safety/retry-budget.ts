/**
 * A retry budget: retries may add at most `budget` × the requests of the last `window`, plus a small
 * `minRetries` so that a quiet upstream can still retry. When an upstream fails, retries would multiply the
 * load on it; a budget keeps them a bounded share of the traffic. O(1) per call (a ring of buckets).
 */
import { createRollingCounter } from './rolling-counter.ts';

export interface RetryBudgetOptions {
  /** Retries allowed per request over the window (0..1); an upstream's `retry.budget` in routes.yaml. */
  readonly budget: number;
  /** Milliseconds (default 10 s). */
  readonly window?: number;
  /** Retries allowed over the window whatever the traffic (default 3). */
  readonly minRetries?: number;
  readonly buckets?: number;
}

export interface RetryBudget {
  /** Counts an original request (not a retry). */
  onRequest(now: number): void;
  /** Whether one more retry fits the budget; when it does, it is counted as spent. */
  tryRetry(now: number): boolean;
  /** Retries still available now. */
  available(now: number): number;
}

export function createRetryBudget(options: RetryBudgetOptions): RetryBudget {
  const minRetries = options.minRetries ?? 3;
  const counter = createRollingCounter(['requests', 'retries'], {
    window: options.window ?? 10_000,
    buckets: options.buckets,
  });
  const available = (now: number) =>
    Math.max(
      0,
      Math.floor(
        options.budget * counter.total(now, 'requests') + minRetries - counter.total(now, 'retries'),
      ),
    );
  return {
    onRequest(now) {
      counter.add(now, 'requests');
    },
    tryRetry(now) {
      if (available(now) < 1) return false;
      counter.add(now, 'retries');
      return true;
    },
    available,
  };
}
