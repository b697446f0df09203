/**
 * The small JSONPath vocabulary the store and report need: parse a path such as `$.items[3]['unit price']`
 * into segments, format segments back, and fold array indices to `[*]` so that differences of the same
 * shape group together.
 */

/** A property name, an array index, `*` (any index or property) or `..name` (that name at any depth). */
export type PathSegment =
  | { readonly type: 'key'; readonly name: string }
  | { readonly type: 'index'; readonly index: number }
  | { readonly type: 'wildcard' }
  | { readonly type: 'descendant'; readonly name: string };

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** Parses a JSONPath subset (`$`, `.key`, `['key']`, `["key"]`, `[n]`, `[*]`, `.*`, `..key`); null if invalid. */
export function parseJsonPath(path: string): PathSegment[] | null {
  if (!path.startsWith('$')) return null;
  const segments: PathSegment[] = [];
  let i = 1;
  while (i < path.length) {
    const rest = path.slice(i);
    let match: RegExpExecArray | null;
    if ((match = /^\.\.([A-Za-z_$][A-Za-z0-9_$-]*)/.exec(rest))) {
      segments.push({ type: 'descendant', name: match[1] ?? '' });
    } else if ((match = /^\.\*/.exec(rest)) || (match = /^\[\*\]/.exec(rest))) {
      segments.push({ type: 'wildcard' });
    } else if ((match = /^\.([A-Za-z_$][A-Za-z0-9_$-]*)/.exec(rest))) {
      segments.push({ type: 'key', name: match[1] ?? '' });
    } else if ((match = /^\[(\d+)\]/.exec(rest))) {
      segments.push({ type: 'index', index: Number(match[1]) });
    } else if (
      (match = /^\['((?:[^'\\]|\\.)*)'\]/.exec(rest)) ||
      (match = /^\["((?:[^"\\]|\\.)*)"\]/.exec(rest))
    ) {
      segments.push({ type: 'key', name: (match[1] ?? '').replace(/\\(.)/g, '$1') });
    } else {
      return null;
    }
    i += match[0].length;
  }
  return segments;
}

/** Formats concrete segments (keys and indices) as a path: `$.items[3]['unit price']`. */
export function formatJsonPath(segments: readonly (string | number)[]): string {
  let path = '$';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) path += `.${segment}`;
    else path += `['${segment.replace(/['\\]/g, '\\$&')}']`;
  }
  return path;
}

/** `$.items[3].price` → `$.items[*].price`; `status` and `header:etag` are left alone. */
export function foldIndices(path: string): string {
  return path.startsWith('$') ? path.replace(/\[\d+\]/g, '[*]') : path;
}

/**
 * Whether a concrete location (keys and indices from the root) is matched by a pattern, or lies inside
 * something it matches (`$.card` covers `$.card.number`).
 */
export function pathCovers(pattern: readonly PathSegment[], location: readonly (string | number)[]): boolean {
  return coversFrom(pattern, 0, location, 0);
}

function coversFrom(
  pattern: readonly PathSegment[],
  p: number,
  location: readonly (string | number)[],
  l: number,
): boolean {
  if (p === pattern.length) return true; // the pattern ended: everything below is covered
  if (l === location.length) return false;
  const segment = pattern[p];
  const here = location[l];
  if (segment === undefined || here === undefined) return false;
  switch (segment.type) {
    case 'key':
      return here === segment.name && coversFrom(pattern, p + 1, location, l + 1);
    case 'index':
      return here === segment.index && coversFrom(pattern, p + 1, location, l + 1);
    case 'wildcard':
      return coversFrom(pattern, p + 1, location, l + 1);
    case 'descendant':
      for (let k = l; k < location.length; k++) {
        if (location[k] === segment.name && coversFrom(pattern, p + 1, location, k + 1)) return true;
      }
      return false;
  }
}
