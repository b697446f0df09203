import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRollingCounter } from '../../src/safety/rolling-counter.ts';

describe('createRollingCounter', () => {
  it('sums over the window and forgets what is older', () => {
    const counter = createRollingCounter(['hits'], { window: 1_000, buckets: 10 });
    counter.add(0, 'hits');
    counter.add(450, 'hits', 2);
    expect(counter.total(900, 'hits')).toBe(3);
    expect(counter.total(1_000, 'hits')).toBe(2); // the bucket [0, 100) has left the window
    expect(counter.total(1_450, 'hits')).toBe(0);
  });

  it('forgets everything after a long silence', () => {
    const counter = createRollingCounter(['hits'], { window: 1_000 });
    counter.add(10, 'hits', 5);
    expect(counter.total(1_000_000, 'hits')).toBe(0);
  });

  it('treats a clock that goes back as standing still', () => {
    const counter = createRollingCounter(['hits'], { window: 1_000 });
    counter.add(5_000, 'hits');
    counter.add(4_000, 'hits');
    expect(counter.total(5_000, 'hits')).toBe(2);
  });

  it('keeps fields apart and clears', () => {
    const counter = createRollingCounter(['a', 'b'], { window: 100 });
    counter.add(1, 'a');
    counter.add(1, 'b', 3);
    expect([counter.total(1, 'a'), counter.total(1, 'b')]).toEqual([1, 3]);
    counter.clear();
    expect(counter.total(1, 'b')).toBe(0);
  });

  it('matches a list of timestamps at bucket granularity', () => {
    const window = 1_000;
    const buckets = 10;
    const width = window / buckets;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 200 }), (gaps) => {
        const counter = createRollingCounter(['hits'], { window, buckets });
        const seen: number[] = [];
        let now = 0;
        for (const gap of gaps) {
          now += gap;
          counter.add(now, 'hits');
          seen.push(now);
          // Kept: events whose bucket is one of the last `buckets` buckets.
          const oldest = (Math.floor(now / width) - buckets + 1) * width;
          expect(counter.total(now, 'hits')).toBe(seen.filter((at) => at >= oldest).length);
        }
      }),
    );
  });
});
