import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, compileCompareRules, validateCompareRules } from './compile-rules.ts';
import { JsonPathError } from './json-path.ts';

describe('compileCompareRules', () => {
  it('compiles every rule into one frozen path set, header names in lower case', () => {
    const rules = compileCompareRules({
      ignore: ['$.generatedAt'],
      ignoreHeaders: ['ETag'],
      arrays: { '$.items': { orderBy: 'id' }, '$.tags': {} },
      tolerance: { '$.price': 0.005 },
      redact: ['$.customer.email'],
    });
    expect(Object.isFrozen(rules)).toBe(true);
    expect(rules.body.values).toEqual([
      { type: 'ignore' },
      { type: 'set', orderBy: 'id' },
      { type: 'set', orderBy: undefined },
      { type: 'tolerance', tolerance: 0.005 },
      { type: 'redact' },
    ]);
    expect([...rules.ignoreHeaders]).toEqual(['etag']);
    expect(rules.redact.values).toEqual(['$.customer.email']);
    expect(rules.maxDifferences).toBe(DEFAULT_LIMITS.maxDifferences);
  });

  it('accepts a missing block and custom limits', () => {
    const rules = compileCompareRules(undefined, { maxDifferences: 5, maxDepth: 8 });
    expect(rules.body.values).toEqual([]);
    expect(rules).toMatchObject({ maxDifferences: 5, maxDepth: 8 });
  });

  it('throws a coded error on an invalid path', () => {
    expect(() => compileCompareRules({ ignore: ['$.a[-1]'] })).toThrow(JsonPathError);
  });
});

describe('validateCompareRules', () => {
  it('reports every invalid path with where it is', () => {
    const issues = validateCompareRules({
      ignore: ['$.ok', 'nope', '$[?(@.x)]'],
      arrays: { '$.a b': {} },
      tolerance: { '$.price': 1 },
      redact: ['$..'],
    });
    expect(issues.map((issue) => issue.path)).toEqual([
      ['ignore', 1],
      ['ignore', 2],
      ['redact', 0],
      ['arrays', '$.a b'],
    ]);
    expect(issues[0]?.message).toMatch(/starts with \$/);
    expect(validateCompareRules({ ignore: ['$.a', "$['b']..c[*]"] })).toEqual([]);
  });
});
