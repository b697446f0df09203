/**
 * Property-based tests of the routing core: normalisation never throws anything but PathError and is
 * idempotent; the table always picks what a brute-force reading of the precedence rules picks, on exactly
 * the segments of the path that will be forwarded; sticky cohorts only grow.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { routeSchema, type RouteConfig } from '../../src/config/schema.ts';
import { createTrafficSplit } from '../../src/routing/choose-side.ts';
import {
  MAX_PATH_LENGTH,
  PathError,
  normalizePath,
  normalizeRequestTarget,
} from '../../src/routing/normalize-path.ts';
import { parsePathPattern } from '../../src/routing/path-pattern.ts';
import { createRouteTable } from '../../src/routing/route-table.ts';

const runs = { numRuns: 2000 };

/** Pieces that exercise every normalisation rule. */
const piece = fc.constantFrom(
  '/',
  '//',
  '.',
  '..',
  '%2e',
  '%2E',
  '%2e%2E',
  'a',
  'b',
  'c',
  'api',
  '%61',
  '%7e',
  '%7E',
  '~',
  '%2f',
  '%2F',
  '%5c',
  '%25',
  '%',
  '%4',
  '%zz',
  ';',
  ';x',
  '?',
  '&',
  '=',
  '#',
  '\\',
  ' ',
  '\u0000',
  '\u007f',
  '\n',
  'é',
  '%C3%A9',
  '-',
  '_',
  ':',
  '@',
  '!',
  '*',
  '|',
  '{',
  '"',
);
const target = fc.array(piece, { maxLength: 24 }).map((pieces) => pieces.join(''));
const originTarget = target.map((text) => (text.startsWith('/') ? text : `/${text}`));

describe('normalizePath properties', () => {
  it('never throws anything but PathError, and the result variant never throws', () => {
    fc.assert(
      fc.property(fc.oneof(target, originTarget, fc.string(), fc.string({ unit: 'binary' })), (text) => {
        try {
          normalizePath(text);
        } catch (error) {
          expect(error).toBeInstanceOf(PathError);
        }
        const result = normalizeRequestTarget(text);
        expect(typeof result.ok).toBe('boolean');
      }),
      runs,
    );
  });

  it('is idempotent and yields clean segments', () => {
    fc.assert(
      fc.property(originTarget, (text) => {
        const result = normalizeRequestTarget(text);
        if (!result.ok) return;
        const again = normalizePath(result.path + result.query);
        expect(again.path).toBe(result.path);
        expect(again.query).toBe(result.query);
        expect(again.segments).toEqual(result.segments);
        const joined = '/' + result.segments.join('/');
        expect([joined, joined + '/']).toContain(result.path);
        for (const segment of result.segments) {
          expect(segment).not.toMatch(/^\.\.?$|\/|^$/);
          expect(segment).not.toMatch(/%[0-9A-F]?[a-f]|%(?:[46][1-9A-F]|[57][0-9A]|3[0-9]|2[DE]|5F|7E)/);
        }
      }),
      runs,
    );
  });

  it('refuses every path longer than the limit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: MAX_PATH_LENGTH + 1, max: MAX_PATH_LENGTH * 4 }),
        fc.constantFrom('a', '/', '%41'),
        (length, unit) => {
          const path = ('/' + unit.repeat(length)).slice(0, length);
          const result = normalizeRequestTarget(path);
          expect(result.ok ? undefined : result.error.code).toBe('PATH_TOO_LONG');
        },
      ),
      { numRuns: 50 },
    );
  });
});

const segment = fc.constantFrom('a', 'b', 'c', 'A', 'B', '~x', 'a%2Fb', 'A%2fB', ':p', ':q');
const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE');
const routeFields = fc.record({
  segments: fc.array(segment, { maxLength: 4 }),
  methods: fc.option(fc.uniqueArray(method, { minLength: 1, maxLength: 3 }), { nil: undefined }),
  headers: fc.option(
    fc.dictionary(fc.constantFrom('x-a', 'x-b'), fc.constantFrom('1', '2', '*'), { maxKeys: 2 }),
    {
      nil: undefined,
    },
  ),
});

function toRoutes(
  fields: {
    segments: string[];
    methods?: string[] | undefined;
    headers?: Record<string, string> | undefined;
  }[],
): RouteConfig[] {
  return fields.map((f, i) => {
    // Param names must be distinct within one pattern.
    const segments = f.segments.map((s, j) => (s.startsWith(':') ? `${s}${j}` : s));
    return routeSchema.parse({
      id: `r${i}`,
      path: '/' + segments.join('/'),
      service: 's',
      stage: 'legacy',
      methods: f.methods,
      headers: f.headers,
    });
  });
}

/**
 * The precedence rules read literally, over every route: more literals, then more segments, then file
 * order. Without case sensitivity, a literal equals a segment when both lowercased do.
 */
function reference(
  routes: RouteConfig[],
  method: string,
  segments: readonly string[],
  headers: Record<string, string>,
  caseSensitive: boolean,
): string | null {
  const same = (a: string, b: string | undefined) =>
    caseSensitive ? a === b : a.toLowerCase() === b?.toLowerCase();
  let best: { id: string; key: [number, number, number] } | null = null;
  routes.forEach((route, index) => {
    const parsed = parsePathPattern(route.path);
    if (!parsed.ok) throw new Error(route.path);
    const pattern = parsed.pattern.segments;
    if (pattern.length > segments.length) return;
    if (!pattern.every((s, i) => s.kind === 'param' || same(s.value, segments[i]))) return;
    if (route.methods && !route.methods.includes(method)) return;
    for (const [name, value] of Object.entries(route.headers ?? {})) {
      const got = headers[name.toLowerCase()];
      if (got === undefined || (value !== '*' && got !== value)) return;
    }
    const key: [number, number, number] = [parsed.pattern.literalCount, pattern.length, -index];
    if (
      best === null ||
      key[0] > best.key[0] ||
      (key[0] === best.key[0] && (key[1] > best.key[1] || (key[1] === best.key[1] && key[2] > best.key[2])))
    ) {
      best = { id: route.id, key };
    }
  });
  return (best as { id: string } | null)?.id ?? null;
}

describe('route table properties', () => {
  const request = fc.record({
    pieces: fc.array(
      fc.oneof(
        segment.filter((s) => !s.startsWith(':')),
        piece,
      ),
      { maxLength: 10 },
    ),
    method: fc.oneof(method, fc.string({ maxLength: 8 })),
    headers: fc.dictionary(fc.constantFrom('x-a', 'x-b', 'x-c'), fc.constantFrom('1', '2', ''), {
      maxKeys: 3,
    }),
  });

  it('picks what the precedence rules pick, on the segments of the forwarded path', () => {
    fc.assert(
      fc.property(
        fc.array(routeFields, { maxLength: 12 }),
        request,
        fc.boolean(),
        (fields, { pieces, method, headers }, caseSensitive) => {
          const routes = toRoutes(fields);
          const table = createRouteTable(routes, { caseSensitive });
          const normalized = normalizeRequestTarget('/' + pieces.join('/'));
          if (!normalized.ok) return;
          const header = (name: string) => headers[name];
          const matched = table.match({ method, segments: normalized.segments, header })?.id ?? null;
          expect(matched).toBe(reference(routes, method, normalized.segments, headers, caseSensitive));
          // What is forwarded routes the same way if a second proxy (or a reload) reads it again.
          const forwarded = normalizePath(normalized.path + normalized.query);
          expect(table.match({ method, segments: forwarded.segments, header })?.id ?? null).toBe(matched);
        },
      ),
      runs,
    );
  });
});

describe('sticky split properties', () => {
  it('a user in the cohort at p is in it at every q ≥ p, and stays put across requests', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (routeId, user, a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          const request = { header: (name: string) => (name === 'x-user' ? user : undefined) };
          const at = (percent: number) => createTrafficSplit({ routeId, percent, sticky: 'header:x-user' });
          const inLow = at(low).includes(request, Math.random);
          expect(at(low).includes(request, Math.random)).toBe(inLow);
          if (inLow) expect(at(high).includes(request, Math.random)).toBe(true);
        },
      ),
      runs,
    );
  });
});
