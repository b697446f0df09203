import { describe, expect, it } from 'vitest';
import type { CompareRules } from '../config/schema.ts';
import { jsonResponse } from '../../test/compare/captured.ts';
import { compareResponses } from './compare-responses.ts';
import { compileCompareRules } from './compile-rules.ts';
import { compileTimeFormat, validateTimeFormat } from './parse-instant.ts';
import { findRuleConflicts } from './rule-conflicts.ts';

function differences(legacy: unknown, service: unknown, rules: Partial<CompareRules>): string[] {
  const verdict = compareResponses(jsonResponse(legacy), jsonResponse(service), compileCompareRules(rules));
  return verdict.differences.map((difference) => `${difference.kind} ${difference.path}`);
}

describe('normalisers: the same written differently is equal, a real difference still counts', () => {
  it('equivalent: values of one group are equal', () => {
    const rules = { normalize: { '$.items[*].note': { equivalent: ['', null] } } };
    expect(differences({ items: [{ note: '' }] }, { items: [{ note: null }] }, rules)).toEqual([]);
    expect(differences({ items: [{ note: '' }] }, { items: [{ note: 'x' }] }, rules)).toEqual([
      'value $.items[0].note',
    ]);
  });

  it('time: ISO with milliseconds vs SQL whole seconds within a precision', () => {
    const rules = { normalize: { '$.at': { time: { precision: 1_000 } } } };
    expect(differences({ at: '2024-03-01T10:00:00.123Z' }, { at: '2024-03-01 10:00:00' }, rules)).toEqual([]);
    expect(differences({ at: '2024-03-01T10:00:00Z' }, { at: '2024-03-01 10:00:02' }, rules)).toEqual([
      'value $.at',
    ]);
    // Without a precision, the instants must be the same; zones are applied.
    const exact = { normalize: { '$.at': { time: true as const } } };
    expect(differences({ at: '2024-03-01T12:00:00+02:00' }, { at: '2024-03-01 10:00:00' }, exact)).toEqual(
      [],
    );
    expect(differences({ at: 'soon' }, { at: '2024-03-01 10:00:00' }, exact)).toEqual(['value $.at']);
  });

  it('time: custom patterns and epochs', () => {
    const rules = { normalize: { '$.at': { time: { formats: ['DD/MM/YYYY HH:mm', 'epoch-s'] } } } };
    expect(differences({ at: '01/03/2024 10:00' }, { at: 1_709_287_200 }, rules)).toEqual([]);
    expect(differences({ at: '02/03/2024 10:00' }, { at: 1_709_287_200 }, rules)).toEqual(['type $.at']);
  });

  it('number: numeric strings vs numbers, within a tolerance', () => {
    const rules = { normalize: { '$.price': { number: { tolerance: 0.01 } } } };
    expect(differences({ price: '12.50' }, { price: 12.505 }, rules)).toEqual([]);
    expect(differences({ price: '12.50' }, { price: 12.6 }, rules)).toEqual(['type $.price']);
    expect(differences({ price: 'n/a' }, { price: 0 }, rules)).toEqual(['type $.price']);
  });

  it('case and trim: strings compare folded', () => {
    const rules = { normalize: { '$.status': { case: 'insensitive' as const, trim: true as const } } };
    expect(differences({ status: ' Shipped ' }, { status: 'SHIPPED' }, rules)).toEqual([]);
    expect(differences({ status: 'Shipped' }, { status: 'pending' }, rules)).toEqual(['value $.status']);
    const trimOnly = { normalize: { '$.status': { trim: true as const } } };
    expect(differences({ status: 'a ' }, { status: 'A' }, trimOnly)).toEqual(['value $.status']);
  });

  it('sortedSet: an array of scalars in another order is equal, another member is not', () => {
    const rules = { normalize: { '$.tags': { sortedSet: true as const } } };
    expect(differences({ tags: ['a', 'b', 'c'] }, { tags: ['c', 'a', 'b'] }, rules)).toEqual([]);
    expect(differences({ tags: ['a', 'b'] }, { tags: ['b', 'x'] }, rules)).toEqual(['value $.tags[0]']);
  });

  it('sets pair elements by their normalised form', () => {
    const rules = {
      normalize: { '$.tags': { sortedSet: true as const }, '$.tags[*]': { case: 'insensitive' as const } },
    };
    expect(differences({ tags: ['A', 'b'] }, { tags: ['B', 'a'] }, rules)).toEqual([]);
  });

  it('status: a mapped status difference is accepted, others still count', () => {
    const rules = { status: { '201': 200 } };
    const created = jsonResponse({ id: 1 }, { status: 201 });
    const compiled = compileCompareRules(rules);
    expect(compareResponses(created, jsonResponse({ id: 1 }), compiled).outcome).toBe('match');
    const refused = compareResponses(created, jsonResponse({ id: 1 }, { status: 400 }), compiled);
    expect(refused.differences.map((d) => d.path)).toEqual(['status']);
    // Directional: legacy 200 against service 201 was not accepted.
    const reverse = compareResponses(jsonResponse({ id: 1 }), created, compiled);
    expect(reverse.outcome).toBe('mismatch');
  });
});

describe('time formats', () => {
  it('parse named formats and patterns to the same instant', () => {
    const instant = Date.UTC(2024, 2, 1, 10, 0, 0);
    expect(compileTimeFormat('iso')('2024-03-01T10:00:00Z')).toBe(instant);
    expect(compileTimeFormat('sql')('2024-03-01 10:00:00')).toBe(instant);
    expect(compileTimeFormat('http')('Fri, 01 Mar 2024 10:00:00 GMT')).toBe(instant);
    expect(compileTimeFormat('epoch-ms')(instant)).toBe(instant);
    expect(compileTimeFormat('YYYYMMDD HHmmss Z')('20240301 120000 +0200')).toBe(instant);
    expect(compileTimeFormat('iso')('2024-02-31T10:00:00Z')).toBeUndefined();
  });

  it('refuse formats that cannot name a day', () => {
    expect(validateTimeFormat('unix')).toMatch(/named format/);
    expect(validateTimeFormat('HH:mm')).toMatch(/missing YYYY/);
    expect(validateTimeFormat('YYYY-MM-DD DD')).toMatch(/DD twice/);
    expect(validateTimeFormat('DD.MM.YYYY')).toBeNull();
  });
});

describe('rule conflicts', () => {
  it('refuse a tolerance on a time or string path, and combinations that cannot apply together', () => {
    const conflicts = findRuleConflicts({
      tolerance: { '$.at': 1, '$.name': 0.5, '$.price': 0.1 },
      arrays: { '$.tags': {} },
      normalize: {
        '$.at': { time: true, number: true },
        '$.name': { trim: true },
        '$.price': { number: { tolerance: 0.01 } },
        '$.tags': { sortedSet: true, case: 'insensitive' },
        '$.when': { time: { formats: ['iso', 'when'] } },
      },
    });
    expect(conflicts.map((c) => `${c.kind} ${c.path.join(' ')}`)).toEqual([
      'conflict normalize $.at number',
      'conflict tolerance $.at',
      'conflict tolerance $.name',
      'conflict tolerance $.price',
      'conflict normalize $.tags sortedSet',
      'conflict normalize $.tags sortedSet',
      'format normalize $.when time formats 1',
    ]);
  });

  it('accept rules that work together', () => {
    expect(
      findRuleConflicts({
        tolerance: { '$.total': 0.01 },
        normalize: { '$.tags': { sortedSet: true }, '$.tags[*]': { case: 'insensitive', trim: true } },
      }),
    ).toEqual([]);
  });
});
