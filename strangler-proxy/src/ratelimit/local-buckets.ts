/**
 * Token buckets in this process's memory, bounded in number: past `maxKeys`, the buckets least recently
 * used go first (a forgotten bucket starts full again, which errs on the side of serving).
 */
import { takeToken, type BucketDecision, type BucketState } from './token-bucket.ts';

export interface LocalBuckets {
  take(key: string, ratePerMs: number, burst: number, now?: number): BucketDecision;
  readonly size: number;
}

export function createLocalBuckets(maxKeys = 100_000): LocalBuckets {
  const buckets = new Map<string, BucketState>();
  return {
    take(key, ratePerMs, burst, now = Date.now()) {
      const { decision, state } = takeToken(buckets.get(key), now, ratePerMs, burst);
      // Re-inserted so that the map's order is the order of last use.
      buckets.delete(key);
      buckets.set(key, state);
      if (buckets.size > maxKeys) {
        const oldest = buckets.keys().next();
        if (!oldest.done) buckets.delete(oldest.value);
      }
      return decision;
    },
    get size() {
      return buckets.size;
    },
  };
}
