/**
 * Field-by-field comparison of two parsed JSON bodies, under a route's compiled rules and learned noise.
 *
 * One walk over both values does everything: the rule state is stepped key by key alongside (so rules cost
 * nothing where none can apply), concrete paths are only printed where a difference is found, and values
 * are only copied (bounded) into the differences that are listed. Recursion is bounded by
 * `rules.maxDepth`; deeper subtrees are compared whole, without recursion, and reported at the bound.
 *
 * The same walk also runs as a probe (no collector): it then only answers "equal, noise only, or
 * different" and stops at the first counted difference. Arrays use probes to recognise a reordering
 * before reporting anything, and to pair the elements of set-like arrays.
 */
import type { BodyRule, CompiledRules } from './compile-rules.ts';
import type { DifferenceCollector } from './collect-differences.ts';
import { formatLocation } from './json-path.ts';
import type { PathKey } from './json-path.ts';
import { isNoisy } from './noise-model.ts';
import { withinTolerance, type Normalizer } from './normalize-values.ts';
import type { NoiseModel } from './noise-model.ts';
import { isIdentifier, type Correspondence } from './correspondence.ts';
import { stepPathSet } from './path-set.ts';
import type { MatchState } from './path-set.ts';
import { isRedacted, previewValue } from './preview-value.ts';
import type { DiffKind, Difference } from './verdict.ts';
import { looksLikeCredential } from './credential-values.ts';
import { isCredentialName } from './redact.ts';

// Walk results are bit flags, OR-ed up the tree.
const EQUAL = 0;
const NOISE = 1;
const COUNTED = 2;

/**
 * A same-length array whose differing positions are at most this many is checked for being a reordering
 * (pairwise, so quadratic in this number); beyond it, positions are reported one by one.
 */
export const ORDER_SCAN_LIMIT = 64;

type State = MatchState<BodyRule>;
type SetRule = Extract<BodyRule, { type: 'set' }>;
type JsonRecord = Record<string, unknown>;

interface Walk {
  readonly rules: CompiledRules;
  readonly noise: NoiseModel | undefined;
  readonly correspondence: Correspondence | undefined;
  /** `null` in a probe: record nothing, stop at the first counted difference. */
  readonly sink: DifferenceCollector | null;
  /** The location being compared; pushed and popped in place, printed only for differences. */
  readonly loc: PathKey[];
  /** The probe twin of this walk (itself when this is a probe). */
  probe: Walk;
}

/** Compares two parsed JSON values and records their differences in `sink`. */
export function compareJson(
  legacy: unknown,
  service: unknown,
  rules: CompiledRules,
  noise: NoiseModel | undefined,
  sink: DifferenceCollector,
  correspondence?: Correspondence,
): void {
  const loc: PathKey[] = [];
  const common = { rules, noise, correspondence, loc, probe: undefined as unknown as Walk };
  const walk: Walk = { ...common, sink };
  const probe: Walk = { ...common, sink: null };
  walk.probe = probe;
  probe.probe = probe;
  compareNode(walk, legacy, service, rules.body.root, 0, false);
}

function compareNode(w: Walk, a: unknown, b: unknown, state: State, depth: number, masked: boolean): number {
  let tolerance = -1;
  let set: SetRule | undefined;
  let normalized = false;
  const hits = state.hits;
  for (let index = 0; index < hits.length; index++) {
    const rule = hits[index]!;
    if (rule.type === 'ignore') return EQUAL;
    if (rule.type === 'redact') masked = true;
    else if (rule.type === 'tolerance') tolerance = Math.max(tolerance, rule.tolerance);
    else if (rule.type === 'normalize') normalized = true;
    else set ??= rule;
  }
  if (a === b) return EQUAL;
  if (normalized && isNormalizedEqual(hits, a, b)) return EQUAL;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    // The same record's identifier on each side (a slug each made for the same create).
    if (w.correspondence && isIdentifier(a) && isIdentifier(b) && w.correspondence.corresponds(a, b))
      return EQUAL;
    // At least one primitive (null is one): equal types differ in value, unless a tolerance covers it.
    if (typeof a !== typeof b || a === null || b === null) return report(w, 'type', a, b, state, masked);
    if (tolerance >= 0 && typeof a === 'number' && withinTolerance(a, b as number, tolerance)) return EQUAL;
    // A credential each side issued (a token in a login answer) is compared by presence, not value:
    // the two systems sign with their own keys.
    if (typeof a === 'string' && isCredentialPair(a, b as string, w.loc[w.loc.length - 1])) return EQUAL;
    return report(w, 'value', a, b, state, masked);
  }
  const isArray = Array.isArray(a);
  if (isArray !== Array.isArray(b)) return report(w, 'type', a, b, state, masked);
  if (depth >= w.rules.maxDepth) return compareAtBound(w, a, b, state, masked);
  if (!isArray) return compareObjects(w, a as JsonRecord, b as JsonRecord, state, depth, masked);
  return set === undefined
    ? compareArrays(w, a as unknown[], b as unknown[], state, depth, masked)
    : compareSets(w, a as unknown[], b as unknown[], set, state, depth, masked);
}

function compareObjects(
  w: Walk,
  a: JsonRecord,
  b: JsonRecord,
  state: State,
  depth: number,
  masked: boolean,
): number {
  const { loc, rules } = w;
  let result = EQUAL;
  let shared = 0;
  for (const key of Object.keys(a)) {
    const child = stepPathSet(rules.body, state, key);
    loc.push(key);
    if (Object.hasOwn(b, key)) {
      shared++;
      result |= compareNode(w, a[key], b[key], child, depth + 1, masked);
    } else {
      result |= reportAbsent(w, 'missing', a[key], child, masked);
    }
    loc.pop();
    if (result >= COUNTED && w.sink === null) return result;
  }
  const keysB = Object.keys(b);
  if (shared === keysB.length) return result; // no member of b is new
  for (const key of keysB) {
    if (Object.hasOwn(a, key)) continue;
    loc.push(key);
    result |= reportAbsent(w, 'extra', b[key], stepPathSet(rules.body, state, key), masked);
    loc.pop();
    if (result >= COUNTED && w.sink === null) return result;
  }
  return result;
}

/** Arrays compared by position: `length`, then elements, then the tail as `missing`/`extra`. */
function compareArrays(
  w: Walk,
  a: unknown[],
  b: unknown[],
  state: State,
  depth: number,
  masked: boolean,
): number {
  if (a.length === b.length && a.length > 1) return compareSameLength(w, a, b, state, depth, masked);
  let result = EQUAL;
  if (a.length !== b.length) {
    // A length is never personal data: shown even under a redact rule.
    result |= report(w, 'length', a.length, b.length, state, false);
    if (result >= COUNTED && w.sink === null) return result;
  }
  const common = Math.min(a.length, b.length);
  const { loc, rules } = w;
  for (let index = 0; index < common; index++) {
    loc.push(index);
    result |= compareNode(w, a[index], b[index], stepPathSet(rules.body, state, index), depth + 1, masked);
    loc.pop();
    if (result >= COUNTED && w.sink === null) return result;
  }
  for (let index = common; index < a.length; index++) {
    loc.push(index);
    result |= reportAbsent(w, 'missing', a[index], stepPathSet(rules.body, state, index), masked);
    loc.pop();
  }
  for (let index = common; index < b.length; index++) {
    loc.push(index);
    result |= reportAbsent(w, 'extra', b[index], stepPathSet(rules.body, state, index), masked);
    loc.pop();
  }
  return result;
}

/**
 * Same-length arrays: probe every position first; if the differing positions hold the same elements in
 * another order, that is one `order` difference at the array, not one per position.
 */
function compareSameLength(
  w: Walk,
  a: unknown[],
  b: unknown[],
  state: State,
  depth: number,
  masked: boolean,
): number {
  const { loc, rules, probe } = w;
  let differing: number[] | undefined;
  let noisy: number[] | undefined;
  for (let index = 0; index < a.length; index++) {
    loc.push(index);
    const result = compareNode(
      probe,
      a[index],
      b[index],
      stepPathSet(rules.body, state, index),
      depth + 1,
      masked,
    );
    loc.pop();
    if (result >= COUNTED) {
      // A probe needs no more than "different", unless a reordering here is known noise.
      if (w.sink === null && !orderIsNoise(w)) return COUNTED;
      (differing ??= []).push(index);
    } else if (result !== EQUAL) {
      (noisy ??= []).push(index);
    }
  }
  let result = noisy === undefined ? EQUAL : NOISE;
  if (differing !== undefined) {
    if (differing.length <= ORDER_SCAN_LIMIT && isReordering(probe, a, b, differing, state, depth, masked)) {
      result |= report(w, 'order', a, b, state, masked);
      differing = undefined;
    } else {
      result |= COUNTED;
    }
  }
  if (w.sink === null) return result;
  // Record what the probes found, position by position, in order.
  const positions =
    differing === undefined ? (noisy ?? []) : [...differing, ...(noisy ?? [])].sort((x, y) => x - y);
  for (const index of positions) {
    loc.push(index);
    compareNode(w, a[index], b[index], stepPathSet(rules.body, state, index), depth + 1, masked);
    loc.pop();
  }
  return result;
}

function orderIsNoise(w: Walk): boolean {
  return w.noise !== undefined && isNoisy(w.noise, 'order', formatLocation(w.loc, true));
}

/** Whether each differing legacy position finds an equal, not yet paired, service element among them. */
function isReordering(
  probe: Walk,
  a: unknown[],
  b: unknown[],
  positions: readonly number[],
  state: State,
  depth: number,
  masked: boolean,
): boolean {
  const { loc, rules } = probe;
  const paired = new Uint8Array(positions.length);
  for (const legacyIndex of positions) {
    const child = stepPathSet(rules.body, state, legacyIndex);
    let found = false;
    loc.push(legacyIndex);
    for (let slot = 0; slot < positions.length && !found; slot++) {
      const serviceIndex = positions[slot]!;
      if (paired[slot] === 1 || serviceIndex === legacyIndex) continue;
      if (compareNode(probe, a[legacyIndex], b[serviceIndex], child, depth + 1, masked) < COUNTED) {
        paired[slot] = 1;
        found = true;
      }
    }
    loc.pop();
    if (!found) return false;
  }
  return true;
}

/**
 * Arrays compared as sets (an `arrays` rule). With `orderBy`, elements pair by that field (its value as
 * text, so an id that turned from "7" into 7 still pairs and shows as a `type` difference on the field);
 * elements without a usable key, or all of them without `orderBy`, pair by value (ignored fields left
 * out), and those left over pair in order, so a changed element shows as field differences rather than as
 * one missing plus one extra. Paths name the legacy index (the service index for `extra`). There is no
 * `length` difference: `missing`/`extra` elements say it.
 */
function compareSets(
  w: Walk,
  a: unknown[],
  b: unknown[],
  rule: SetRule,
  state: State,
  depth: number,
  masked: boolean,
): number {
  // Most of the time the order did not change either: then a positional probe settles it.
  if (a.length === b.length && isEqualInPlace(w.probe, a, b, state, depth, masked)) return EQUAL;
  const pairs: number[] = []; // flattened [legacyIndex, serviceIndex, ...]
  const missing: number[] = [];
  const extra: number[] = [];
  let byValueA: number[] = [];
  let byValueB: number[] = [];
  if (rule.orderBy === undefined) {
    byValueA = a.map((_, index) => index);
    byValueB = b.map((_, index) => index);
  } else {
    const byKey = new Map<string, number[]>();
    for (let index = 0; index < b.length; index++) {
      const key = keyOf(b[index], rule.orderBy);
      if (key === undefined) byValueB.push(index);
      else {
        const list = byKey.get(key);
        if (list === undefined) byKey.set(key, [index]);
        else list.push(index);
      }
    }
    for (let index = 0; index < a.length; index++) {
      const key = keyOf(a[index], rule.orderBy);
      const match = key === undefined ? undefined : byKey.get(key)?.shift();
      if (match !== undefined) pairs.push(index, match);
      else if (key === undefined) byValueA.push(index);
      else missing.push(index);
    }
    for (const list of byKey.values()) extra.push(...list);
  }
  if (byValueA.length > 0 || byValueB.length > 0) {
    pairByValue(w, a, b, byValueA, byValueB, state, pairs, missing, extra);
  }

  const { loc, rules } = w;
  let result = EQUAL;
  for (let at = 0; at < pairs.length; at += 2) {
    const legacyIndex = pairs[at]!;
    loc.push(legacyIndex);
    const child = stepPathSet(rules.body, state, legacyIndex);
    result |= compareNode(w, a[legacyIndex], b[pairs[at + 1]!], child, depth + 1, masked);
    loc.pop();
    if (result >= COUNTED && w.sink === null) return result;
  }
  for (const index of missing.sort((x, y) => x - y)) {
    loc.push(index);
    result |= reportAbsent(w, 'missing', a[index], stepPathSet(rules.body, state, index), masked);
    loc.pop();
    if (result >= COUNTED && w.sink === null) return result;
  }
  for (const index of extra.sort((x, y) => x - y)) {
    loc.push(index);
    result |= reportAbsent(w, 'extra', b[index], stepPathSet(rules.body, state, index), masked);
    loc.pop();
    if (result >= COUNTED && w.sink === null) return result;
  }
  return result;
}

/** Whether every element equals the one at the same position (no noise either). */
function isEqualInPlace(
  probe: Walk,
  a: unknown[],
  b: unknown[],
  state: State,
  depth: number,
  masked: boolean,
): boolean {
  const { loc, rules } = probe;
  for (let index = 0; index < a.length; index++) {
    loc.push(index);
    const result = compareNode(
      probe,
      a[index],
      b[index],
      stepPathSet(rules.body, state, index),
      depth + 1,
      masked,
    );
    loc.pop();
    if (result !== EQUAL) return false;
  }
  return true;
}

/** Pairs equal elements (by fingerprint), then leftovers in order; what remains is missing or extra. */
function pairByValue(
  w: Walk,
  a: unknown[],
  b: unknown[],
  candidatesA: readonly number[],
  candidatesB: readonly number[],
  state: State,
  pairs: number[],
  missing: number[],
  extra: number[],
): void {
  const { rules } = w;
  const byPrint = new Map<string, number[]>();
  for (const index of candidatesB) {
    const print = fingerprint(b[index], stepPathSet(rules.body, state, index), rules);
    const list = byPrint.get(print);
    if (list === undefined) byPrint.set(print, [index]);
    else list.push(index);
  }
  const leftA: number[] = [];
  for (const index of candidatesA) {
    const match = byPrint.get(fingerprint(a[index], stepPathSet(rules.body, state, index), rules))?.shift();
    if (match === undefined) leftA.push(index);
    else pairs.push(index, match);
  }
  const leftB = [...byPrint.values()].flat().sort((x, y) => x - y);
  const common = Math.min(leftA.length, leftB.length);
  for (let at = 0; at < common; at++) pairs.push(leftA[at]!, leftB[at]!);
  missing.push(...leftA.slice(common));
  extra.push(...leftB.slice(common));
}

/** The `orderBy` field of an element as text, or `undefined` when it has no primitive value there. */
function keyOf(element: unknown, field: string): string | undefined {
  if (element === null || typeof element !== 'object' || Array.isArray(element)) return undefined;
  if (!Object.hasOwn(element, field)) return undefined;
  const value = (element as JsonRecord)[field];
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : undefined;
}

function isIgnored(state: State): boolean {
  for (const rule of state.hits) if (rule.type === 'ignore') return true;
  return false;
}

/**
 * A canonical text for a value (members sorted, ignored locations left out), built with an explicit stack
 * so that no nesting depth can overflow the call stack.
 */
function fingerprint(value: unknown, state: State, rules: CompiledRules): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(canonicalOf(state.hits, value));
  const parts: string[] = [];
  const stack: (string | { value: unknown; state: State })[] = [{ value, state }];
  while (stack.length > 0) {
    const top = stack.pop()!;
    if (typeof top === 'string') {
      parts.push(top);
      continue;
    }
    const current = top.value;
    if (current === null || typeof current !== 'object') {
      parts.push(JSON.stringify(canonicalOf(top.state.hits, current)));
    } else if (Array.isArray(current)) {
      parts.push('[');
      stack.push(']');
      for (let index = current.length - 1; index >= 0; index--) {
        const child = stepPathSet(rules.body, top.state, index);
        stack.push(',');
        stack.push(isIgnored(child) ? '~' : { value: current[index] as unknown, state: child });
      }
    } else {
      const record = current as JsonRecord;
      const keys = Object.keys(record).sort();
      parts.push('{');
      stack.push('}');
      for (let index = keys.length - 1; index >= 0; index--) {
        const key = keys[index]!;
        const child = stepPathSet(rules.body, top.state, key);
        if (isIgnored(child)) continue;
        stack.push(',');
        stack.push({ value: record[key], state: child });
        stack.push(`${JSON.stringify(key)}:`);
      }
    }
  }
  return parts.join('');
}

/** Containers at the depth bound: compared whole (rules below no longer apply), reported here. */
function compareAtBound(w: Walk, a: unknown, b: unknown, state: State, masked: boolean): number {
  return deepEqual(a, b) ? EQUAL : report(w, 'value', a, b, state, masked);
}

/** Structural equality without recursion. */
export function deepEqual(a: unknown, b: unknown): boolean {
  const stack: unknown[] = [a, b];
  while (stack.length > 0) {
    const y = stack.pop();
    const x = stack.pop();
    if (x === y) continue;
    if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object') return false;
    if (Array.isArray(x)) {
      if (!Array.isArray(y) || x.length !== y.length) return false;
      for (let index = 0; index < x.length; index++) stack.push(x[index], y[index]);
    } else {
      if (Array.isArray(y)) return false;
      const keys = Object.keys(x);
      if (keys.length !== Object.keys(y).length) return false;
      for (const key of keys) {
        if (!Object.hasOwn(y, key)) return false;
        stack.push((x as JsonRecord)[key], (y as JsonRecord)[key]);
      }
    }
  }
  return true;
}

/** Whether a normaliser at this location deems the two values the same. */
function isNormalizedEqual(hits: readonly BodyRule[], a: unknown, b: unknown): boolean {
  for (const rule of hits) if (rule.type === 'normalize' && rule.normalizer.equal(a, b)) return true;
  return false;
}

/** The value as the normalisers at this location write it, for pairing set elements by value. */
function canonicalOf(hits: readonly BodyRule[], value: unknown): unknown {
  let normalizer: Normalizer | undefined;
  for (const rule of hits) if (rule.type === 'normalize') normalizer = rule.normalizer;
  return normalizer === undefined ? value : normalizer.canonical(value);
}

/**
 * Both values are credentials: shaped like one (a JWT, a long random token), or long values of a field
 * named like one. A short value under such a name (`key: "eu"`) is compared as any value.
 */
function isCredentialPair(a: string, b: string, key: PathKey | undefined): boolean {
  if (looksLikeCredential(a) && looksLikeCredential(b)) return true;
  return (
    typeof key === 'string' &&
    a.length >= MIN_OPAQUE_TOKEN &&
    b.length >= MIN_OPAQUE_TOKEN &&
    isCredentialName(key)
  );
}

/** The shortest value of a credential-named field taken for an opaque token. */
const MIN_OPAQUE_TOKEN = 16;

/** A member or element present on one side only, unless an `ignore` rule covers it. */
function reportAbsent(
  w: Walk,
  kind: 'missing' | 'extra',
  value: unknown,
  state: State,
  masked: boolean,
): number {
  if (isIgnored(state)) return EQUAL;
  return kind === 'missing'
    ? report(w, kind, value, undefined, state, masked)
    : report(w, kind, undefined, value, state, masked);
}

/** Records a difference at the current location; returns NOISE or COUNTED. */
function report(w: Walk, kind: DiffKind, a: unknown, b: unknown, state: State, masked: boolean): number {
  const { sink, noise, loc } = w;
  if (sink === null) {
    if (noise === undefined) return COUNTED;
    return isNoisy(noise, kind, formatLocation(loc, true)) ? NOISE : COUNTED;
  }
  const describe = (): Difference => {
    const mask = masked || isRedacted(state);
    const difference: { -readonly [K in keyof Difference]: Difference[K] } = {
      path: formatLocation(loc),
      kind,
    };
    if (a !== undefined) difference.legacy = previewValue(a, w.rules.body, state, mask);
    if (b !== undefined) difference.service = previewValue(b, w.rules.body, state, mask);
    return difference;
  };
  return sink.add(kind, formatLocation(loc, true), describe) ? COUNTED : NOISE;
}
