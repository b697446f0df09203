/**
 * A route compiled once at load: its parsed pattern, method set and header conditions, precedence rank and
 * side policy, so matching a request only compares precomputed values.
 */
import type { LoadedRoute } from '../config/routes-config.ts';
import { createSidePolicy, type SidePolicy } from './choose-side.ts';
import { foldPattern } from './path-case.ts';
import { parsePathPattern, type PathPattern } from './path-pattern.ts';

/** `value: null` means "present with any value" (`'*'` in routes.yaml). Names are lowercase. */
export interface HeaderCondition {
  readonly name: string;
  readonly value: string | null;
}

/** What a route narrows on besides the path. */
export interface MatchRequest {
  /** As received; compared case-sensitively with the route's methods (upper case: validation says so). */
  readonly method: string;
  /** A request header by lowercase name, or `undefined` when absent. */
  header(name: string): string | undefined;
}

export interface CompiledRoute {
  readonly route: LoadedRoute;
  readonly id: string;
  /** Position in routes.yaml (0-based). */
  readonly index: number;
  /** Precedence over all routes of the table: 0 wins over everything ({@link comparePrecedence}). */
  readonly rank: number;
  /** The pattern as matched: literal segments and shape lowercased when paths ignore case. */
  readonly pattern: PathPattern;
  /** `/api/products/:id` as written: the label for metrics and logs. */
  readonly template: string;
  /** `null`: every method. */
  readonly methods: ReadonlySet<string> | null;
  readonly headers: readonly HeaderCondition[];
  readonly sides: SidePolicy;
}

let compilations = 0;

/** How many routes this process has compiled: what tests count to see that a load compiles each once. */
export function compiledRouteCount(): number {
  return compilations;
}

/**
 * Compiles a validated route; `caseSensitive` is the table's `proxy.caseSensitive`.
 *
 * @throws {TypeError} for a pattern the loader would have refused.
 */
export function compileRoute(
  route: LoadedRoute,
  index: number,
  caseSensitive: boolean,
  rank = index,
): CompiledRoute {
  compilations += 1;
  const parsed = parsePathPattern(route.path);
  if (!parsed.ok)
    throw new TypeError(`route ${route.id}: invalid path pattern: ${parsed.problems.join('; ')}`);
  return Object.freeze({
    route,
    id: route.id,
    index,
    rank,
    pattern: foldPattern(parsed.pattern, caseSensitive),
    template: parsed.pattern.template,
    methods: route.methods ? new Set(route.methods) : null,
    headers: Object.freeze(compileHeaderConditions(route.headers ?? {})),
    sides: createSidePolicy(route),
  });
}

/** Header conditions with lowercase names; `'*'` becomes `value: null`. */
export function compileHeaderConditions(headers: Readonly<Record<string, string>>): HeaderCondition[] {
  return Object.entries(headers).map(([name, value]) => ({
    name: name.toLowerCase(),
    value: value === '*' ? null : value,
  }));
}

/** Whether the route takes this method. */
export function acceptsMethod(route: CompiledRoute, method: string): boolean {
  return route.methods === null || route.methods.has(method);
}

/** The first header condition the request fails, or `undefined` when it meets them all. */
export function failedHeaderCondition(
  route: CompiledRoute,
  request: Pick<MatchRequest, 'header'>,
): HeaderCondition | undefined {
  for (const condition of route.headers) {
    const value = request.header(condition.name);
    if (value === undefined || (condition.value !== null && value !== condition.value)) return condition;
  }
  return undefined;
}

/** Whether the route takes the request, its path aside. */
export function acceptsRequest(route: CompiledRoute, request: MatchRequest): boolean {
  return acceptsMethod(route, request.method) && failedHeaderCondition(route, request) === undefined;
}
