/**
 * Log-scale latency histograms that add: a bin is a range of latencies, a histogram is bin → count, and
 * the histograms of any number of minutes and proxies merge by adding counts bin by bin (a union of the
 * requests). Percentiles come from the summed counts.
 *
 * Bins follow DDSketch (Masson et al., VLDB 2019): with γ = (1 + α) / (1 − α), bin i holds (γ^(i−1), γ^i]
 * ms and stands for 2γ^i / (γ + 1), which is within a relative error α of every latency in the bin.
 * A library sketch (`@datadog/sketches-js`, `hdr-histogram-js`) keeps its bins in its own object or
 * encoding; the store needs one counter row per bin and minute that SQL can add to, so the mapping is
 * kept here, in a few lines.
 *
 * Rows written before migration 0006 used four bins per doubling (the scheme `quarter_doubling`): they
 * stay readable, at their own precision, and a figure computed from any of them says so.
 */
import type { MeasuredFigure } from '../promote/measured-figure.ts';

/** How the bins of a stored row are laid out. */
export const LATENCY_SCHEMES = ['quarter_doubling', 'relative_1pct'] as const;
export type LatencyScheme = (typeof LATENCY_SCHEMES)[number];

/** The scheme every new row is written in. */
export const CURRENT_SCHEME: LatencyScheme = 'relative_1pct';

/** Relative error of a value read back from a bin, per scheme. */
export const RELATIVE_ERROR: Readonly<Record<LatencyScheme, number>> = {
  // A quantile was read as its bin's upper bound, up to one bin (2^(1/4)) above the latency.
  quarter_doubling: 1 - 2 ** -0.25,
  relative_1pct: 0.01,
};

const GAMMA = (1 + RELATIVE_ERROR.relative_1pct) / (1 - RELATIVE_ERROR.relative_1pct);
const LOG_GAMMA = Math.log(GAMMA);

/** Latencies at or under a microsecond share the lowest bin; clocks measure no finer. */
const SMALLEST_MS = 0.001;
/** Latencies above ~11 days share the highest bin. */
const LARGEST_MS = 1e9;
export const LOWEST_BIN = Math.ceil(Math.log(SMALLEST_MS) / LOG_GAMMA);
export const HIGHEST_BIN = Math.ceil(Math.log(LARGEST_MS) / LOG_GAMMA);

/** The bin (current scheme) a latency in ms is counted in. NaN and negatives (a clock step) go lowest. */
export function latencyBin(latencyMs: number): number {
  if (!(latencyMs > SMALLEST_MS)) return LOWEST_BIN;
  const bin = Math.ceil(Math.log(latencyMs) / LOG_GAMMA - 1e-9);
  return Math.min(Math.max(bin, LOWEST_BIN), HIGHEST_BIN);
}

/** The latency (ms) a bin of a scheme stands for. */
export function binValueMs(bin: number, scheme: LatencyScheme = CURRENT_SCHEME): number {
  if (scheme === 'quarter_doubling') return 2 ** (bin / 4); // the upper bound, as those rows were always read
  return (2 * GAMMA ** bin) / (GAMMA + 1);
}

/**
 * Paired differences (service − legacy, ms) are signed: bin 0 holds differences within a microsecond of
 * zero, bin ±k the differences whose magnitude falls in latency bin `LOWEST_BIN + k`.
 */
export function differenceBin(differenceMs: number): number {
  if (!Number.isFinite(differenceMs) || Math.abs(differenceMs) <= SMALLEST_MS) return 0;
  const magnitude = latencyBin(Math.abs(differenceMs)) - LOWEST_BIN;
  return differenceMs > 0 ? magnitude : -magnitude;
}

/** The difference (ms) a signed bin of {@link differenceBin} stands for. */
export function differenceValueMs(bin: number): number {
  if (bin === 0) return 0;
  const magnitude = binValueMs(Math.abs(bin) + LOWEST_BIN);
  return bin > 0 ? magnitude : -magnitude;
}

/** A histogram: counts per bin, each bin read in its own scheme. */
export interface HistogramBin {
  readonly value: number;
  readonly count: number;
  readonly scheme: LatencyScheme;
}

/**
 * The value of rank `rank` (1-based) among the counted values, sorted ascending: the bin holding it.
 * `null` when the rank is outside the histogram. The relative error is that of the worst scheme present.
 */
export function orderStatistic(bins: readonly HistogramBin[], rank: number): MeasuredFigure | null {
  let total = 0;
  let relativeError = 0;
  for (const bin of bins) {
    total += bin.count;
    if (bin.count > 0) relativeError = Math.max(relativeError, RELATIVE_ERROR[bin.scheme]);
  }
  if (rank < 1 || rank > total) return null;
  let seen = 0;
  for (const bin of [...bins].sort((a, b) => a.value - b.value)) {
    seen += bin.count;
    if (seen >= rank) return { value: bin.value, relativeError };
  }
  return null; // unreachable: seen reaches total
}

/** The q-quantile (0 < q ≤ 1) of a histogram, as the bin holding rank ⌈q·n⌉; `null` when empty. */
export function quantileOf(bins: readonly HistogramBin[], q: number): MeasuredFigure | null {
  let total = 0;
  for (const bin of bins) total += bin.count;
  if (total === 0) return null;
  return orderStatistic(bins, Math.max(1, Math.ceil(q * total)));
}
