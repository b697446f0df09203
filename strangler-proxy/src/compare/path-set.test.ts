import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileJsonPath, matchesLocation } from './json-path.ts';
import type { PathKey } from './json-path.ts';
import { NO_MATCH, compilePaths, createPathSet, stepPathSet } from './path-set.ts';
import type { MatchState, PathSet } from './path-set.ts';

function stateAt<T>(set: PathSet<T>, location: readonly PathKey[]): MatchState<T> {
  return location.reduce<MatchState<T>>((state, key) => stepPathSet(set, state, key), set.root);
}

const keys = ['a', 'b', 'id', '0'] as const;
const keyArbitrary = fc.oneof(fc.constantFrom(...keys), fc.nat({ max: 2 }));
const segmentArbitrary = fc.oneof(
  fc.constantFrom(...keys).map((key) => `['${key}']`),
  fc.constantFrom(...keys).map((key) => `..${key}`),
  fc.nat({ max: 2 }).map((index) => `[${index}]`),
  fc.constant('[*]'),
);
const patternArbitrary = fc
  .array(segmentArbitrary, { maxLength: 4 })
  .map((segments) => `$${segments.join('')}`);

describe('path sets', () => {
  it('step by step, agree with matching each pattern against the whole location', () => {
    fc.assert(
      fc.property(
        fc.array(patternArbitrary, { minLength: 1, maxLength: 4 }),
        fc.array(keyArbitrary, { maxLength: 6 }),
        (sources, location) => {
          const set = compilePaths(sources);
          const expected = sources.filter((source) => matchesLocation(compileJsonPath(source), location));
          expect([...stateAt(set, location).hits].sort()).toEqual(expected.sort());
        },
      ),
      { numRuns: 500 },
    );
  });

  it('fall to the shared NO_MATCH where nothing can match any more', () => {
    const set = compilePaths(['$.a.b', '$.c[*]']);
    expect(stepPathSet(set, set.root, 'x')).toBe(NO_MATCH);
    expect(stepPathSet(set, NO_MATCH, 'a')).toBe(NO_MATCH);
    expect(stateAt(set, ['a', 'b']).hits).toEqual(['$.a.b']);
    expect(stateAt(set, ['a', 'b', 'c'])).toBe(NO_MATCH);
  });

  it('keep ..key alive below every level', () => {
    const set = compilePaths(['$..email']);
    expect(stateAt(set, ['customer', 0, 'contacts', 'email']).hits).toEqual(['$..email']);
    expect(stateAt(set, ['x', 'y', 'z'])).not.toBe(NO_MATCH);
  });

  it('memoise transitions, sharing one for every key and one for every index no pattern names', () => {
    const set = compilePaths(['$.items[*].price', '$..email', '$.list[2]']);
    const items = stepPathSet(set, set.root, 'items');
    expect(stepPathSet(set, set.root, 'items')).toBe(items);
    expect(stepPathSet(set, items, 7)).toBe(stepPathSet(set, items, 8));
    expect(stepPathSet(set, set.root, 'anything')).toBe(stepPathSet(set, set.root, 'else'));
    const list = stepPathSet(set, set.root, 'list');
    expect(stepPathSet(set, list, 2).hits).toEqual(['$.list[2]']);
    expect(stepPathSet(set, list, 3).hits).toEqual([]);
    expect(stepPathSet(set, list, 2)).not.toBe(stepPathSet(set, list, 3));
  });

  it('report a root pattern at the root, and nothing for an empty set', () => {
    expect(compilePaths(['$']).root.hits).toEqual(['$']);
    expect(createPathSet([]).root).toBe(NO_MATCH);
  });
});
