import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonResponse } from '../../test/compare/captured.ts';
import { compareResponses } from './compare-responses.ts';
import { compileCompareRules } from './compile-rules.ts';
import type { Difference, Verdict } from './verdict.ts';

// Room for every difference, so that both directions list all of them.
const rules = compileCompareRules({}, { maxDifferences: 100_000 });

/** Compares the parsed values: the second side is re-serialised so the bytes differ and the walk runs. */
function compareValues(legacy: unknown, service: unknown): Verdict {
  return compareResponses(
    jsonResponse(null, { text: JSON.stringify(legacy) }),
    jsonResponse(null, { text: ` ${JSON.stringify(service, null, 1)}` }),
    rules,
  );
}

const MIRROR: Record<string, string> = { missing: 'extra', extra: 'missing' };

function mirrored(difference: Difference): string {
  const kind = MIRROR[difference.kind] ?? difference.kind;
  return JSON.stringify([difference.path, kind, difference.service, difference.legacy]);
}

function plain(difference: Difference): string {
  return JSON.stringify([difference.path, difference.kind, difference.legacy, difference.service]);
}

/** The same value with object members in another order. */
function shuffled(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((item, index) => shuffled(item, seed + index));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const rotated = [
    ...entries.slice(seed % Math.max(entries.length, 1)),
    ...entries.slice(0, seed % Math.max(entries.length, 1)),
  ];
  return Object.fromEntries(rotated.reverse().map(([key, item]) => [key, shuffled(item, seed + 1)]));
}

describe('properties', () => {
  it('any JSON value compared with itself is a match', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const verdict = compareValues(value, value);
        expect(verdict.differences).toEqual([]);
        expect(verdict.outcome).toBe('match');
      }),
      { numRuns: 300 },
    );
  });

  it('member order never matters', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), (value, seed) => {
        expect(compareValues(value, shuffled(value, seed)).outcome).toBe('match');
      }),
      { numRuns: 300 },
    );
  });

  it('compare(a, b) mirrors compare(b, a): missing and extra swap, values swap sides', () => {
    const similar = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom(0, 1, 'a', 'b', true, null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.constantFrom('x', 'y', 'z'), tie('value'), { maxKeys: 3 }),
      ),
    })).value;
    fc.assert(
      fc.property(similar, similar, (a, b) => {
        const forward = compareValues(a, b);
        const backward = compareValues(b, a);
        expect(forward.outcome).toBe(backward.outcome);
        expect(forward.differences.map(mirrored).sort()).toEqual(backward.differences.map(plain).sort());
      }),
      { numRuns: 1000 },
    );
  });
});
