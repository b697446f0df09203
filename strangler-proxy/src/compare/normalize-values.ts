/**
 * Normalisers: "the same, written differently" at one path (`compare.normalize`). Each is compiled once
 * from the config into a pair of pure functions: whether two values count as equal, and a canonical form
 * that equal values share (so that arrays compared as sets pair them too).
 */
import type { NormalizerConfig } from '../config/schema.ts';
import { compileTimeFormat, DEFAULT_TIME_FORMATS, type InstantParser } from './parse-instant.ts';

export interface Normalizer {
  /** Whether `a` and `b` (already known to differ as written) count as the same here. */
  equal(a: unknown, b: unknown): boolean;
  /** A form every value it deems equal shares closely enough to pair set elements; the value otherwise. */
  canonical(value: unknown): unknown;
}

const NUMERIC = /^\s*-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i;

/** Compiles one path's normaliser. Config checks have refused combinations that cannot apply together. */
export function compileNormalizer(config: NormalizerConfig): Normalizer {
  const steps: Normalizer[] = [];
  if (config.equivalent !== undefined) steps.push(equivalentValues(config.equivalent));
  if (config.time !== undefined) {
    const options = config.time === true ? {} : config.time;
    steps.push(instants(options.formats ?? DEFAULT_TIME_FORMATS, options.precision ?? 0));
  }
  if (config.number !== undefined) {
    steps.push(numbers(config.number === true ? 0 : (config.number.tolerance ?? 0)));
  }
  if (config.case !== undefined || config.trim !== undefined) {
    steps.push(strings(config.case === 'insensitive', config.trim === true));
  }
  if (steps.length === 1) return steps[0]!;
  return {
    equal: (a, b) => steps.some((step) => step.equal(a, b)),
    canonical: (value) => steps.reduce((current, step) => step.canonical(current), value),
  };
}

function equivalentValues(group: readonly unknown[]): Normalizer {
  const members = new Set(group);
  return {
    equal: (a, b) => members.has(a) && members.has(b),
    canonical: (value) => (members.has(value) ? group[0] : value),
  };
}

function instants(formats: readonly string[], precisionMs: number): Normalizer {
  const parsers: InstantParser[] = formats.map(compileTimeFormat);
  const parse = (value: unknown): number | undefined => {
    for (const parser of parsers) {
      const at = parser(value);
      if (at !== undefined && Number.isFinite(at)) return at;
    }
    return undefined;
  };
  return {
    equal(a, b) {
      const x = parse(a);
      const y = parse(b);
      if (x === undefined || y === undefined) return false;
      return precisionMs === 0 ? x === y : Math.abs(x - y) < precisionMs;
    },
    canonical(value) {
      const at = parse(value);
      if (at === undefined) return value;
      return precisionMs === 0 ? at : Math.floor(at / precisionMs);
    },
  };
}

function numbers(tolerance: number): Normalizer {
  return {
    equal(a, b) {
      const x = asNumber(a);
      const y = asNumber(b);
      return x !== undefined && y !== undefined && withinTolerance(x, y, tolerance);
    },
    canonical: (value) => asNumber(value) ?? value,
  };
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && NUMERIC.test(value)) return Number(value);
  return undefined;
}

function strings(ignoreCase: boolean, trim: boolean): Normalizer {
  const fold = (value: string): string => {
    const trimmed = trim ? value.trim() : value;
    return ignoreCase ? trimmed.toLowerCase() : trimmed;
  };
  return {
    equal: (a, b) => typeof a === 'string' && typeof b === 'string' && fold(a) === fold(b),
    canonical: (value) => (typeof value === 'string' ? fold(value) : value),
  };
}

/**
 * `|a - b| <= tolerance`, with a relative slack that absorbs binary rounding (10.005 - 10 is
 * 0.00499999...), not real differences.
 */
export function withinTolerance(a: number, b: number, tolerance: number): boolean {
  return Math.abs(a - b) <= tolerance + 4 * Number.EPSILON * Math.max(Math.abs(a), Math.abs(b));
}
