/**
 * Passive outlier detection for one endpoint of an upstream: after `consecutiveFailures` failures in a
 * row it is ejected (gets no traffic) for `ejectFor`, then twice as long at each further ejection, up to
 * `maxEjectFor`. The growth is forgotten once the endpoint has served for `maxEjectFor` without an
 * ejection. Whether an ejection may happen at all is the caller's (the set of endpoints: never all at once).
 */
import type { OutlierConfig } from '../config/schema.ts';

export interface OutlierTracker {
  isEjected(now: number): boolean;
  /** When the current ejection ends (ms since the epoch), null when none is under way. */
  ejectedUntil(now: number): number | null;
  readonly consecutiveFailures: number;
  /** Ejections so far (since the growth was last forgotten). */
  readonly ejections: number;
  onSuccess(now: number): void;
  /** Counts a failure; true when it ejected the endpoint (`mayEject` asked only then). */
  onFailure(now: number, mayEject: () => boolean): boolean;
}

export function createOutlierTracker(config: Readonly<OutlierConfig>): OutlierTracker {
  let consecutiveFailures = 0;
  let ejections = 0;
  let until = 0;
  return {
    isEjected: (now) => now < until,
    ejectedUntil: (now) => (now < until ? until : null),
    get consecutiveFailures() {
      return consecutiveFailures;
    },
    get ejections() {
      return ejections;
    },
    onSuccess(now) {
      consecutiveFailures = 0;
      if (ejections > 0 && now - until > config.maxEjectFor) ejections = 0;
    },
    onFailure(now, mayEject) {
      // Answers to requests sent before the ejection say nothing new.
      if (now < until) return false;
      consecutiveFailures += 1;
      if (config.consecutiveFailures === 0 || consecutiveFailures < config.consecutiveFailures) return false;
      if (!mayEject()) return false;
      consecutiveFailures = 0;
      ejections += 1;
      until = now + Math.min(config.ejectFor * 2 ** (ejections - 1), config.maxEjectFor);
      return true;
    },
  };
}
