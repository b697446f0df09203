/**
 * Log-scale latency histograms: four bins per doubling (each bin ~19% wide), so percentiles can be
 * computed from summed bin counts of any number of buckets and proxies, within one bin's width.
 *
 * Bin 0 holds everything up to 1 ms; bin b > 0 holds (2^((b-1)/4), 2^(b/4)] ms. 60 s is bin 64.
 */

const BINS_PER_DOUBLING = 4;
/** Latencies above ~18 minutes share the last bin. */
export const MAX_LATENCY_BIN = 80;

/** The bin a latency (ms) is counted in. */
export function latencyBin(latencyMs: number): number {
  if (!(latencyMs > 1)) return 0; // also NaN and negatives: a clock step must not corrupt the histogram
  const bin = Math.ceil(Math.log2(latencyMs) * BINS_PER_DOUBLING - 1e-9);
  return Math.min(bin, MAX_LATENCY_BIN);
}

/** The upper bound (ms) of a bin: the value reported for a percentile that falls in it. */
export function binUpperBoundMs(bin: number): number {
  return 2 ** (bin / BINS_PER_DOUBLING);
}

/**
 * The q-quantile (0 < q ≤ 1) of a histogram given as bin → count, as the upper bound of the bin holding
 * it (a slight overestimate, never an underestimate). `null` when the histogram is empty.
 */
export function quantileFromBins(bins: ReadonlyMap<number, number>, q: number): number | null {
  let total = 0;
  for (const count of bins.values()) total += count;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const bin of [...bins.keys()].sort((a, b) => a - b)) {
    seen += bins.get(bin) ?? 0;
    if (seen >= rank) return round(binUpperBoundMs(bin));
  }
  return null; // unreachable: seen reaches total
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
