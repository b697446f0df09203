/**
 * Moves a route in the TEXT of routes.yaml: the `stage` value and `canary.percent` are replaced in place
 * (or a `canary:` entry is inserted, or a stale one removed on leaving canary), every other byte of the
 * file is kept — comments, quoting, order,
 * blank lines, CRLF line endings. The document is never re-serialised: the parser's source ranges locate
 * the exact bytes, and the result is spliced.
 *
 * Pure (the file's I/O lives in edit-routes-file.ts). The result is re-parsed and must mean exactly the
 * original with the one route moved, or a {@link PromoteError} is thrown instead.
 */
import { isDeepStrictEqual } from 'node:util';
import { isAlias, isMap, isScalar, isSeq, parseDocument, visit } from 'yaml';
import type { Document, Pair, Scalar, YAMLMap } from 'yaml';
import { PromoteError } from './errors.ts';
import type { Position } from './plan.ts';

/** Replace `text.slice(start, end)` by `text`. */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface RouteTextEdit {
  /** The whole edited file. */
  readonly text: string;
  /** The splices made, in file order (empty when the route already was at the position). */
  readonly edits: readonly TextEdit[];
}

type Node = Scalar | YAMLMap;

export interface RouteTextEditOptions {
  /**
   * A one-line note written as a comment line just above the route's `stage:` (e.g.
   * `promote shadow → canary 1%: catalog team signed off`), so that the file's diff says why. A note left
   * there by an earlier move is replaced rather than piled up: the decision ledger keeps the history.
   */
  readonly note?: string;
}

/** Moves route `routeId` to `position` in routes.yaml text. */
export function editRouteText(
  text: string,
  routeId: string,
  position: Position,
  options: RouteTextEditOptions = {},
): RouteTextEdit {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new PromoteError(
      'PROMOTE_INVALID_CONFIG',
      'the routes file is not valid YAML',
      doc.errors.map((error) => error.message),
    );
  }
  const route = findRoute(doc, routeId);
  const edits = planEdits(doc, text, route, routeId, position);
  if (options.note !== undefined && edits.length > 0)
    edits.push(noteEdit(text, route, routeId, options.note));
  const edited = applyEdits(text, edits);
  verify(text, edited, routeId, position);
  return { text: edited, edits };
}

/** Applies non-overlapping edits (in any order). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  let result = '';
  let cursor = 0;
  for (const edit of sorted) {
    result += text.slice(cursor, edit.start) + edit.text;
    cursor = edit.end;
  }
  return result + text.slice(cursor);
}

function findRoute(doc: Document, routeId: string): YAMLMap {
  const routes = doc.get('routes', true);
  const matches: YAMLMap[] = [];
  const known: string[] = [];
  if (isSeq(routes)) {
    for (const item of routes.items) {
      if (isAlias(item)) {
        const target = item.resolve(doc);
        if (isMap(target) && idOf(target) === routeId) {
          throw unsupported(routeId, 'the route is an alias (*name) of another node');
        }
        continue;
      }
      if (!isMap(item)) continue;
      const id = idOf(item);
      if (id === undefined) continue;
      known.push(id);
      if (id === routeId) matches.push(item);
    }
  }
  if (matches.length > 1) {
    throw new PromoteError('PROMOTE_DUPLICATE_ROUTE', `${matches.length} routes have the id "${routeId}"`);
  }
  const [route] = matches;
  if (!route) {
    throw new PromoteError(
      'PROMOTE_ROUTE_NOT_FOUND',
      `no route has the id "${routeId}"`,
      known.length > 0 ? [`routes in the file: ${known.join(', ')}`] : ['the file has no routes'],
    );
  }
  return route;
}

function idOf(route: YAMLMap): string | undefined {
  const value = pairOf(route, 'id')?.value;
  if (!isScalar(value)) return undefined;
  const id = value.value;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((pair) => isScalar(pair.key) && pair.key.value === key);
}

function planEdits(
  doc: Document,
  text: string,
  route: YAMLMap,
  routeId: string,
  position: Position,
): TextEdit[] {
  const edits: TextEdit[] = [];
  const stagePair = pairOf(route, 'stage');
  const stage = stagePair?.value;
  if (!stagePair || !isScalar(stage) || !stage.range) {
    throw unsupported(routeId, 'its `stage` is not a plain key with a scalar value (merge key or alias?)');
  }
  if (stage.value !== position.stage) edits.push(replaceScalar(stage, position.stage, routeId));
  const canaryPair = pairOf(route, 'canary');
  if (position.stage !== 'canary') {
    if (canaryPair && isStaleCanary(canaryPair)) edits.push(removePair(text, route, canaryPair, routeId));
    return edits;
  }

  if (canaryPair) {
    const canary = canaryPair.value;
    const percent = isMap(canary) ? pairOf(canary, 'percent')?.value : undefined;
    if (!isScalar(percent) || !percent.range) {
      throw unsupported(routeId, 'its `canary` is not a map with a scalar `percent`');
    }
    if (percent.value !== position.percent || percent.type !== 'PLAIN') {
      edits.push({ start: percent.range[0], end: percent.range[1], text: String(position.percent) });
    }
    return edits;
  }
  edits.push(insertCanary(doc, text, route, stagePair.key as Node, stage, position.percent, routeId));
  return edits;
}

/**
 * A `canary` block outside stage canary is stale when it holds nothing but the share: left behind, it
 * reads as if the route still served that share. One that also holds `sticky` is kept: the route needs
 * that setting again if it returns to canary, and a lost one would let users' sides flip.
 */
function isStaleCanary(pair: Pair): boolean {
  const canary = pair.value;
  return isMap(canary) && canary.items.every((item) => isScalar(item.key) && item.key.value === 'percent');
}

/**
 * Removes one key and its value from a route: in a flow map with the comma before it (or after it, for
 * the first key), in a block map with its whole lines (comments inside the value go with it).
 */
function removePair(text: string, route: YAMLMap, pair: Pair, routeId: string): TextEdit {
  const key = pair.key as Node;
  const value = pair.value as Node | null;
  const keyStart = key.range?.[0];
  const valueEnd = value?.range?.[1] ?? key.range?.[1];
  if (keyStart === undefined || valueEnd === undefined) {
    throw unsupported(routeId, 'its `canary` key has no source position');
  }
  const index = route.items.indexOf(pair);
  const next = route.items[index + 1]?.key as Node | undefined;
  if (route.flow) {
    const previous = route.items[index - 1]?.value as Node | null | undefined;
    const previousEnd = previous?.range?.[1];
    if (previousEnd !== undefined) return { start: previousEnd, end: valueEnd, text: '' };
    const nextStart = next?.range?.[0];
    if (nextStart === undefined) throw unsupported(routeId, '`canary` is its only key');
    return { start: keyStart, end: nextStart, text: '' };
  }
  const start = lineStart(text, keyStart);
  if (text.slice(start, keyStart).trim() !== '') {
    // The route's first key, after `- `: keep the dash, take up to the next key.
    const nextStart = next?.range?.[0];
    if (nextStart === undefined) throw unsupported(routeId, '`canary` is its only key');
    return { start: keyStart, end: nextStart, text: '' };
  }
  if (text[valueEnd - 1] === '\n') return { start, end: valueEnd, text: '' };
  const newline = text.indexOf('\n', valueEnd);
  return { start, end: newline < 0 ? text.length : newline + 1, text: '' };
}

function replaceScalar(node: Scalar, value: string, routeId: string): TextEdit {
  const [start, end] = node.range!;
  switch (node.type) {
    case 'QUOTE_DOUBLE':
      return { start, end, text: `"${value}"` };
    case 'QUOTE_SINGLE':
      return { start, end, text: `'${value}'` };
    case 'PLAIN':
    case undefined:
      return { start, end, text: value };
    default:
      throw unsupported(routeId, 'its `stage` is a block scalar');
  }
}

/**
 * A new `canary` entry right after `stage`: inline in a flow map (`{ …, stage: canary, canary: { percent: 1 } }`),
 * else on the line after `stage`, at its indentation, in the style of the file's other canary entries
 * (block when there are none).
 */
function insertCanary(
  doc: Document,
  text: string,
  route: YAMLMap,
  stageKey: Node,
  stage: Scalar,
  percent: number,
  routeId: string,
): TextEdit {
  const valueEnd = stage.range![1];
  if (route.flow) return { start: valueEnd, end: valueEnd, text: `, canary: { percent: ${percent} }` };

  const keyStart = stageKey.range?.[0];
  if (keyStart === undefined) throw unsupported(routeId, 'its `stage` key has no source position');
  const indent = ' '.repeat(keyStart - lineStart(text, keyStart));
  const newline = text.indexOf('\n', valueEnd);
  const eol = newline > 0 && text[newline - 1] === '\r' ? '\r\n' : newline >= 0 ? '\n' : lineEnding(text);
  const entry =
    canaryStyle(doc) === 'flow'
      ? `${indent}canary: { percent: ${percent} }`
      : `${indent}canary:${eol}${indent}${' '.repeat(indentUnit(doc, text))}percent: ${percent}`;
  if (newline < 0) return { start: text.length, end: text.length, text: `${eol}${entry}` };
  return { start: newline + 1, end: newline + 1, text: `${entry}${eol}` };
}

/** How a note written by {@link noteEdit} starts: the move's kind, then its from → to. */
const NOTE_LINE = /^[ \t]*# (?:promote|forced promote|rollback) [^\r\n]* → [^\r\n]*: [^\r\n]*\r?\n$/;

/** The note as a comment line above the line holding `stage`, at that line's indentation. */
function noteEdit(text: string, route: YAMLMap, routeId: string, note: string): TextEdit {
  if (/[\r\n]/.test(note)) throw unsupported(routeId, 'a note must be one line');
  const keyStart = (pairOf(route, 'stage')?.key as Node | undefined)?.range?.[0];
  if (keyStart === undefined) throw unsupported(routeId, 'its `stage` key has no source position');
  const start = lineStart(text, keyStart);
  const indent = /^[ \t]*/.exec(text.slice(start, keyStart))?.[0] ?? '';
  const newline = text.indexOf('\n', keyStart);
  const eol = newline > 0 && text[newline - 1] === '\r' ? '\r\n' : lineEnding(text);
  const line = `${indent}# ${note}${eol}`;
  const previousStart = start > 0 ? lineStart(text, start - 1) : start;
  const previous = text.slice(previousStart, start);
  if (previousStart < start && NOTE_LINE.test(previous))
    return { start: previousStart, end: start, text: line };
  return { start, end: start, text: line };
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEnding(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** Flow when the file's first existing canary entry is a flow map. */
function canaryStyle(doc: Document): 'flow' | 'block' {
  const routes = doc.get('routes', true);
  if (!isSeq(routes)) return 'block';
  for (const item of routes.items) {
    const canary = isMap(item) ? pairOf(item, 'canary')?.value : undefined;
    if (isMap(canary)) return canary.flow ? 'flow' : 'block';
  }
  return 'block';
}

/** The file's indentation step, from the first nested block map (2 when there is none). */
function indentUnit(doc: Document, text: string): number {
  let unit: number | undefined;
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key;
      const value = pair.value;
      if (!isScalar(key) || !key.range || !isMap(value) || value.flow) return undefined;
      const child = value.items[0]?.key;
      if (!isScalar(child) || !child.range) return undefined;
      const step = column(text, child.range[0]) - column(text, key.range[0]);
      if (step > 0) {
        unit = step;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return unit ?? 2;
}

function column(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

/** The edit must mean exactly: the original, with this one route at `position`. */
function verify(original: string, edited: string, routeId: string, position: Position): void {
  const doc = parseDocument(edited);
  if (doc.errors.length > 0) {
    throw invalid(
      routeId,
      doc.errors.map((error) => error.message),
    );
  }
  const expected = moved(parseDocument(original).toJS(), routeId, position);
  if (!isDeepStrictEqual(doc.toJS(), expected)) {
    throw invalid(routeId, ['the edited text does not parse to the intended change']);
  }
}

function moved(config: unknown, routeId: string, position: Position): unknown {
  const routes = (config as { routes: Record<string, unknown>[] }).routes;
  const route = routes.find((candidate) => String(candidate['id']) === routeId);
  if (!route) return config;
  route['stage'] = position.stage;
  const canary = route['canary'];
  if (
    position.stage !== 'canary' &&
    typeof canary === 'object' &&
    canary !== null &&
    Object.keys(canary).every((key) => key === 'percent')
  ) {
    delete route['canary'];
  }
  if (position.stage === 'canary') {
    route['canary'] = {
      ...(route['canary'] as Record<string, unknown> | undefined),
      percent: position.percent,
    };
  }
  return config;
}

function unsupported(routeId: string, why: string): PromoteError {
  return new PromoteError('PROMOTE_UNSUPPORTED_YAML', `route "${routeId}" cannot be edited in place: ${why}`);
}

function invalid(routeId: string, details: readonly string[]): PromoteError {
  return new PromoteError(
    'PROMOTE_INVALID_RESULT',
    `editing route "${routeId}" would not give the intended file`,
    details,
  );
}
