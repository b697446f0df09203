import { describe, expect, it } from 'vitest';
import { routeSchema, type RouteConfig } from '../config/schema.ts';
import { compileRoute } from './compile-route.ts';
import { findUnreachableRoutes, impliesConditions } from './unreachable-routes.ts';

type RouteFields = Partial<RouteConfig> & Pick<RouteConfig, 'id' | 'path'>;
const compile = (routes: RouteFields[], caseSensitive: boolean) =>
  routes.map((fields, index) =>
    compileRoute(routeSchema.parse({ service: 's', stage: 'legacy', ...fields }), index, caseSensitive),
  );

const unreachable = (routes: RouteFields[], caseSensitive = true) =>
  findUnreachableRoutes(compile(routes, caseSensitive)).map(({ route, coveredBy }) => [
    route.id,
    coveredBy.map((r) => r.id),
  ]);

describe('findUnreachableRoutes', () => {
  it('finds a later route with the same pattern (param names aside)', () => {
    expect(
      unreachable([
        { id: 'a', path: '/x/:id' },
        { id: 'b', path: '/x/:other' },
      ]),
    ).toEqual([['b', ['a']]]);
  });

  it('finds a later route whose pattern differs only in case when paths ignore case', () => {
    const routes = [
      { id: 'a', path: '/api/orders' },
      { id: 'b', path: '/API/Orders' },
    ];
    expect(unreachable(routes, false)).toEqual([['b', ['a']]]);
    expect(unreachable(routes, true)).toEqual([]);
  });

  it('never blames a prefix: the longer pattern wins, so it stays reachable', () => {
    expect(
      unreachable([
        { id: 'a', path: '/x' },
        { id: 'b', path: '/x/:id' },
        { id: 'c', path: '/x/y' },
      ]),
    ).toEqual([]);
  });

  it('considers methods: covered only when earlier routes take all of them', () => {
    expect(
      unreachable([
        { id: 'a', path: '/x', methods: ['GET'] },
        { id: 'b', path: '/x' },
      ]),
    ).toEqual([]);
    expect(
      unreachable([
        { id: 'a', path: '/x' },
        { id: 'b', path: '/x', methods: ['GET'] },
      ]),
    ).toEqual([['b', ['a']]]);
    expect(
      unreachable([
        { id: 'a', path: '/x', methods: ['GET'] },
        { id: 'b', path: '/x', methods: ['POST'] },
        { id: 'c', path: '/x', methods: ['GET', 'POST'] },
        { id: 'd', path: '/x', methods: ['GET', 'PUT'] },
      ]),
    ).toEqual([['c', ['a', 'b']]]);
  });

  it('considers header conditions: only earlier conditions the later route implies cover it', () => {
    expect(
      unreachable([
        { id: 'a', path: '/x', headers: { 'x-beta': '1' } },
        { id: 'b', path: '/x' },
      ]),
    ).toEqual([]);
    expect(
      unreachable([
        { id: 'a', path: '/x' },
        { id: 'b', path: '/x', headers: { 'x-beta': '1' } },
      ]),
    ).toEqual([['b', ['a']]]);
    expect(
      unreachable([
        { id: 'a', path: '/x', headers: { 'X-Beta': '*' } },
        { id: 'b', path: '/x', headers: { 'x-beta': '1', t: '2' } },
      ]),
    ).toEqual([['b', ['a']]]);
    expect(
      unreachable([
        { id: 'a', path: '/x', headers: { 'x-beta': '1' } },
        { id: 'b', path: '/x', headers: { 'x-beta': '*' } },
      ]),
    ).toEqual([]);
    expect(
      unreachable([
        { id: 'a', path: '/x', headers: { 'x-beta': '1' } },
        { id: 'b', path: '/x', headers: { 'x-beta': '2' } },
      ]),
    ).toEqual([]);
  });

  it('implication of header conditions', () => {
    const [own, other] = [
      [
        { name: 'a', value: '1' },
        { name: 'b', value: null },
      ],
      [{ name: 'a', value: null }],
    ];
    expect(impliesConditions(own, other)).toBe(true);
    expect(impliesConditions(other, own)).toBe(false);
    expect(impliesConditions([], [])).toBe(true);
  });
});
