/**
 * The values a JSONPath of the supported subset selects in a parsed JSON value, with their locations:
 * what claim mappings, identifier correlation and read-after-write templates read out of JSON.
 */
import { compileJsonPath, type JsonLocation, type JsonPathPattern, type PathSegment } from './json-path.ts';

export interface SelectedValue {
  readonly location: JsonLocation;
  readonly value: unknown;
}

/** Every value `path` selects, in document order (at most `limit`). */
export function selectValues(root: unknown, path: JsonPathPattern | string, limit = 1_000): SelectedValue[] {
  const pattern = typeof path === 'string' ? compileJsonPath(path) : path;
  const found: SelectedValue[] = [];
  const walk = (value: unknown, location: JsonLocation, segments: readonly PathSegment[]): void => {
    if (found.length >= limit) return;
    const [segment, ...rest] = segments;
    if (segment === undefined) {
      found.push({ location, value });
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    if (segment.type === 'key' || segment.type === 'index') {
      const key = segment.type === 'key' ? segment.key : segment.index;
      if (Object.hasOwn(value, key))
        walk((value as Record<PathKeyOf, unknown>)[key], [...location, key], rest);
      return;
    }
    const entries: Array<[string | number, unknown]> = Array.isArray(value)
      ? value.map((item, index) => [index, item])
      : Object.entries(value);
    for (const [key, child] of entries) {
      if (segment.type === 'any') walk(child, [...location, key], rest);
      else {
        if (key === segment.key) walk(child, [...location, key], rest);
        walk(child, [...location, key], segments);
      }
    }
  };
  walk(root, [], pattern.segments);
  return found;
}

type PathKeyOf = string | number;

/** The first value `path` selects, or undefined. */
export function firstValue(root: unknown, path: JsonPathPattern | string): unknown {
  return selectValues(root, path, 1)[0]?.value;
}
