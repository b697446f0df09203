import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  JsonPathError,
  compileJsonPath,
  foldPath,
  formatLocation,
  matchesLocation,
  validateJsonPath,
} from './json-path.ts';
import type { JsonLocation } from './json-path.ts';

const locationArbitrary: fc.Arbitrary<JsonLocation> = fc.array(
  fc.oneof(
    fc.string(),
    fc.nat({ max: 1000 }),
    fc.constantFrom('__proto__', "it's", 'a.b', 'x-y', '[*]', '\\'),
  ),
  { maxLength: 6 },
);

describe('compileJsonPath', () => {
  it('parses every form of the subset', () => {
    expect(compileJsonPath('$').segments).toEqual([]);
    expect(compileJsonPath("$.items[*]['unit price'][3]..id.*").segments).toEqual([
      { type: 'key', key: 'items' },
      { type: 'any' },
      { type: 'key', key: 'unit price' },
      { type: 'index', index: 3 },
      { type: 'descendant', key: 'id' },
      { type: 'any' },
    ]);
    expect(compileJsonPath('$["a"]..[\'b c\']').segments).toEqual([
      { type: 'key', key: 'a' },
      { type: 'descendant', key: 'b c' },
    ]);
  });

  it('accepts the names real payloads use after a dot', () => {
    expect(compileJsonPath('$.x-request-id.0.$ref.clé').segments.map((segment) => segment)).toEqual([
      { type: 'key', key: 'x-request-id' },
      { type: 'key', key: '0' },
      { type: 'key', key: '$ref' },
      { type: 'key', key: 'clé' },
    ]);
  });

  it('decodes escapes in quoted keys and keeps unknown ones as written', () => {
    expect(compileJsonPath("$['it\\'s']").segments).toEqual([{ type: 'key', key: "it's" }]);
    expect(compileJsonPath("$['a\\u0041\\n']").segments).toEqual([{ type: 'key', key: 'aA\n' }]);
    expect(compileJsonPath("$['a\\q']").segments).toEqual([{ type: 'key', key: 'a\\q' }]);
  });

  it('refuses what is outside the subset, with a code and a position', () => {
    for (const [source, position] of [
      ['items', 0],
      ['$.', 2],
      ['$..', 3],
      ['$..[0]', 3],
      ['$[-1]', 2],
      ['$[?(@.a)]', 2],
      ['$[1:2]', 3],
      ["$['a'", 5],
      ['$[1', 3],
      ['$ .a', 1],
    ] as const) {
      let error: unknown;
      try {
        compileJsonPath(source);
      } catch (caught) {
        error = caught;
      }
      expect(error, source).toBeInstanceOf(JsonPathError);
      expect((error as JsonPathError).code).toBe('COMPARE_INVALID_JSON_PATH');
      expect((error as JsonPathError).position, source).toBe(position);
    }
  });

  it('compiles to frozen patterns', () => {
    const pattern = compileJsonPath('$.a[*]');
    expect(Object.isFrozen(pattern)).toBe(true);
    expect(Object.isFrozen(pattern.segments)).toBe(true);
    expect(Object.isFrozen(pattern.segments[0])).toBe(true);
  });
});

describe('validateJsonPath', () => {
  it('returns null for a valid path and a message saying where otherwise', () => {
    expect(validateJsonPath('$.items[*].updated_at')).toBeNull();
    expect(validateJsonPath('$.items[-1]')).toMatch(/at 8: negative indices/);
  });
});

describe('matchesLocation', () => {
  it('matches exactly, never a value below', () => {
    const pattern = compileJsonPath('$.items[*].price');
    expect(matchesLocation(pattern, ['items', 3, 'price'])).toBe(true);
    expect(matchesLocation(pattern, ['items', 3, 'price', 'amount'])).toBe(false);
    expect(matchesLocation(pattern, ['items', 3])).toBe(false);
    expect(matchesLocation(pattern, ['items', 'x', 'price'])).toBe(true); // [*] is any member too
  });

  it('keeps keys and indices apart', () => {
    expect(matchesLocation(compileJsonPath('$.a.0'), ['a', '0'])).toBe(true);
    expect(matchesLocation(compileJsonPath('$.a.0'), ['a', 0])).toBe(false);
    expect(matchesLocation(compileJsonPath('$.a[0]'), ['a', '0'])).toBe(false);
  });

  it('matches ..key at any depth, including directly below', () => {
    const pattern = compileJsonPath('$..id');
    expect(matchesLocation(pattern, ['id'])).toBe(true);
    expect(matchesLocation(pattern, ['a', 2, 'b', 'id'])).toBe(true);
    expect(matchesLocation(pattern, ['a', 'id', 'x'])).toBe(false);
    const nested = compileJsonPath('$.orders..lines[*].sku');
    expect(matchesLocation(nested, ['orders', 0, 'lines', 1, 'sku'])).toBe(true);
    expect(matchesLocation(nested, ['orders', 'lines', 'lines', 1, 'sku'])).toBe(true);
    expect(matchesLocation(nested, ['lines', 1, 'sku'])).toBe(false);
  });
});

describe('formatLocation and foldPath', () => {
  it('prints plain names with dots and anything else quoted', () => {
    expect(formatLocation([])).toBe('$');
    expect(formatLocation(['items', 3, 'price'])).toBe('$.items[3].price');
    expect(formatLocation(['odd key', "it's", 'x-id', '0', '\n'])).toBe(
      "$['odd key']['it\\'s']['x-id']['0']['\\u000a']",
    );
  });

  it('folds indices to [*]', () => {
    expect(formatLocation(['items', 3, 'tags', 0], true)).toBe('$.items[*].tags[*]');
    expect(foldPath('$.items[3].price')).toBe('$.items[*].price');
    expect(foldPath("$['a[1]'][2]")).toBe("$['a[1]'][*]");
    expect(foldPath('header:etag')).toBe('header:etag');
    expect(foldPath('status')).toBe('status');
  });

  it('prints a location that parses back to exactly that location', () => {
    fc.assert(
      fc.property(locationArbitrary, (location) => {
        const pattern = compileJsonPath(formatLocation(location));
        expect(matchesLocation(pattern, location)).toBe(true);
        expect(pattern.segments.length).toBe(location.length);
        expect(foldPath(formatLocation(location))).toBe(formatLocation(location, true));
      }),
    );
  });
});
