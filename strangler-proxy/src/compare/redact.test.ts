import { describe, expect, it } from 'vitest';
import { compilePaths } from './path-set.ts';
import { isSensitiveQueryName, REDACTED, redactHeaders, redactJson, redactQuery } from './redact.ts';

describe('redactJson', () => {
  it('replaces matched fields and everything below them', () => {
    const paths = compilePaths(['$.customer.email', '$.cards[*].pan', '$..secret', '$.address']);
    const value = {
      customer: { email: 'a@x.io', name: 'A' },
      cards: [{ pan: '4111', brand: 'visa' }, { pan: '4242' }],
      deep: { list: [{ secret: { k: 1 } }] },
      address: { street: 'x', city: 'y' },
    };
    expect(redactJson(value, paths)).toEqual({
      customer: { email: REDACTED, name: 'A' },
      cards: [{ pan: REDACTED, brand: 'visa' }, { pan: REDACTED }],
      deep: { list: [{ secret: REDACTED }] },
      address: REDACTED,
    });
  });

  it('leaves the input untouched and shares the subtrees it did not change', () => {
    const value = { customer: { email: 'a@x.io' }, items: [{ id: 1 }], meta: { a: 1 } };
    const snapshot = structuredClone(value);
    const redacted = redactJson(value, compilePaths(['$.customer.email'])) as typeof value;
    expect(value).toEqual(snapshot);
    expect(redacted.items).toBe(value.items);
    expect(redacted.meta).toBe(value.meta);
    expect(redacted.customer).not.toBe(value.customer);
    expect(redactJson(value, compilePaths(['$.nothing']))).toBe(value);
    expect(redactJson(value, compilePaths([]))).toBe(value);
  });

  it('redacts the whole value for $ and leaves primitives alone', () => {
    expect(redactJson({ a: 1 }, compilePaths(['$']))).toBe(REDACTED);
    expect(redactJson('text', compilePaths(['$.a']))).toBe('text');
  });

  it('keeps a __proto__ member a plain member', () => {
    const value = JSON.parse('{"__proto__":{"email":"a@x.io"},"email":"b@x.io"}') as unknown;
    const redacted = redactJson(value, compilePaths(['$..email'])) as Record<string, unknown>;
    expect(Object.getPrototypeOf(redacted)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(redacted, '__proto__')?.value).toEqual({ email: REDACTED });
    expect(redacted.email).toBe(REDACTED);
  });

  it('fails closed below the depth bound where a path could still match', () => {
    const value = { a: { b: { c: { email: 'x' } } }, other: { b: { c: { d: 1 } } } };
    expect(redactJson(value, compilePaths(['$..email']), 2)).toEqual({
      a: { b: REDACTED },
      other: { b: REDACTED },
    });
    expect(redactJson(value, compilePaths(['$.a.b.c.email']), 2)).toEqual({
      a: { b: REDACTED },
      other: value.other,
    });
  });
});

describe('redactHeaders', () => {
  it('masks credentials and configured headers, keeping names and other values', () => {
    const headers = {
      Authorization: 'Bearer x',
      cookie: 'a=1',
      'set-cookie': ['a=1', 'b=2'],
      'X-Api-Key': 'k',
      'content-type': 'application/json',
      absent: undefined,
    };
    expect(redactHeaders(headers, ['x-api-key'])).toEqual({
      Authorization: REDACTED,
      cookie: REDACTED,
      'set-cookie': [REDACTED, REDACTED],
      'X-Api-Key': REDACTED,
      'content-type': 'application/json',
      absent: undefined,
    });
    expect(headers.Authorization).toBe('Bearer x');
  });
});

describe('redactQuery', () => {
  it('masks the values of credential-like and named parameters, keeping everything else byte for byte', () => {
    expect(
      redactQuery(
        '/a/b?page=2&access_token=abc&q=x%20y+z&Sig=s&voucher=v&flag&X-Amz-Signature=k',
        new Set(['voucher']),
      ),
    ).toBe(
      '/a/b?page=2&access_token=[redacted]&q=x%20y+z&Sig=[redacted]&voucher=[redacted]&flag&X-Amz-Signature=[redacted]',
    );
  });

  it('returns the target itself when nothing is masked', () => {
    const target = '/search?q=lamp&sort=price&%E0%A4%A=1';
    expect(redactQuery(target)).toBe(target);
    expect(redactQuery('/plain')).toBe('/plain');
  });

  it('judges encoded names decoded', () => {
    expect(redactQuery('/x?api%5Fkey=1&client%2Dsecret=2')).toBe(
      '/x?api%5Fkey=[redacted]&client%2Dsecret=[redacted]',
    );
  });

  it.each([
    ['token', true],
    ['refresh_token', true],
    ['client_secret', true],
    ['PASSWORD', true],
    ['passwd', true],
    ['api-key', true],
    ['apikey', true],
    ['private_key', true],
    ['key', true],
    ['sig', true],
    ['X-Amz-Credential', true],
    ['sessionId', true],
    ['monkey', false],
    ['signup', false],
    ['author', false],
    ['page', false],
    ['keyword', false],
  ] as const)('%s → %s, and the quick scan never lets a sensitive name through', (name, sensitive) => {
    expect(isSensitiveQueryName(name)).toBe(sensitive);
    const target = `/x?${name}=v`;
    expect(redactQuery(target)).toBe(sensitive ? `/x?${name}=[redacted]` : target);
    expect(
      redactQuery(
        `/x?${encodeURIComponent(name).replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`)}=v`,
      ),
    ).toMatch(sensitive ? /=\[redacted\]$/ : /=v$/);
  });
});
