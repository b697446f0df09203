/**
 * The route table: routes compiled once (at load and at each reload) into a segment trie, so that a lookup
 * walks the request's segments, not the list of routes. Per request: one Map lookup per segment (plus the
 * `:param` branch where the trie has one), no allocation but the lowercased copy of a request's segments
 * that have uppercase letters when case does not count; 10,000 routes cost what 10 do.
 *
 * Patterns are prefixes on segment boundaries: `/api/products` matches `/api/products` and
 * `/api/products/7`, never `/api/productsX`. Unless `caseSensitive`, they also match `/API/Products/7`
 * ({@link foldSegments}: the request's segments are lowercased once, the table's patterns at build).
 * Among the routes whose pattern matches and whose methods and header conditions accept the request, the
 * winner is decided by {@link comparePrecedence}.
 */
import type { LoadedRoute } from '../config/routes-config.ts';
import { acceptsRequest, compileRoute, type CompiledRoute, type MatchRequest } from './compile-route.ts';
import { foldSegments } from './path-case.ts';
import { comparePrecedence } from './precedence.ts';

/** A request as the table sees it: normalised segments ({@link normalizePath}), method, headers. */
export interface RouteRequest extends MatchRequest {
  readonly segments: readonly string[];
}

export interface RouteTableOptions {
  /** `proxy.caseSensitive`: whether `/API/x` and `/api/x` are different paths to the table. */
  readonly caseSensitive: boolean;
}

export interface RouteTable {
  /** Every route, in file order. */
  readonly routes: readonly CompiledRoute[];
  readonly caseSensitive: boolean;
  /** The winning route, or `null` when the request belongs to the legacy monolith. */
  match(request: RouteRequest): CompiledRoute | null;
}

interface TrieNode {
  readonly literals: Map<string, TrieNode>;
  param: TrieNode | null;
  /** Routes whose pattern ends here, best rank first. */
  readonly routes: CompiledRoute[];
  /** The best rank in this subtree: a subtree that cannot beat the current winner is skipped. */
  bestRank: number;
}

/**
 * Compiles routes (validated by the loader, in file order) into a table.
 *
 * @example
 * const table = createRouteTable(config.routes, { caseSensitive: config.proxy.caseSensitive });
 * const { segments } = normalizePath(req.url);
 * const route = table.match({ method: req.method, segments, header: (name) => headerOf(req, name) });
 */
export function createRouteTable(routes: readonly LoadedRoute[], options: RouteTableOptions): RouteTable {
  const { caseSensitive } = options;
  return createRouteTableOf(
    routes.map((route, index) => compileRoute(route, index, caseSensitive)),
    options,
  );
}

/**
 * A table of routes already compiled ({@link compileRoute} with the same `caseSensitive`, each with its
 * file position as `index`), in file order: for a caller that compiles them a slice at a time.
 */
export function createRouteTableOf(
  provisional: readonly CompiledRoute[],
  options: RouteTableOptions,
): RouteTable {
  const { caseSensitive } = options;
  const rankOf = new Map(
    provisional
      .slice()
      .sort(comparePrecedence)
      .map((route, rank) => [route, rank]),
  );
  const compiled = provisional.map((route) => Object.freeze({ ...route, rank: rankOf.get(route) ?? 0 }));
  const root = createNode();
  for (const route of compiled) insert(root, route);
  finish(root);
  return Object.freeze({
    routes: Object.freeze(compiled),
    caseSensitive,
    match: (request: RouteRequest) =>
      search(root, foldSegments(request.segments, caseSensitive), request, 0, null),
  });
}

function createNode(): TrieNode {
  return { literals: new Map(), param: null, routes: [], bestRank: Infinity };
}

function insert(root: TrieNode, route: CompiledRoute): void {
  let node = root;
  for (const segment of route.pattern.segments) {
    if (segment.kind === 'param') {
      node.param ??= createNode();
      node = node.param;
    } else {
      let next = node.literals.get(segment.value);
      if (next === undefined) {
        next = createNode();
        node.literals.set(segment.value, next);
      }
      node = next;
    }
  }
  node.routes.push(route);
}

function finish(node: TrieNode): number {
  node.routes.sort((a, b) => a.rank - b.rank);
  let best = node.routes[0]?.rank ?? Infinity;
  for (const child of node.literals.values()) best = Math.min(best, finish(child));
  if (node.param !== null) best = Math.min(best, finish(node.param));
  node.bestRank = best;
  return best;
}

function search(
  node: TrieNode,
  segments: readonly string[],
  request: MatchRequest,
  depth: number,
  winner: CompiledRoute | null,
): CompiledRoute | null {
  if (winner !== null && node.bestRank >= winner.rank) return winner;
  let best = winner;
  for (const route of node.routes) {
    if (best !== null && route.rank >= best.rank) break;
    if (acceptsRequest(route, request)) {
      best = route;
      break;
    }
  }
  const segment = segments[depth];
  if (segment === undefined) return best;
  const literal = node.literals.get(segment);
  if (literal !== undefined) best = search(literal, segments, request, depth + 1, best);
  if (node.param !== null) best = search(node.param, segments, request, depth + 1, best);
  return best;
}
