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
