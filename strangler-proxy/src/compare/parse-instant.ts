/**
 * Instants written in the formats APIs use, for the `time` normaliser: named formats and patterns made of
 * `YYYY MM DD HH mm ss SSS Z` tokens. A text without a zone is read as UTC: a migration compares two
 * systems' renderings of one stored instant, and a zone they leave out is the same on both sides.
 */

/** Reads one JSON value as epoch milliseconds, or `undefined` when it is not written in this format. */
export type InstantParser = (value: unknown) => number | undefined;

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
const SQL = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/i;
// RFC 9110 §5.6.7 IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
const HTTP = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const DIGITS = /^-?\d+(\.\d+)?$/;

/** The formats `time: true` (or a `time` without `formats`) tries, in order. */
export const DEFAULT_TIME_FORMATS: readonly string[] = Object.freeze(['iso', 'sql', 'http']);

const NAMED: Readonly<Record<string, InstantParser>> = Object.freeze({
  iso: (value) => (typeof value === 'string' ? fromMatch(ISO.exec(value)) : undefined),
  sql: (value) => (typeof value === 'string' ? fromMatch(SQL.exec(value)) : undefined),
  http: (value) => (typeof value === 'string' && HTTP.test(value) ? Date.parse(value) : undefined),
  date: (value) =>
    typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? fromMatch(ISO.exec(value)) : undefined,
  'epoch-s': (value) => epoch(value, 1_000),
  'epoch-ms': (value) => epoch(value, 1),
});

/** The named formats, for messages. */
export const NAMED_TIME_FORMATS: readonly string[] = Object.freeze(Object.keys(NAMED));

/** Why a format cannot be used, or `null` when {@link compileTimeFormat} accepts it. */
export function validateTimeFormat(format: string): string | null {
  if (Object.hasOwn(NAMED, format)) return null;
  const tokens = tokenize(format);
  for (const required of ['YYYY', 'MM', 'DD']) {
    if (!tokens.includes(required)) {
      return `time format "${format}" is neither a named format (${NAMED_TIME_FORMATS.join(', ')}) nor a pattern with YYYY, MM and DD (missing ${required})`;
    }
  }
  const seen = new Set<string>();
  for (const token of tokens) {
    if (TOKENS.has(token) && seen.has(token)) return `time format "${format}" has ${token} twice`;
    seen.add(token);
  }
  return null;
}

/**
 * A parser for a named format or a pattern.
 * @throws Error on a format {@link validateTimeFormat} refuses (the config checks report it first).
 */
export function compileTimeFormat(format: string): InstantParser {
  const named = NAMED[format];
  if (named !== undefined) return named;
  const problem = validateTimeFormat(format);
  if (problem !== null) throw new Error(problem);
  const order: string[] = [];
  let source = '^';
  for (const token of tokenize(format)) {
    const group = TOKENS.get(token);
    if (group === undefined) source += token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else {
      source += `(${group})`;
      order.push(token);
    }
  }
  const pattern = new RegExp(`${source}$`, 'i');
  return (value) => {
    if (typeof value !== 'string') return undefined;
    const match = pattern.exec(value);
    if (match === null) return undefined;
    const part = (token: string): string | undefined => {
      const index = order.indexOf(token);
      return index === -1 ? undefined : match[index + 1];
    };
    return instant(
      [part('YYYY'), part('MM'), part('DD'), part('HH'), part('mm'), part('ss'), part('SSS')],
      part('Z'),
    );
  };
}

const TOKENS: ReadonlyMap<string, string> = new Map([
  ['YYYY', '\\d{4}'],
  ['MM', '\\d{2}'],
  ['DD', '\\d{2}'],
  ['HH', '\\d{2}'],
  ['mm', '\\d{2}'],
  ['ss', '\\d{2}'],
  ['SSS', '\\d{1,9}'],
  ['Z', 'Z|[+-]\\d{2}:?\\d{2}'],
]);

/** Splits a pattern into tokens and literal characters, longest token first. */
function tokenize(format: string): string[] {
  const parts: string[] = [];
  let at = 0;
  while (at < format.length) {
    const token = ['YYYY', 'SSS', 'MM', 'DD', 'HH', 'mm', 'ss', 'Z'].find((t) => format.startsWith(t, at));
    parts.push(token ?? format[at]!);
    at += token?.length ?? 1;
  }
  return parts;
}

function fromMatch(match: RegExpExecArray | null): number | undefined {
  if (match === null) return undefined;
  return instant(match.slice(1, 8), match[8]);
}

/** Epoch ms of UTC fields (zone applied), or `undefined` when a field is out of range. */
function instant(fields: readonly (string | undefined)[], zone: string | undefined): number | undefined {
  const [year, month, day, hour, minute, second] = fields.slice(0, 6).map((field) => Number(field ?? 0));
  const fraction = fields[6];
  const ms = fraction === undefined ? 0 : Number(`0.${fraction}`) * 1_000;
  if (month! < 1 || month! > 12 || day! < 1 || day! > 31 || hour! > 23 || minute! > 59 || second! > 60) {
    return undefined;
  }
  const utc = Date.UTC(year!, month! - 1, day, hour, minute, second) + ms;
  // Date.UTC rolls 31 February over to March: such a date is not a date.
  if (new Date(utc).getUTCDate() !== day) return undefined;
  return utc - offsetMs(zone);
}

function offsetMs(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
  return (zone.startsWith('-') ? -1 : 1) * minutes * 60_000;
}

function epoch(value: unknown, unitMs: number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value * unitMs : undefined;
  if (typeof value === 'string' && DIGITS.test(value)) return Number(value) * unitMs;
  return undefined;
}
