/**
 * Routes that can never win. By {@link comparePrecedence}, a route whose paths are a strict subset of another
 * route's always beats it, so only routes of the same {@link PathPattern.shape} can take all of a route's
 * requests, and then only the earlier ones (equal specificity falls back to file order).
 *
 * Route R is unreachable when the earlier same-shape routes whose header conditions R's conditions imply
 * (each of their conditions is one of R's, or asks for presence of a header R pins to a value) together
 * accept every method R accepts. The rule is exact: an earlier route with a condition R does not imply can
 * always be dodged by a request R takes (leave that header out, or give it another value), and without
 * negative conditions no combination of such routes covers R either.
 */
import type { CompiledRoute, HeaderCondition } from './compile-route.ts';

export interface UnreachableRoute {
  readonly route: CompiledRoute;
  /** Earlier routes that together take every request `route` could (at least one). */
  readonly coveredBy: readonly CompiledRoute[];
}

/** Every unreachable route with the routes that cover it, in file order. */
export function findUnreachableRoutes(routes: readonly CompiledRoute[]): UnreachableRoute[] {
  const byShape = new Map<string, CompiledRoute[]>();
  for (const route of [...routes].sort((a, b) => a.index - b.index)) {
    const group = byShape.get(route.pattern.shape);
    if (group === undefined) byShape.set(route.pattern.shape, [route]);
    else group.push(route);
  }
  const unreachable: UnreachableRoute[] = [];
  for (const group of byShape.values()) {
    // Fast path for long groups: everything after a route without methods or headers is covered by it.
    const catchAll = group.find((route) => route.methods === null && route.headers.length === 0);
    group.forEach((route, position) => {
      if (catchAll !== undefined && catchAll.index < route.index) {
        unreachable.push({ route, coveredBy: [catchAll] });
        return;
      }
      const earlier = group
        .slice(0, position)
        .filter((other) => impliesConditions(route.headers, other.headers));
      const coveredBy = coveringRoutes(route, earlier);
      if (coveredBy !== undefined) unreachable.push({ route, coveredBy });
    });
  }
  return unreachable.sort((a, b) => a.route.index - b.route.index);
}

/** Whether every request meeting `conditions` meets `others`. */
export function impliesConditions(
  conditions: readonly HeaderCondition[],
  others: readonly HeaderCondition[],
): boolean {
  return others.every((other) =>
    conditions.some(
      (own) =>
        own.name === other.name &&
        (other.value === null || (own.value !== null && own.value === other.value)),
    ),
  );
}

/** The fewest earlier routes (greedy, in file order) whose methods cover the route's, or undefined. */
function coveringRoutes(
  route: CompiledRoute,
  candidates: readonly CompiledRoute[],
): CompiledRoute[] | undefined {
  const everyMethod = candidates.find((candidate) => candidate.methods === null);
  if (everyMethod !== undefined) return [everyMethod];
  if (route.methods === null) return undefined;
  const needed = new Set(route.methods);
  const chosen: CompiledRoute[] = [];
  for (const candidate of candidates) {
    const takes = [...needed].filter((method) => candidate.methods?.has(method));
    if (takes.length === 0) continue;
    chosen.push(candidate);
    for (const method of takes) needed.delete(method);
    if (needed.size === 0) return chosen;
  }
  return undefined;
}
