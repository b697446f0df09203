/**
 * A route's `methods`: each one a method Node's parser accepts, in upper case as clients send it. A
 * typo or a lower-case name would leave the route unmatched by every real request, silently.
 */
import { METHODS } from 'node:http';
import { describe, expect, it } from 'vitest';
import { loadRoutesConfig } from './load-routes-config.ts';
import { HTTP_METHODS, IDEMPOTENT_METHODS, SAFE_METHODS } from './http-methods.ts';

const routesWith = (methods: string) => `version: 1
legacy: http://127.0.0.1:4000
services:
  catalog: http://127.0.0.1:4001
routes:
  - id: products
    path: /api/products
    methods: ${methods}
    service: catalog
    stage: legacy
`;

function problems(methods: string) {
  const result = loadRoutesConfig(routesWith(methods), { file: 'routes.yaml', env: {} });
  return result.ok ? [] : result.problems;
}

describe('route methods', () => {
  it('are the methods Node’s HTTP parser accepts', () => {
    expect([...HTTP_METHODS]).toEqual(METHODS);
  });

  it('accepts upper-case names, M-SEARCH included', () => {
    expect(problems('[GET, HEAD, M-SEARCH, PATCH]')).toEqual([]);
  });

  it('reports a misspelt method at its place, with the method it most likely means', () => {
    expect(problems('[GET, HAED]')).toMatchObject([
      {
        code: 'CONFIG_INVALID_VALUE',
        line: 8,
        column: 20,
        routeId: 'products',
        path: 'routes[0].methods[1]',
        message: expect.stringContaining('"HAED" is not an HTTP method (did you mean "HEAD"?)') as string,
      },
    ]);
    expect(problems('[FETCH]')[0]?.message).toMatch(/"FETCH" is not an HTTP method$/);
  });

  it('reports lower-case names, each with its upper-case name', () => {
    const found = problems('[get, head]');
    expect(found.map((problem) => [problem.code, problem.line, problem.column])).toEqual([
      ['CONFIG_INVALID_VALUE', 8, 15],
      ['CONFIG_INVALID_VALUE', 8, 20],
    ]);
    expect(found[0]?.message).toContain('"get": methods are written in upper case (did you mean "GET"?)');
    expect(found[1]?.message).toContain('(did you mean "HEAD"?)');
  });
});

describe('method safety (RFC 9110 §9.2)', () => {
  it('names the safe methods, and the idempotent ones as the safe ones plus PUT and DELETE', () => {
    expect([...SAFE_METHODS].sort()).toEqual(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
    expect([...IDEMPOTENT_METHODS].sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PUT', 'TRACE']);
    for (const method of [...SAFE_METHODS, ...IDEMPOTENT_METHODS]) expect(HTTP_METHODS).toContain(method);
  });
});
