/** Durations in routes.yaml: one parser for every block of the schema. */
import { z } from 'zod';

/** Accepts `250`, `"250ms"`, `"2s"`, `"1.5m"`, `"1h"`; yields milliseconds. */
export const durationSchema = z
  .union([
    z.number().nonnegative(),
    z.string().regex(/^\d+(\.\d+)?(ms|s|m|h)$/, 'expected a duration such as 250ms, 2s, 1m or 1h'),
  ])
  .transform((value) => (typeof value === 'number' ? value : parseDuration(value)));

export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  if (!match) throw new Error(`not a duration: ${text}`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * unit;
}
