import { describe, expect, it } from 'vitest';
import { takeToken } from './token-bucket.ts';
import { createLocalBuckets } from './local-buckets.ts';

describe('takeToken', () => {
  it('lets a burst through, then refuses until a token has refilled', () => {
    const rate = 1 / 1_000; // one per second
    let state = takeToken(undefined, 0, rate, 2).state;
    const second = takeToken(state, 0, rate, 2);
    expect(second.decision.allowed).toBe(true);
    state = second.state;
    const third = takeToken(state, 250, rate, 2);
    expect(third.decision).toEqual({ allowed: false, retryAfterMs: 750 });
    expect(takeToken(third.state, 1_000, rate, 2).decision.allowed).toBe(true);
  });

  it('never holds more than the burst, however long it was idle', () => {
    const rate = 1;
    let state = takeToken(undefined, 0, rate, 3).state;
    const allowed: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      const taken = takeToken(state, 1_000_000, rate, 3);
      allowed.push(taken.decision.allowed);
      state = taken.state;
    }
    expect(allowed).toEqual([true, true, true, false]);
  });
});

describe('createLocalBuckets', () => {
  it('forgets the least recently used bucket past its bound (which then starts full)', () => {
    const buckets = createLocalBuckets(2);
    expect(buckets.take('a', 0.000_001, 1, 0).allowed).toBe(true);
    expect(buckets.take('a', 0.000_001, 1, 0).allowed).toBe(false);
    buckets.take('b', 0.000_001, 1, 0);
    buckets.take('c', 0.000_001, 1, 0);
    expect(buckets.size).toBe(2);
    expect(buckets.take('a', 0.000_001, 1, 0).allowed).toBe(true);
  });
});
