import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPrng } from './prng.ts';

describe('createPrng', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    const a = createPrng(42);
    const b = createPrng(42);
    const c = createPrng(43);
    const first = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(first);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(first);
  });

  it('keeps int() within its bounds and reaches both ends', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: -50, max: 50 }),
        fc.integer({ min: 0, max: 10 }),
        (seed, min, span) => {
          const prng = createPrng(seed);
          const seen = new Set<number>();
          for (let i = 0; i < 400; i++) {
            const value = prng.int(min, min + span);
            expect(Number.isInteger(value)).toBe(true);
            expect(value).toBeGreaterThanOrEqual(min);
            expect(value).toBeLessThanOrEqual(min + span);
            seen.add(value);
          }
          expect(seen.has(min) && seen.has(min + span)).toBe(true);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('refuses to pick from an empty list', () => {
    expect(() => createPrng(1).pick([])).toThrow(RangeError);
  });
});
