import { describe, expect, it } from 'vitest';
import { diffJson, foldIndices } from './json-diff.ts';

describe('diffJson', () => {
  it('finds nothing between equal documents', () => {
    expect(diffJson({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toEqual([]);
  });

  it('names each kind of difference with its path', () => {
    const differences = diffJson(
      { price: '12.50', items: [{ at: 'x' }, { at: 'y' }], gone: 1, list: [1, 2] },
      { price: 12.5, items: [{ at: 'x' }, { at: 'z', slug: 's' }], list: [1] },
    );
    expect(differences.map(({ path, kind }) => ({ path, kind }))).toEqual([
      { path: '$.price', kind: 'type' },
      { path: '$.items[1].at', kind: 'value' },
      { path: '$.items[1].slug', kind: 'extra' },
      { path: '$.gone', kind: 'missing' },
      { path: '$.list', kind: 'length' },
    ]);
    expect(foldIndices('$.items[12].at')).toBe('$.items[*].at');
  });
});
