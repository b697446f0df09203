/**
 * A token bucket: it holds up to `burst` tokens, refills at `ratePerMs`, and each request takes one.
 * Pure: the state goes in and comes out, so the local store and the Redis script (`redis-buckets.ts`,
 * the same arithmetic in Lua) agree.
 */

export interface BucketState {
  readonly tokens: number;
  /** When `tokens` was last computed (ms). */
  readonly at: number;
}

export interface BucketDecision {
  readonly allowed: boolean;
  /** When refused, how long until a token is back (ms); 0 when allowed. */
  readonly retryAfterMs: number;
}

export function takeToken(
  state: BucketState | undefined,
  now: number,
  ratePerMs: number,
  burst: number,
): { readonly decision: BucketDecision; readonly state: BucketState } {
  const previous = state ?? { tokens: burst, at: now };
  const tokens = Math.min(burst, previous.tokens + Math.max(0, now - previous.at) * ratePerMs);
  if (tokens >= 1)
    return { decision: { allowed: true, retryAfterMs: 0 }, state: { tokens: tokens - 1, at: now } };
  return {
    decision: { allowed: false, retryAfterMs: Math.ceil((1 - tokens) / ratePerMs) },
    state: { tokens, at: now },
  };
}
