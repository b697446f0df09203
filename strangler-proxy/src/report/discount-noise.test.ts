import { describe, expect, it } from 'vitest';
import { discountNoise } from './discount-noise.ts';

const signature = (name: string, shapes: string | null, count: number) => ({
  routeId: 'r',
  signature: name,
  shapes,
  count,
});

describe('discountNoise', () => {
  it('discounts pairs whose every difference is at a noise path, and drops noise from the differences', () => {
    const discount = discountNoise(
      ['$.at', 'header:x-time'],
      [
        signature('a', 'value $.at', 5),
        signature('b', 'header header:x-time\nvalue $.at', 2),
        signature('c', 'type $.price\nvalue $.at', 3),
        signature('d', null, 4),
        signature('e', 'status status', 1),
      ],
      [
        { routeId: 'r', path: '$.at', kind: 'value', count: 10 },
        { routeId: 'r', path: '$.price', kind: 'type', count: 3 },
        { routeId: 'r', path: 'status', kind: 'status', count: 1 },
      ],
    );
    expect(discount.pairs).toBe(7);
    expect(discount.diffs.map((diff) => diff.path)).toEqual(['$.price', 'status']);
  });

  it('discounts nothing without noise', () => {
    expect(discountNoise([], [signature('a', 'value $.at', 5)], []).pairs).toBe(0);
  });
});
