/**
 * A bulkhead: at most `maxConcurrent` requests in flight to one upstream, so a slow service cannot take
 * every socket and every buffer of the proxy. Beyond it the proxy answers 503 (or falls back) at once.
 */

export interface Bulkhead {
  /** A release function when a place is free, else null. Releasing twice frees one place only. */
  tryAcquire(): (() => void) | null;
  readonly inFlight: number;
  readonly limit: number;
}

export function createBulkhead(options: { readonly maxConcurrent: number }): Bulkhead {
  const limit = options.maxConcurrent;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('maxConcurrent must be a positive integer');
  let inFlight = 0;
  return {
    tryAcquire() {
      if (inFlight >= limit) return null;
      inFlight++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        inFlight--;
      };
    },
    get inFlight() {
      return inFlight;
    },
    limit,
  };
}
