import { describe, expect, it } from 'vitest';
import { parsePathPattern } from './path-pattern.ts';

describe('parsePathPattern', () => {
  it('parses literals and params, normalised like requests', () => {
    const parsed = parsePathPattern('/api/%7eusers/:id/files/a%2fb');
    expect(parsed).toMatchObject({
      ok: true,
      pattern: {
        template: '/api/~users/:id/files/a%2Fb',
        shape: '/api/~users/:/files/a%2Fb',
        literalCount: 4,
        segments: [
          { kind: 'literal', value: 'api' },
          { kind: 'literal', value: '~users' },
          { kind: 'param', name: 'id' },
          { kind: 'literal', value: 'files' },
          { kind: 'literal', value: 'a%2Fb' },
        ],
      },
    });
  });

  it('accepts the root pattern', () => {
    expect(parsePathPattern('/')).toMatchObject({
      ok: true,
      pattern: { template: '/', segments: [], literalCount: 0 },
    });
  });

  it('gives equal shapes to patterns differing only by param names', () => {
    const a = parsePathPattern('/a/:x/b');
    const b = parsePathPattern('/a/:y/b');
    expect(a.ok && b.ok && a.pattern.shape === b.pattern.shape).toBe(true);
  });

  it.each([
    ['api', /starts with "\/"/],
    ['/api//x', /empty segment/],
    ['/api/', /trailing "\/"/],
    ['/api/:', /without a parameter name/],
    ['/api/:1x', /parameter name/],
    ['/a/:id/b/:id', /appears twice/],
    ['/api/*', /not a wildcard/],
    ['/api/**', /not a wildcard/],
    ['/api?x=1', /no query/],
    ['/api/%zz', /two hex digits/],
    ['/api/../x', /dot segment/],
    ['/api/%2E', /dot segment/],
    ['/api/..;x', /dot segment/],
    ['/a b', /not allowed/],
  ])('refuses %j', (text, message) => {
    const parsed = parsePathPattern(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems.join('\n')).toMatch(message);
  });

  it('reports every problem of a pattern', () => {
    const parsed = parsePathPattern('/a//:/*');
    expect(parsed.ok ? [] : parsed.problems).toHaveLength(3);
  });
});
