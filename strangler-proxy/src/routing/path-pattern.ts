/**
 * Route path patterns: `/api/products/:id` is a segment prefix; `:name` matches exactly one segment. Literal
 * segments are normalised exactly like request paths ({@link normalizeSegment}), so `/%7Euser` and `/~user`
 * are the same pattern and a pattern can only be written in a form some request can reach.
 */
import { isAmbiguousSegment, isPathError, normalizeSegment } from './normalize-path.ts';

export type PatternSegment =
  { readonly kind: 'literal'; readonly value: string } | { readonly kind: 'param'; readonly name: string };

export interface PathPattern {
  readonly segments: readonly PatternSegment[];
  /** The normalised pattern, e.g. `/api/products/:id`: a low-cardinality label for metrics. */
  readonly template: string;
  readonly literalCount: number;
  /**
   * Equal for patterns that match exactly the same paths (param names erased): `/api/:/reviews`.
   * Two routes with one shape differ only by methods, headers and file order.
   */
  readonly shape: string;
}

export type ParsedPattern =
  | { readonly ok: true; readonly pattern: PathPattern }
  | { readonly ok: false; readonly problems: readonly string[] };

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parses and normalises a route pattern, reporting every problem in it.
 *
 * @example parsePathPattern('/api/products/:id') // → ok, template '/api/products/:id', literalCount 2
 * @example parsePathPattern('/api//:') // → problems: empty segment, ':' without a name
 */
export function parsePathPattern(text: string): ParsedPattern {
  if (!text.startsWith('/')) return { ok: false, problems: ['a path pattern starts with "/"'] };
  const problems: string[] = [];
  const segments: PatternSegment[] = [];
  const names = new Set<string>();
  const pieces = text === '/' ? [] : text.slice(1).split('/');
  pieces.forEach((piece, i) => {
    const problem = parsePiece(piece, i === pieces.length - 1, names, segments);
    if (problem !== undefined) problems.push(problem);
  });
  if (problems.length > 0) return { ok: false, problems };
  const template = '/' + segments.map((s) => (s.kind === 'param' ? ':' + s.name : s.value)).join('/');
  const shape = '/' + segments.map((s) => (s.kind === 'param' ? ':' : s.value)).join('/');
  const literalCount = segments.filter((s) => s.kind === 'literal').length;
  return { ok: true, pattern: { segments, template, literalCount, shape } };
}

function parsePiece(
  piece: string,
  isLast: boolean,
  names: Set<string>,
  segments: PatternSegment[],
): string | undefined {
  if (piece === '') {
    return isLast
      ? 'trailing "/": patterns are prefixes, write it without the slash'
      : 'empty segment ("//")';
  }
  if (piece.startsWith(':')) {
    const name = piece.slice(1);
    if (name === '') return '":" without a parameter name';
    if (!PARAM_NAME.test(name)) return `parameter name "${name}" must be letters, digits and "_"`;
    if (names.has(name)) return `parameter ":${name}" appears twice`;
    names.add(name);
    segments.push({ kind: 'param', name });
    return undefined;
  }
  if (piece === '*' || piece === '**') {
    return `"${piece}" is not a wildcard here: patterns are prefixes (/api already matches /api/anything)`;
  }
  if (piece.includes('?')) return 'a path pattern has no query ("?")';
  let value: string;
  try {
    value = normalizeSegment(piece);
  } catch (error) {
    if (isPathError(error)) return `segment "${piece}": ${error.message}`;
    throw error;
  }
  if (value === '.' || value === '..' || isAmbiguousSegment(value)) {
    return `segment "${piece}" is a dot segment: requests never contain it after normalisation`;
  }
  segments.push({ kind: 'literal', value });
  return undefined;
}
