import { describe, expect, it } from 'vitest';
import { compilePaths } from './path-set.ts';
import {
  isCredentialName,
  isSensitiveQueryName,
  maskForm,
  maskJson,
  maskText,
  REDACTED,
  redactHeaders,
  redactQuery,
} from './redact.ts';
import { looksLikeCredential } from './credential-values.ts';
import type { CompiledPaths } from './path-set.ts';

const mark = (credential: string) => `<${credential.length}>`;
const redactJson = (value: unknown, paths: CompiledPaths, maxDepth?: number) =>
  maskJson(value, { redact: paths, keep: null, mark }, maxDepth);

describe('maskJson with redact paths', () => {
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

  it('fails closed below the depth bound: a credential could be named anywhere below it', () => {
    const value = { a: { b: { c: { email: 'x' } } }, other: { b: { c: { d: 1 } } }, flat: { n: 1 } };
    expect(redactJson(value, compilePaths(['$.a.b.c.email']), 2)).toEqual({
      a: { b: REDACTED },
      other: { b: REDACTED },
      flat: { n: 1 },
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

describe('credentials in bodies', () => {
  const masking = { redact: null, keep: null, mark };

  it('masks fields named like credentials at any depth and in any case, keeping the structure', () => {
    const body = {
      user: { email: 'a@x.io', Password: 'hunter2', token: 'abc.def', profile: { API_KEY: 12345 } },
      login: { refresh_token: 'r', session: { id: 7, scopes: ['a'] } },
      items: [{ secret: null, name: 'lamp' }],
      code: 'ORDER_NOT_FOUND',
    };
    expect(maskJson(body, masking)).toEqual({
      user: { email: 'a@x.io', Password: '<7>', token: '<7>', profile: { API_KEY: '<5>' } },
      login: { refresh_token: '<1>', session: REDACTED },
      items: [{ secret: null, name: 'lamp' }],
      // An error code, not OAuth's authorization code (which travels in a query).
      code: 'ORDER_NOT_FOUND',
    });
    expect(isCredentialName('client_secret')).toBe(true);
    expect(isCredentialName('code')).toBe(false);
    expect(isSensitiveQueryName('code')).toBe(true);
  });

  it('masks values shaped like credentials under any name, also inside longer text', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    const body = {
      user: { bio: 'x', image: jwt },
      note: `call with Bearer ${jwt} please`,
      key_hint: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
      aws: 'AKIAIOSFODNN7EXAMPLE',
      random: 'q8Vz3mK1pR7xT2wN9bL4cF6hJ0sD5gYa',
    };
    const masked = maskJson(body, masking) as typeof body;
    expect(masked.user.image).toBe(`<${jwt.length}>`);
    expect(masked.note).toBe(`call with Bearer <${jwt.length}> please`);
    expect(masked.key_hint).toBe('<32>');
    expect(masked.aws).toBe('<20>');
    expect(masked.random).toBe('<32>');
  });

  it('leaves ids, digests, words and prose alone', () => {
    for (const value of [
      '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      'the-quick-brown-fox-jumps-over-the-lazy-dog',
      'Lamp with a long descriptive name, 40 cm',
      '2026-12-07T16:13:07.000Z',
      '/api/products/very-long-slug-of-a-product-name',
    ]) {
      expect(looksLikeCredential(value), value).toBe(false);
      expect(maskText(value, { mark }), value).toBe(value);
    }
  });

  it('keeps what a keep path names, and redacts what a redact path names first', () => {
    const body = { page: { next_token: 'opaque-cursor-1' }, user: { token: 't', email: 'e' } };
    const masked = maskJson(body, {
      redact: compilePaths(['$.user.email']),
      keep: compilePaths(['$.page.next_token']),
      mark,
    });
    expect(masked).toEqual({
      page: { next_token: 'opaque-cursor-1' },
      user: { token: '<1>', email: REDACTED },
    });
  });

  it('masks form fields by name and by shape, the rest byte for byte', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    expect(maskForm(`user=ann&password=p%40ss&next=%2Fhome&t=${jwt}`, { mark })).toBe(
      `user=ann&password=<4>&next=%2Fhome&t=<${jwt.length}>`,
    );
  });

  it('masks named fields in JSON cut short, where parsing fails', () => {
    expect(maskText('{"user":{"name":"ann","password":"hunter2","tok', { mark })).toBe(
      '{"user":{"name":"ann","password":"<7>","tok',
    );
  });
});
