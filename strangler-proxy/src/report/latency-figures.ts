/**
 * Latency figures of a route, read from the store's histograms and rounded to the precision of the bins
 * they came from (never more digits than the measurement has).
 */
import type { Side } from '../config/side.ts';
import type { LatencySource, LatencyTotals } from '../store/result-store.ts';
import {
  binValueMs,
  differenceValueMs,
  orderStatistic,
  quantileOf,
  type HistogramBin,
} from '../store/latency-histogram.ts';
import { medianUpperRank } from '../promote/bounds.ts';
import { roundToPrecision } from '../promote/measured-figure.ts';
import type { MeasuredFigure } from '../promote/measured-figure.ts';
import type { PairedLatency, Percentiles } from './report-model.ts';

/** p50 and p95 of one side's latency, from one source (`shadow` pairs or `served` requests). */
export function percentiles(
  rows: readonly LatencyTotals[],
  id: string,
  source: Exclude<LatencySource, 'paired'>,
  side: Side,
): Percentiles {
  const bins: HistogramBin[] = [];
  for (const row of rows) {
    if (row.routeId === id && row.source === source && row.side === side) {
      bins.push({ value: binValueMs(row.bin, row.scheme), count: row.count, scheme: row.scheme });
    }
  }
  const p50 = quantileOf(bins, 0.5);
  const p95 = quantileOf(bins, 0.95);
  return {
    p50: rounded(p50),
    p95: rounded(p95),
    relativeError: p50 === null ? null : Math.max(p50.relativeError, p95?.relativeError ?? 0),
  };
}

/**
 * The service's latency minus the monolith's on the same requests: the median difference and the sign
 * test's one-sided 95% upper bound of it (`docs/gate-statistics.md`).
 */
export function pairedLatency(rows: readonly LatencyTotals[], id: string): PairedLatency {
  const bins: HistogramBin[] = [];
  let pairs = 0;
  for (const row of rows) {
    if (row.routeId === id && row.source === 'paired') {
      bins.push({ value: differenceValueMs(row.bin), count: row.count, scheme: row.scheme });
      pairs += row.count;
    }
  }
  const median = quantileOf(bins, 0.5);
  const rank = medianUpperRank(pairs);
  const upper = rank === null ? null : orderStatistic(bins, rank);
  return {
    pairs,
    median: rounded(median),
    upper95: rounded(upper),
    relativeError: median === null ? null : median.relativeError,
  };
}

function rounded(figure: MeasuredFigure | null): number | null {
  return figure === null ? null : roundToPrecision(figure.value, figure.relativeError);
}
