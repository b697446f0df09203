import type { ErrorCode } from '../errors/catalogue.ts';
/**
 * The JSONPath subset that compare rules are written in: `$`, `.key`, `['key']`, `[n]`, `[*]` (also `.*`)
 * and `..key` (the key at any depth below). Paths are parsed once, when the config is loaded; the comparison
 * itself only steps compiled patterns (see `path-set.ts`) and formats the locations where it found a
 * difference.
 *
 * A location is the concrete address of one JSON value: object keys as strings, array indices as numbers,
 * so `$.items[3].price` is `['items', 3, 'price']`. A string never matches an index and vice versa: `.0`
 * names the object member `"0"`, `[0]` the first array element.
 */

/** One step into a JSON value: an object key (string) or an array index (number). */
export type PathKey = string | number;

/** The concrete address of a JSON value, from the root. */
export type JsonLocation = readonly PathKey[];

export type PathSegment =
  | { readonly type: 'key'; readonly key: string }
  | { readonly type: 'index'; readonly index: number }
  /** `[*]` or `.*`: any one array element or object member. */
  | { readonly type: 'any' }
  /** `..key`: the member `key` at any depth below, including directly below. */
  | { readonly type: 'descendant'; readonly key: string };

/** A parsed path, ready to match. */
export interface JsonPathPattern {
  /** The text the pattern was parsed from, for messages. */
  readonly source: string;
  readonly segments: readonly PathSegment[];
}

/** Longer patterns are refused: nobody writes them, and the matcher packs positions into small integers. */
export const MAX_PATH_SEGMENTS = 256;

/** A path outside the supported subset. `position` is the offset in `expression` where parsing stopped. */
export class JsonPathError extends Error {
  readonly code: ErrorCode = 'COMPARE_INVALID_JSON_PATH';
  readonly expression: string;
  readonly position: number;
  constructor(expression: string, position: number, reason: string) {
    super(`invalid JSONPath ${JSON.stringify(expression)} at ${position}: ${reason}`);
    this.name = 'JsonPathError';
    this.expression = expression;
    this.position = position;
  }
}

/**
 * Parses a path of the supported subset.
 * @throws {@link JsonPathError} when the text is not in the subset.
 * @example compileJsonPath("$.items[*]['unit price']")
 */
export function compileJsonPath(source: string): JsonPathPattern {
  const segments: PathSegment[] = [];
  if (source[0] !== '$') throw new JsonPathError(source, 0, 'a path starts with $');
  let at = 1;
  while (at < source.length) {
    const char = source[at];
    if (char === '.' && source[at + 1] === '.') {
      at += 2;
      let key: string;
      if (source[at] === '[') {
        const bracket = readBracket(source, at);
        if (bracket.segment.type !== 'key') {
          throw new JsonPathError(source, at, ".. must be followed by a key name, such as ..id or ..['id']");
        }
        key = bracket.segment.key;
        at = bracket.end;
      } else {
        const end = readName(source, at);
        if (end === at)
          throw new JsonPathError(source, at, '.. must be followed by a key name, such as ..id');
        key = source.slice(at, end);
        at = end;
      }
      segments.push({ type: 'descendant', key });
    } else if (char === '.') {
      at += 1;
      if (source[at] === '*') {
        segments.push({ type: 'any' });
        at += 1;
      } else {
        const end = readName(source, at);
        if (end === at) throw new JsonPathError(source, at, 'expected a key name after .');
        segments.push({ type: 'key', key: source.slice(at, end) });
        at = end;
      }
    } else if (char === '[') {
      const bracket = readBracket(source, at);
      segments.push(bracket.segment);
      at = bracket.end;
    } else {
      throw new JsonPathError(source, at, `unexpected ${JSON.stringify(char)}; expected . or [`);
    }
    if (segments.length > MAX_PATH_SEGMENTS) {
      throw new JsonPathError(source, at, `more than ${MAX_PATH_SEGMENTS} segments`);
    }
  }
  return Object.freeze({
    source,
    segments: Object.freeze(segments.map((segment) => Object.freeze(segment))),
  });
}

/**
 * For the config loader: `null` when `source` is a valid path of the subset, else a message saying what
 * is wrong and where.
 */
export function validateJsonPath(source: string): string | null {
  try {
    compileJsonPath(source);
    return null;
  } catch (error) {
    if (error instanceof JsonPathError) return error.message;
    throw error;
  }
}

/**
 * Whether `pattern` matches exactly `location` (not a value below it). Linear for patterns without `..`;
 * each `..` tries the positions where its key occurs.
 */
export function matchesLocation(pattern: JsonPathPattern, location: JsonLocation): boolean {
  return matchFrom(pattern.segments, 0, location, 0);
}

function matchFrom(
  segments: readonly PathSegment[],
  from: number,
  location: JsonLocation,
  at: number,
): boolean {
  for (let index = from; index < segments.length; index++) {
    const segment = segments[index]!;
    if (segment.type === 'descendant') {
      for (let probe = at; probe < location.length; probe++) {
        if (location[probe] === segment.key && matchFrom(segments, index + 1, location, probe + 1))
          return true;
      }
      return false;
    }
    if (at >= location.length) return false;
    const key = location[at];
    if (
      segment.type === 'key' ? key !== segment.key : segment.type === 'index' ? key !== segment.index : false
    ) {
      return false;
    }
    at += 1;
  }
  return at === location.length;
}

// RFC 9535 member-name-shorthand, ASCII part: what may follow a dot when we print a path.
const SHORTHAND = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Prints a location as `$.items[3].price`, or `$['odd key']` for keys that are not plain names.
 * With `fold`, indices print as `[*]`: the pattern that groups every element of the same array.
 * The output parses back (with {@link compileJsonPath}) to the same location.
 */
export function formatLocation(location: JsonLocation, fold = false): string {
  let text = '$';
  for (const key of location) {
    if (typeof key === 'number') text += fold ? '[*]' : `[${key}]`;
    else if (SHORTHAND.test(key)) text += `.${key}`;
    else text += `['${escapeKey(key)}']`;
  }
  return text;
}

/**
 * Folds the indices of a printed path to `[*]` (`$.items[3].id` → `$.items[*].id`). Paths that are not
 * JSONPaths (`status`, `header:etag`) come back unchanged.
 */
export function foldPath(path: string): string {
  if (!path.startsWith('$')) return path;
  let pattern: JsonPathPattern;
  try {
    pattern = compileJsonPath(path);
  } catch {
    return path;
  }
  let text = '$';
  for (const segment of pattern.segments) {
    if (segment.type === 'index' || segment.type === 'any') text += '[*]';
    else if (segment.type === 'key') text += formatLocation([segment.key]).slice(1);
    else {
      const key = formatLocation([segment.key]).slice(1);
      text += key.startsWith('.') ? `.${key}` : `..${key}`;
    }
  }
  return text;
}

// Escapes the characters a single-quoted key cannot hold as-is; readQuoted undoes exactly this.
function escapeKey(key: string): string {
  let text = '';
  for (const char of key) {
    const code = char.charCodeAt(0);
    if (char === "'" || char === '\\') text += `\\${char}`;
    else if (code < 0x20) text += `\\u${code.toString(16).padStart(4, '0')}`;
    else text += char;
  }
  return text;
}

// Dot names are more lenient than what we print (dashes and digits are common in real payloads and
// unambiguous here); anything else needs brackets.
function isNameChar(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    code === 0x5f || // _
    code === 0x2d || // -
    code === 0x24 || // $
    code >= 0x80
  );
}

function readName(source: string, at: number): number {
  let end = at;
  while (end < source.length && isNameChar(source.charCodeAt(end))) end++;
  return end;
}

function readBracket(source: string, open: number): { segment: PathSegment; end: number } {
  let at = skipSpaces(source, open + 1);
  const char = source[at];
  let segment: PathSegment;
  if (char === '*') {
    segment = { type: 'any' };
    at += 1;
  } else if (char === "'" || char === '"') {
    const quoted = readQuoted(source, at);
    segment = { type: 'key', key: quoted.value };
    at = quoted.end;
  } else if (char !== undefined && char >= '0' && char <= '9') {
    let end = at;
    while (end < source.length && source[end]! >= '0' && source[end]! <= '9') end++;
    segment = { type: 'index', index: Number(source.slice(at, end)) };
    at = end;
  } else if (char === '-') {
    throw new JsonPathError(source, at, 'negative indices are not supported');
  } else if (char === '?') {
    throw new JsonPathError(source, at, 'filter expressions are not supported');
  } else {
    throw new JsonPathError(source, at, 'expected *, an index or a quoted key inside [ ]');
  }
  at = skipSpaces(source, at);
  if (source[at] === ':' || source[at] === ',') {
    throw new JsonPathError(source, at, 'slices and unions are not supported');
  }
  if (source[at] !== ']') throw new JsonPathError(source, at, "expected ']'");
  return { segment, end: at + 1 };
}

function skipSpaces(source: string, at: number): number {
  while (source[at] === ' ') at++;
  return at;
}

const HEX4 = /^[0-9a-fA-F]{4}$/;

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  "'": "'",
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

function readQuoted(source: string, open: number): { value: string; end: number } {
  const quote = source[open];
  let value = '';
  let at = open + 1;
  while (at < source.length) {
    const char = source[at]!;
    if (char === quote) return { value, end: at + 1 };
    if (char === '\\') {
      const next = source[at + 1];
      const hex = source.slice(at + 2, at + 6);
      if (next === 'u' && HEX4.test(hex)) {
        value += String.fromCharCode(parseInt(hex, 16));
        at += 6;
        continue;
      }
      const escaped = next === undefined ? undefined : SIMPLE_ESCAPES[next];
      // An unknown escape stays as written: lenient, like the config loader's own check.
      value += escaped ?? char;
      at += escaped === undefined ? 1 : 2;
      continue;
    }
    value += char;
    at += 1;
  }
  throw new JsonPathError(source, at, `unterminated quoted key; expected ${quote}`);
}
