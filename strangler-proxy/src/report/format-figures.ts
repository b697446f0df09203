/** How figures read in every human-facing format: the same rounding in the table, Markdown and HTML. */
import { percent } from './route-verdict.ts';
import type { Percentiles } from './report-model.ts';
import { ROUTE_VERDICTS, type RouteVerdictName } from '../promote/decide-route.ts';

/** A rate as a percentage, `—` when unknown. */
export function formatRate(rate: number | null): string {
  return rate === null ? '—' : percent(rate);
}

/** Milliseconds, `—` when unknown. */
export function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  return ms >= 1_000 ? `${Number((ms / 1_000).toFixed(2))} s` : `${Number(ms.toFixed(ms >= 100 ? 0 : 1))} ms`;
}

/**
 * `p50 / p95`, and how coarse they are when rows from before the 1% bins are among them
 * (`12 ms / 45 ms (±16%: older coarse bins)`).
 */
export function formatPercentiles(latency: Percentiles): string {
  if (latency.p50 === null) return '—';
  const figures = `${formatMs(latency.p50)} / ${formatMs(latency.p95)}`;
  const error = latency.relativeError ?? 0;
  return error > FINE_BINS ? `${figures} (±${Math.round(error * 100)}%: older coarse bins)` : figures;
}

/** The relative error of the current latency bins; anything coarser is said. */
const FINE_BINS = 0.01;

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** `2025-06-02 12:00 UTC`: minutes are the store's resolution. */
export function formatTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** `2 ready, 1 hold, 1 mismatching`: the verdicts some route has, in the order of the stages. */
export function formatDecisionCounts(decisions: Readonly<Record<RouteVerdictName, number>>): string {
  const shown = ROUTE_VERDICTS.filter((verdict) => decisions[verdict] > 0);
  if (shown.length === 0) return 'no verdicts';
  return shown.map((verdict) => `${decisions[verdict]} ${formatVerdict(verdict)}`).join(', ');
}

/** The sentence every format uses for mismatches discounted as noise learned later. */
export function discountedNote(pairs: number): string {
  return `${formatCount(pairs)} earlier ${pairs === 1 ? 'mismatch' : 'mismatches'} discounted: their only differences are now known noise`;
}

/** `insufficient_evidence` → `insufficient evidence`. */
export function formatVerdict(verdict: string): string {
  return verdict.replace(/_/g, ' ');
}

/** `service failed 100 (5xx or no answer), legacy failed 3`: which side failed the pairs in `errors`. */
export function failedPairs(route: {
  readonly legacyErrors: number;
  readonly serviceErrors: number;
}): string {
  return `service failed ${formatCount(route.serviceErrors)}, legacy failed ${formatCount(route.legacyErrors)} (5xx or no answer)`;
}
