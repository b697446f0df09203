import { describe, expect, it } from 'vitest';
import { HttpError } from './http-error.ts';
import { parseId, parseProductQuery, totalPages } from './list-query.ts';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof HttpError ? error.code : 'not an HttpError';
  }
  return undefined;
}

describe('parseProductQuery', () => {
  it('applies defaults', () => {
    expect(parseProductQuery({})).toEqual({ page: 1, perPage: 20, sort: 'id', dir: 'asc' });
  });

  it('reads every parameter', () => {
    expect(
      parseProductQuery({
        page: '3',
        per_page: '50',
        sort: 'price',
        dir: 'desc',
        q: ' mill ',
        category_id: '4',
      }),
    ).toEqual({ page: 3, perPage: 50, sort: 'price', dir: 'desc', q: 'mill', categoryId: 4 });
  });

  it.each([
    [{ page: '0' }],
    [{ page: '-1' }],
    [{ page: '1.5' }],
    [{ per_page: '101' }],
    [{ per_page: 'ten' }],
    [{ sort: 'popularity' }],
    [{ dir: 'up' }],
    [{ page: ['1', '2'] }],
    [{ category_id: 'kitchen' }],
    [{ q: 'x'.repeat(101) }],
  ])('rejects %j with invalid_parameter', (query) => {
    expect(codeOf(() => parseProductQuery(query))).toBe('invalid_parameter');
  });
});

describe('parseId', () => {
  it('accepts positive integers only', () => {
    expect(parseId('17')).toBe(17);
    expect(parseId('0')).toBeUndefined();
    expect(parseId('abc')).toBeUndefined();
    expect(parseId('1e3')).toBeUndefined();
    expect(parseId('99999999999')).toBeUndefined();
  });
});

describe('totalPages', () => {
  it('rounds up and never says zero', () => {
    expect(totalPages(0, 20)).toBe(1);
    expect(totalPages(41, 20)).toBe(3);
  });
});
