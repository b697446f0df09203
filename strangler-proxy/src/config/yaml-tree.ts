/**
 * Navigating a parsed YAML document: an iterative walk (no recursion, so depth cannot overflow the stack) and
 * the lookup of the node at a key path, through aliases and `<<` merge keys, for locating problems.
 */
import { isAlias, isMap, isScalar, isSeq, type Alias, type Document, type Node, type Pair } from 'yaml';
import type { KeyPath } from './key-path.ts';

/** The key of a pair as the JS object will have it (`<<` for a merge key). */
export function keyOf(pair: Pair): string {
  const key = pair.key;
  if (isScalar(key)) {
    return typeof key.value === 'symbol' ? (key.value.description ?? '') : String(key.value);
  }
  return String(key);
}

/** Whether a pair is a `<<` merge key (only with `merge: true`). */
export function isMergePair(pair: Pair): boolean {
  return isScalar(pair.key) && typeof pair.key.value === 'symbol';
}

/** Offset where a node starts, if it has a position. */
export function startOf(node: unknown): number | undefined {
  if (node !== null && typeof node === 'object' && 'range' in node && Array.isArray(node.range)) {
    const start: unknown = node.range[0];
    return typeof start === 'number' ? start : undefined;
  }
  return undefined;
}

export interface WalkedNode {
  readonly node: Node;
  readonly path: KeyPath;
  /** 0 for the root. */
  readonly depth: number;
}

/** Visits every node once, parents first; aliases are visited, not followed. `visit` returns false to skip children. */
export function walkNodes(root: Node | null | undefined, visit: (entry: WalkedNode) => boolean): void {
  if (root === null || root === undefined) return;
  const stack: WalkedNode[] = [{ node: root, path: [], depth: 0 }];
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    if (!visit(entry)) continue;
    const { node, path, depth } = entry;
    if (isMap(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) {
        const pair = node.items[i];
        if (pair !== undefined && isNodeValue(pair.value)) {
          stack.push({ node: pair.value, path: [...path, keyOf(pair)], depth: depth + 1 });
        }
      }
    } else if (isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) {
        const item = node.items[i];
        if (isNodeValue(item)) stack.push({ node: item, path: [...path, i], depth: depth + 1 });
      }
    }
  }
}

function isNodeValue(value: unknown): value is Node {
  return isMap(value) || isSeq(value) || isScalar(value) || isAlias(value);
}

export interface NodeLocation {
  /** Where the node (or its key) starts; the deepest existing ancestor's start when not found. */
  readonly offset: number;
  /** Whether the whole path exists in the document. */
  readonly exact: boolean;
}

/**
 * Finds the source position of the value at `path` (or of its key, with `atKey`), following aliases and
 * merge keys: a problem in a value written once under an anchor is reported where it is written.
 */
export function locateNode(doc: Document, path: KeyPath, atKey = false): NodeLocation {
  let current: unknown = doc.contents;
  let offset = startOf(current) ?? 0;
  for (let i = 0; i < path.length; i++) {
    const key = path[i];
    const container = resolve(doc, current);
    let pair: Pair | undefined;
    let next: unknown;
    if (isMap(container) && key !== undefined) {
      pair = findPair(doc, container.items, String(key), 0);
      next = pair?.value;
    } else if (isSeq(container) && typeof key === 'number') {
      next = container.items[key];
    }
    if (pair === undefined && next === undefined) return { offset, exact: false };
    const last = i === path.length - 1;
    const valueStart = startOf(next);
    offset = (last && atKey && pair ? startOf(pair.key) : valueStart) ?? startOf(pair?.key) ?? offset;
    current = next;
  }
  return { offset, exact: true };
}

/**
 * The node an alias refers to: the last node anchored with its name before it, in document order.
 * `Alias.resolve(doc)` walks the whole document on every call (quadratic with many aliases), so anchors are
 * collected once per document instead.
 */
export function resolveAlias(doc: Document, alias: Alias): Node | undefined {
  let targets = aliasTargets.get(doc);
  if (targets === undefined) {
    targets = new Map();
    const anchors = new Map<string, Node>();
    const found = targets;
    walkNodes(doc.contents, ({ node }) => {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (target !== undefined) found.set(node, target);
      } else if (node.anchor !== undefined) {
        anchors.set(node.anchor, node);
      }
      return true;
    });
    aliasTargets.set(doc, targets);
  }
  return targets.get(alias);
}

const aliasTargets = new WeakMap<Document, Map<Alias, Node>>();

/** Follows aliases (a bounded number of hops) to the node they name. */
export function resolve(doc: Document, node: unknown): unknown {
  let current = node;
  for (let hops = 0; isAlias(current) && hops < 32; hops++) current = resolveAlias(doc, current);
  return current;
}

/** Per mapping, its own pairs by key: built on first lookup, so locating many problems stays linear. */
const pairIndex = new WeakMap<readonly Pair[], Map<string, Pair>>();

function ownPair(items: readonly Pair[], key: string): Pair | undefined {
  let index = pairIndex.get(items);
  if (index === undefined) {
    index = new Map();
    for (const pair of items) {
      const name = keyOf(pair);
      if (!isMergePair(pair) && !index.has(name)) index.set(name, pair);
    }
    pairIndex.set(items, index);
  }
  return index.get(key);
}

/** Own keys first, then merged maps in order (the YAML merge-key rule). */
function findPair(doc: Document, items: readonly Pair[], key: string, depth: number): Pair | undefined {
  const own = ownPair(items, key);
  if (own !== undefined || depth > 16) return own;
  for (const pair of items) {
    if (!isMergePair(pair)) continue;
    const source = resolve(doc, pair.value);
    const sources = isSeq(source) ? source.items.map((item) => resolve(doc, item)) : [source];
    for (const map of sources) {
      const found = isMap(map) ? findPair(doc, map.items, key, depth + 1) : undefined;
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
