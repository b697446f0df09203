/**
 * Evidence kept at three resolutions at once. Every write adds its minute rows to the counter table and
 * the same counts to that table's hour and day tiers (`<table>_hourly`, `<table>_daily`), so a read over
 * 30 days sums a few rows per route (whole days, then the hours and minutes at the window's edges)
 * instead of every minute. The roll-up only deletes: old minutes (their hours stay) and hours and days
 * past the period kept.
 *
 * Minutes before the store's horizon (set by the roll-up before it deletes them) are read from the hour
 * tier instead: an hour falls in a window when its start does, as it did when minutes were merged into
 * hours in place.
 */
import { BUCKET_MS, HOUR_MS } from './result-store.ts';

export const DAY_MS = 24 * HOUR_MS;

export interface Tier {
  /** Appended to the counter table's name (`''` for the minutes themselves). */
  readonly suffix: string;
  /** Width of its buckets, ms; each a multiple of the finer one's. */
  readonly span: number;
}

export const MINUTE_TIER: Tier = { suffix: '', span: BUCKET_MS };
export const HOUR_TIER: Tier = { suffix: '_hourly', span: HOUR_MS };
export const DAY_TIER: Tier = { suffix: '_daily', span: DAY_MS };

/** Finest first. */
export const TIERS: readonly Tier[] = [MINUTE_TIER, HOUR_TIER, DAY_TIER];

/** The table holding `table`'s counts at `tier`'s resolution. */
export function tierTable(table: string, tier: Tier): string {
  return `${table}${tier.suffix}`;
}

/** Rows of one tier whose bucket starts lie in [from, to); an open end is ±Infinity. */
export interface TierRange {
  readonly tier: Tier;
  readonly from: number;
  readonly to: number;
}

/**
 * Which rows of which tiers to sum so that the result equals the sum of every minute in [since, until):
 * the coarsest tier for the middle, finer ones for the edges. With a `step` (a timeline's period), only
 * tiers whose buckets each fall in one period are used. Minutes before `horizon` are gone: the hour tier
 * stands in for them.
 */
export function tierRanges(window: {
  readonly since?: number | undefined;
  readonly until?: number | undefined;
  readonly step?: number | undefined;
  readonly horizon?: number | null | undefined;
}): TierRange[] {
  const step = window.step;
  const usable = TIERS.filter((tier) => step === undefined || step % tier.span === 0);
  const horizon = window.horizon ?? -Infinity;
  return split(window.since ?? -Infinity, window.until ?? Infinity, usable, horizon);
}

function split(from: number, to: number, tiers: readonly Tier[], horizon: number): TierRange[] {
  if (from >= to) return [];
  const coarse = tiers.at(-1) ?? MINUTE_TIER;
  if (coarse === MINUTE_TIER) return minutes(from, to, horizon);
  const start = ceilTo(from, coarse.span);
  const end = floorTo(to, coarse.span);
  const finer = tiers.slice(0, -1);
  if (start >= end) return split(from, to, finer, horizon);
  return [
    ...split(from, start, finer, horizon),
    { tier: coarse, from: start, to: end },
    ...split(end, to, finer, horizon),
  ];
}

function minutes(from: number, to: number, horizon: number): TierRange[] {
  if (to <= horizon) return [{ tier: HOUR_TIER, from, to }];
  if (from >= horizon) return [{ tier: MINUTE_TIER, from, to }];
  return [
    { tier: HOUR_TIER, from, to: horizon },
    { tier: MINUTE_TIER, from: horizon, to },
  ];
}

function ceilTo(at: number, span: number): number {
  return Number.isFinite(at) ? Math.ceil(at / span) * span : at;
}

function floorTo(at: number, span: number): number {
  return Number.isFinite(at) ? Math.floor(at / span) * span : at;
}

/** The start of the bucket of `tier` that `bucket` (a minute) falls in. */
export function tierBucket(bucket: number, tier: Tier): number {
  return Math.floor(bucket / tier.span) * tier.span;
}
