import { describe, expect, it } from 'vitest';
import { createCorrelationMap } from './correlation-map.ts';

describe('createCorrelationMap', () => {
  it('translates both ways by text, and knows which values correspond', () => {
    const map = createCorrelationMap(10);
    expect(map.learn({ legacy: 17, service: 5017, at: 1 })).toBe('added');
    expect(map.toService('17')).toBe(5017);
    expect(map.toLegacy('5017')).toBe(17);
    expect(map.corresponds(17, 5017)).toBe(true);
    expect(map.corresponds('17', '5017')).toBe(true);
    expect(map.corresponds(17, 5018)).toBe(false);
    expect(map.learn({ legacy: 17, service: 5017, at: 2 })).toBe('known');
    expect(map.learn({ legacy: 17, service: 6000, at: 3 })).toBe('replaced');
    expect(map.toLegacy('5017')).toBeUndefined();
  });

  it('forgets the pair used least recently when full, and counts it', () => {
    const map = createCorrelationMap(2, [
      { legacy: 'a', service: 'A', at: 1 },
      { legacy: 'b', service: 'B', at: 2 },
    ]);
    map.toService('a'); // a is now the most recently used
    map.learn({ legacy: 'c', service: 'C', at: 3 });
    expect(map.size).toBe(2);
    expect(map.evicted).toBe(1);
    expect(map.toService('b')).toBeUndefined();
    expect(map.toLegacy('B')).toBeUndefined();
    expect(map.pairs().map((pair) => pair.legacy)).toEqual(['a', 'c']);
  });
});
