/**
 * Pretty-prints JSON one value per line, remembering each line's location (`['items', 0, 'price']`), so
 * the diff view can highlight exactly the lines of the paths that differ.
 */
import type { JsonLocation } from '../../compare/json-path.ts';

export interface JsonLine {
  readonly depth: number;
  readonly text: string;
  readonly location: JsonLocation;
}

/** The lines of `value` as `JSON.stringify(value, null, 2)` would print them. */
export function jsonLines(value: unknown): JsonLine[] {
  const lines: JsonLine[] = [];
  visit(value, [], 0, '', '');
  return lines;

  function visit(node: unknown, location: JsonLocation, depth: number, prefix: string, suffix: string): void {
    if (Array.isArray(node) && node.length > 0) {
      lines.push({ depth, text: `${prefix}[`, location });
      node.forEach((item: unknown, index) =>
        visit(item, [...location, index], depth + 1, '', index < node.length - 1 ? ',' : ''),
      );
      lines.push({ depth, text: `]${suffix}`, location });
    } else if (
      node !== null &&
      typeof node === 'object' &&
      !Array.isArray(node) &&
      Object.keys(node).length > 0
    ) {
      const entries = Object.entries(node);
      lines.push({ depth, text: `${prefix}{`, location });
      entries.forEach(([key, item], index) =>
        visit(
          item,
          [...location, key],
          depth + 1,
          `${JSON.stringify(key)}: `,
          index < entries.length - 1 ? ',' : '',
        ),
      );
      lines.push({ depth, text: `}${suffix}`, location });
    } else {
      lines.push({ depth, text: `${prefix}${JSON.stringify(node) ?? 'null'}${suffix}`, location });
    }
  }
}

/** One row of two bodies laid side by side: the lines each side has at the same JSON location. */
export interface AlignedRow {
  readonly legacy: JsonLine | null;
  readonly service: JsonLine | null;
}

/**
 * Two values' lines aligned on their JSON paths: members present on both sides share a row whatever
 * their order or the lines above them, a member on one side only faces an empty cell, and containers of
 * one shape are opened and closed on the same rows.
 */
export function alignedJsonLines(legacy: unknown, service: unknown): AlignedRow[] {
  const rows: AlignedRow[] = [];
  merge(legacy, service, [], 0, ['', ''], ['', '']);
  return rows;

  function merge(
    a: unknown,
    b: unknown,
    location: JsonLocation,
    depth: number,
    prefix: readonly [string, string],
    suffix: readonly [string, string],
  ): void {
    const bothArrays = Array.isArray(a) && Array.isArray(b) && a.length > 0 && b.length > 0;
    const bothObjects = isFilledObject(a) && isFilledObject(b);
    if (!bothArrays && !bothObjects) {
      const left = linesOf(a, location, depth, prefix[0], suffix[0]);
      const right = linesOf(b, location, depth, prefix[1], suffix[1]);
      for (let index = 0; index < Math.max(left.length, right.length); index++) {
        rows.push({ legacy: left[index] ?? null, service: right[index] ?? null });
      }
      return;
    }
    const [open, close] = bothArrays ? ['[', ']'] : ['{', '}'];
    rows.push({
      legacy: { depth, text: `${prefix[0]}${open}`, location },
      service: { depth, text: `${prefix[1]}${open}`, location },
    });
    if (bothArrays) {
      const left = a as unknown[];
      const right = b as unknown[];
      for (let index = 0; index < Math.max(left.length, right.length); index++) {
        merge(
          index < left.length ? left[index] : ABSENT,
          index < right.length ? right[index] : ABSENT,
          [...location, index],
          depth + 1,
          ['', ''],
          [index < left.length - 1 ? ',' : '', index < right.length - 1 ? ',' : ''],
        );
      }
    } else {
      const left = a as Record<string, unknown>;
      const right = b as Record<string, unknown>;
      const leftKeys = Object.keys(left);
      const rightKeys = Object.keys(right);
      const keys = [...leftKeys, ...rightKeys.filter((key) => !Object.hasOwn(left, key))];
      for (const key of keys) {
        const label = `${JSON.stringify(key)}: `;
        merge(
          Object.hasOwn(left, key) ? left[key] : ABSENT,
          Object.hasOwn(right, key) ? right[key] : ABSENT,
          [...location, key],
          depth + 1,
          [label, label],
          [key === leftKeys.at(-1) ? '' : ',', key === rightKeys.at(-1) ? '' : ','],
        );
      }
    }
    rows.push({
      legacy: { depth, text: `${close}${suffix[0]}`, location },
      service: { depth, text: `${close}${suffix[1]}`, location },
    });
  }

  function linesOf(
    value: unknown,
    location: JsonLocation,
    depth: number,
    prefix: string,
    suffix: string,
  ): JsonLine[] {
    if (value === ABSENT) return [];
    return jsonLines(value).map((line, index, all) => ({
      depth: depth + line.depth,
      text: `${index === 0 ? prefix : ''}${line.text}${index === all.length - 1 ? suffix : ''}`,
      location: [...location, ...line.location],
    }));
  }
}

const ABSENT = Symbol('absent');

function isFilledObject(value: unknown): value is Record<string, unknown> {
  return (
    value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0
  );
}
