import { describe, expect, it } from 'vitest';
import {
  MAX_PATH_LENGTH,
  isPathError,
  normalizePath,
  normalizeRequestTarget,
  type PathErrorCode,
} from './normalize-path.ts';

const norm = (target: string) => {
  const { path, query, segments } = normalizePath(target);
  return { path, query, segments };
};

function codeOf(target: string): PathErrorCode | undefined {
  const result = normalizeRequestTarget(target);
  return result.ok ? undefined : result.error.code;
}

describe('normalizePath', () => {
  it.each([
    ['/', '/', []],
    ['/api/products', '/api/products', ['api', 'products']],
    ['/api/products/', '/api/products/', ['api', 'products']],
    ['//api///products', '/api/products', ['api', 'products']],
    ['/api/../admin', '/admin', ['admin']],
    ['/api/%2e%2E/admin', '/admin', ['admin']],
    ['/api/.%2e/admin', '/admin', ['admin']],
    ['/api/./products/.', '/api/products/', ['api', 'products']],
    ['/api/products/7/..', '/api/products/', ['api', 'products']],
    ['/../../etc', '/etc', ['etc']],
    ['/..', '/', []],
    ['/a/b/../../..', '/', []],
    ['/%7Euser', '/~user', ['~user']],
    ['/%7e%41%2d%5F%2E%30', '/~A-_.0', ['~A-_.0']],
    ['/a%2fb', '/a%2Fb', ['a%2Fb']],
    ['/a%2Fb/c', '/a%2Fb/c', ['a%2Fb', 'c']],
    ['/caf%c3%a9', '/caf%C3%A9', ['caf%C3%A9']],
    ['/a%20b', '/a%20b', ['a%20b']],
    ['/%25', '/%25', ['%25']],
    ['/a;b=1', '/a;b=1', ['a;b=1']],
    ['/...', '/...', ['...']],
    ['/a|b{}^`"<>', '/a|b{}^`"<>', ['a|b{}^`"<>']],
  ])('%s → %s', (target, path, segments) => {
    expect(norm(target)).toEqual({ path, query: '', segments });
  });

  it('keeps the query verbatim and normalises only the path', () => {
    expect(norm('/a/../b?x=%2e%2e&y=/../#z')).toEqual({
      path: '/b',
      query: '?x=%2e%2e&y=/../#z',
      segments: ['b'],
    });
    expect(norm('/a?')).toEqual({ path: '/a', query: '?', segments: ['a'] });
  });

  it('is the identity on normalised paths', () => {
    for (const path of ['/', '/api/products', '/api/products/', '/a%2Fb/~c'])
      expect(norm(path).path).toBe(path);
  });

  it.each<[string, PathErrorCode]>([
    ['', 'PATH_NOT_ORIGIN_FORM'],
    ['api/products', 'PATH_NOT_ORIGIN_FORM'],
    ['*', 'PATH_NOT_ORIGIN_FORM'],
    ['http://example.com/api', 'PATH_NOT_ORIGIN_FORM'],
    ['?x=1', 'PATH_NOT_ORIGIN_FORM'],
    ['/a%', 'PATH_INVALID_PERCENT_ENCODING'],
    ['/a%4', 'PATH_INVALID_PERCENT_ENCODING'],
    ['/a%G1', 'PATH_INVALID_PERCENT_ENCODING'],
    ['/a%4/b', 'PATH_INVALID_PERCENT_ENCODING'],
    ['/a\u0000b', 'PATH_CONTROL_CHARACTER'],
    ['/a\nb', 'PATH_CONTROL_CHARACTER'],
    ['/a%00b', 'PATH_CONTROL_CHARACTER'],
    ['/a%0d%0Ab', 'PATH_CONTROL_CHARACTER'],
    ['/a%7f', 'PATH_CONTROL_CHARACTER'],
    ['/a?x=\u0000', 'PATH_CONTROL_CHARACTER'],
    ['/a\\..\\admin', 'PATH_INVALID_CHARACTER'],
    ['/a b', 'PATH_INVALID_CHARACTER'],
    ['/a#frag', 'PATH_INVALID_CHARACTER'],
    ['/café', 'PATH_INVALID_CHARACTER'],
    ['/api/..;/admin', 'PATH_AMBIGUOUS_SEGMENT'],
    ['/api/.;x/admin', 'PATH_AMBIGUOUS_SEGMENT'],
    ['/api/..%2Fadmin', 'PATH_AMBIGUOUS_SEGMENT'],
    ['/api/..%2fadmin', 'PATH_AMBIGUOUS_SEGMENT'],
    ['/api/x%2F..', 'PATH_AMBIGUOUS_SEGMENT'],
    ['/api/%2e%2e%5cadmin', 'PATH_AMBIGUOUS_SEGMENT'],
  ])('refuses %j with %s', (target, code) => {
    expect(codeOf(target)).toBe(code);
    expect(() => normalizePath(target)).toThrow(expect.objectContaining({ code }));
  });

  it('refuses paths over the length limit, but not long queries', () => {
    const limit = '/' + 'a'.repeat(MAX_PATH_LENGTH - 1);
    expect(codeOf(limit)).toBeUndefined();
    expect(codeOf(limit + 'a')).toBe('PATH_TOO_LONG');
    expect(codeOf('/a?' + 'q'.repeat(100_000))).toBeUndefined();
  });

  it('throws only PathError, which isPathError recognises', () => {
    try {
      normalizePath('/%zz');
      expect.unreachable();
    } catch (error) {
      expect(isPathError(error)).toBe(true);
      expect(error).toMatchObject({ name: 'PathError', code: 'PATH_INVALID_PERCENT_ENCODING', index: 1 });
    }
    expect(isPathError(new Error('x'))).toBe(false);
  });
});

describe('normalizeRequestTarget', () => {
  it('returns the normalised target with ok: true', () => {
    expect(normalizeRequestTarget('/a/./b?q')).toEqual({
      ok: true,
      path: '/a/b',
      query: '?q',
      segments: ['a', 'b'],
    });
  });
});
