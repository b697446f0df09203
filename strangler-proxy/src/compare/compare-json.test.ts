import { describe, expect, it } from 'vitest';
import type { CompareRules } from '../config/schema.ts';
import { jsonResponse } from '../../test/compare/captured.ts';
import { compareResponses } from './compare-responses.ts';
import { compileCompareRules } from './compile-rules.ts';
import type { CompareLimits } from './compile-rules.ts';
import type { Difference, Verdict } from './verdict.ts';

function compare(
  legacy: unknown,
  service: unknown,
  rules: Partial<CompareRules> = {},
  limits: Partial<CompareLimits> = {},
): Verdict {
  return compareResponses(jsonResponse(legacy), jsonResponse(service), compileCompareRules(rules, limits));
}

function summary(verdict: Verdict): string[] {
  return verdict.differences.map((difference) => `${difference.kind} ${difference.path}`);
}

describe('JSON bodies, field by field', () => {
  it('match when only formatting and key order differ', () => {
    const verdict = compareResponses(
      jsonResponse(null, { text: '{"a":1,"b":[1,2],"c":{"d":null}}' }),
      jsonResponse(null, { text: '{\n  "c": {"d": null},\n  "b": [1, 2],\n  "a": 1.0\n}' }),
      compileCompareRules(),
    );
    expect(verdict).toMatchObject({ outcome: 'match', differences: [], signature: '', bodyMode: 'json' });
  });

  it('report value, type, missing and extra at their JSONPath', () => {
    const verdict = compare(
      { id: 7, price: '12.50', name: 'Tea', gone: true, nested: { deep: { flag: true } } },
      { id: 8, price: 12.5, name: 'Tea', added: null, nested: { deep: { flag: false } } },
    );
    expect(verdict.outcome).toBe('mismatch');
    expect(verdict.differences).toEqual([
      { path: '$.id', kind: 'value', legacy: 7, service: 8 },
      { path: '$.price', kind: 'type', legacy: '12.50', service: 12.5 },
      { path: '$.gone', kind: 'missing', legacy: true },
      { path: '$.nested.deep.flag', kind: 'value', legacy: true, service: false },
      { path: '$.added', kind: 'extra', service: null },
    ]);
  });

  it('quote keys that are not plain names', () => {
    const verdict = compare(
      { 'unit price': 1, "it's": { 'x-y': 1 } },
      { 'unit price': 2, "it's": { 'x-y': 2 } },
    );
    expect(summary(verdict)).toEqual(["value $['unit price']", "value $['it\\'s']['x-y']"]);
  });

  it('report arrays of different length once, then element and tail differences', () => {
    const verdict = compare({ items: [1, 2, 3] }, { items: [1, 5] });
    expect(verdict.differences).toEqual([
      { path: '$.items', kind: 'length', legacy: 3, service: 2 },
      { path: '$.items[1]', kind: 'value', legacy: 2, service: 5 },
      { path: '$.items[2]', kind: 'missing', legacy: 3 },
    ]);
    expect(summary(compare([1], [1, { a: 1 }]))).toEqual(['length $', 'extra $[1]']);
  });

  it('report the same elements in another order as one order difference', () => {
    const legacy = { items: [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }] };
    const service = { items: [{ id: 3 }, { id: 2 }, { id: 1 }, { id: 4 }] };
    const verdict = compare(legacy, service);
    expect(summary(verdict)).toEqual(['order $.items']);
    expect(verdict.differences[0]?.legacy).toEqual(legacy.items);
  });

  it('report positions one by one when the arrays are not a reordering', () => {
    const verdict = compare([1, 2, 3], [2, 1, 4]);
    expect(summary(verdict)).toEqual(['value $[0]', 'value $[1]', 'value $[2]']);
    expect(summary(compare([1, 1, 2], [1, 2, 2]))).toEqual(['value $[1]']);
  });

  it('treat an array of duplicates reordered as a reordering', () => {
    expect(summary(compare(['x', 'y', 'x'], ['y', 'x', 'x']))).toEqual(['order $']);
  });

  it('report a type difference between array and object, and at the root', () => {
    expect(summary(compare({ a: [] }, { a: {} }))).toEqual(['type $.a']);
    expect(compare([1], { 0: 1 }).differences).toEqual([
      { path: '$', kind: 'type', legacy: [1], service: { 0: 1 } },
    ]);
  });
});

describe('rules', () => {
  it('ignore: skips the paths and everything below them', () => {
    const legacy = {
      generatedAt: 'a',
      meta: { trace: { id: 1 } },
      items: [{ id: 1, updated_at: 'x' }],
      keep: 1,
    };
    const service = {
      generatedAt: 'b',
      meta: { trace: { id: 2, more: 1 } },
      items: [{ id: 1, updated_at: 'y' }],
      keep: 2,
    };
    const verdict = compare(legacy, service, {
      ignore: ['$.generatedAt', '$.meta', '$.items[*].updated_at'],
    });
    expect(summary(verdict)).toEqual(['value $.keep']);
  });

  it('ignore: also covers fields present on one side only', () => {
    const verdict = compare({ a: 1, debug: {} }, { a: 1, trace: 'x' }, { ignore: ['$.debug', '$.trace'] });
    expect(verdict.outcome).toBe('match');
  });

  it('ignore: ..key skips the key at any depth', () => {
    const verdict = compare(
      { requestId: 1, data: { requestId: 2, rows: [{ requestId: 3, v: 1 }] } },
      { requestId: 9, data: { requestId: 8, rows: [{ requestId: 7, v: 2 }] } },
      { ignore: ['$..requestId'] },
    );
    expect(summary(verdict)).toEqual(['value $.data.rows[0].v']);
  });

  it('ignore: $ ignores the whole body', () => {
    expect(compare({ a: 1 }, [2], { ignore: ['$'] }).outcome).toBe('match');
  });

  it('tolerance: numbers within the absolute tolerance are equal', () => {
    const rules = { tolerance: { '$.price': 0.005, '$.lines[*].amount': 0.01 } };
    expect(compare({ price: 10 }, { price: 10.005 }, rules).outcome).toBe('match');
    expect(compare({ price: 10 }, { price: 9.995 }, rules).outcome).toBe('match');
    expect(summary(compare({ price: 10 }, { price: 10.006 }, rules))).toEqual(['value $.price']);
    expect(
      compare(
        { lines: [{ amount: 1 }, { amount: 2 }] },
        { lines: [{ amount: 1.01 }, { amount: 1.99 }] },
        rules,
      ).outcome,
    ).toBe('match');
    // Only numbers, only at the path: a string or another field is compared exactly.
    expect(summary(compare({ price: 10, tax: 1 }, { price: '10', tax: 1.001 }, rules))).toEqual([
      'type $.price',
      'value $.tax',
    ]);
  });

  it('arrays with orderBy: pair elements by key, whatever their order', () => {
    const rules = { arrays: { '$.items': { orderBy: 'id' } } };
    const legacy = {
      items: [
        { id: 1, qty: 1 },
        { id: 2, qty: 2 },
        { id: 3, qty: 3 },
      ],
    };
    const service = {
      items: [
        { id: 3, qty: 3 },
        { id: 4, qty: 4 },
        { id: 1, qty: 5 },
      ],
    };
    const verdict = compare(legacy, service, rules);
    expect(verdict.differences).toEqual([
      { path: '$.items[0].qty', kind: 'value', legacy: 1, service: 5 },
      { path: '$.items[1]', kind: 'missing', legacy: { id: 2, qty: 2 } },
      { path: '$.items[1]', kind: 'extra', service: { id: 4, qty: 4 } },
    ]);
    expect(compare(legacy, { items: [...legacy.items].reverse() }, rules).outcome).toBe('match');
  });

  it('arrays with orderBy: a key that changed type still pairs, and shows as a type difference', () => {
    const rules = { arrays: { '$.items': { orderBy: 'id' } } };
    const verdict = compare({ items: [{ id: '7' }, { id: '8' }] }, { items: [{ id: 8 }, { id: 7 }] }, rules);
    expect(summary(verdict)).toEqual(['type $.items[0].id', 'type $.items[1].id']);
  });

  it('arrays with orderBy: duplicate keys pair in order, unkeyed elements by value', () => {
    const rules = { arrays: { $: { orderBy: 'id' } } };
    expect(
      compare(
        [{ id: 1, v: 'a' }, { id: 1, v: 'b' }, 'loose'],
        ['loose', { id: 1, v: 'a' }, { id: 1, v: 'b' }],
        rules,
      ).outcome,
    ).toBe('match');
  });

  it('arrays without orderBy: compare as a multiset of values', () => {
    const rules = { arrays: { '$.tags': {} } };
    expect(compare({ tags: ['a', 'b', 'c'] }, { tags: ['c', 'a', 'b'] }, rules).outcome).toBe('match');
    expect(compare({ tags: ['a', 'a', 'b'] }, { tags: ['a', 'b', 'b'] }, rules).differences).toEqual([
      { path: '$.tags[1]', kind: 'value', legacy: 'a', service: 'b' },
    ]);
    expect(summary(compare({ tags: ['a', 'b'] }, { tags: ['b'] }, rules))).toEqual(['missing $.tags[0]']);
    expect(summary(compare({ tags: [] }, { tags: [{ x: 1 }] }, rules))).toEqual(['extra $.tags[0]']);
  });

  it('arrays without orderBy: a changed element shows as field differences, ignored fields do not count', () => {
    const rules = { arrays: { '$.rows': {} }, ignore: ['$.rows[*].seen'] };
    const legacy = {
      rows: [
        { a: 1, seen: 1 },
        { a: 2, seen: 2 },
        { a: 3, seen: 3 },
      ],
    };
    const service = {
      rows: [
        { a: 3, seen: 9 },
        { a: 20, seen: 9 },
        { a: 1, seen: 9 },
      ],
    };
    expect(summary(compare(legacy, service, rules))).toEqual(['value $.rows[1].a']);
  });

  it('arrays: a ..key rule reaches arrays at any depth', () => {
    const rules = { arrays: { '$..tags': {} } };
    expect(compare({ a: { b: [{ tags: [1, 2] }] } }, { a: { b: [{ tags: [2, 1] }] } }, rules).outcome).toBe(
      'match',
    );
  });

  it('redact: differences never carry redacted values, at the path or below it', () => {
    const rules = { redact: ['$.customer.email', '$..card'] };
    const verdict = compare(
      { customer: { email: 'a@x.io', card: { pan: '4111' }, name: 'A' } },
      { customer: { email: 'b@x.io', card: { pan: '4242' }, name: 'B' } },
      rules,
    );
    expect(verdict.differences).toEqual([
      { path: '$.customer.email', kind: 'value', legacy: '[redacted]', service: '[redacted]' },
      { path: '$.customer.card.pan', kind: 'value', legacy: '[redacted]', service: '[redacted]' },
      { path: '$.customer.name', kind: 'value', legacy: 'A', service: 'B' },
    ]);
    const missing = compare({ customer: { email: 'a@x.io', id: 1 } }, {}, rules);
    expect(missing.differences).toEqual([
      { path: '$.customer', kind: 'missing', legacy: { email: '[redacted]', id: 1 } },
    ]);
  });
});

describe('bounds', () => {
  it('cap the listed differences, count the rest, and keep the signature of all of them', () => {
    const legacy = Object.fromEntries(Array.from({ length: 100 }, (_, index) => [`k${index}`, index]));
    const service = Object.fromEntries(Array.from({ length: 100 }, (_, index) => [`k${index}`, -index - 1]));
    const verdict = compare(legacy, service, {}, { maxDifferences: 10 });
    expect(verdict.differences).toHaveLength(10);
    expect(verdict.omitted).toBe(90);
    const fewer = compare(legacy, service, {}, { maxDifferences: 200 });
    expect(fewer.omitted).toBe(0);
    expect(verdict.signature).toBe(fewer.signature);
  });

  it('keep previews of large values small', () => {
    const big = Array.from({ length: 1000 }, (_, index) => ({ index, text: 'x'.repeat(1000) }));
    const verdict = compare({ big }, {});
    const preview = verdict.differences[0]?.legacy as unknown[];
    expect(preview.length).toBeLessThanOrEqual(21);
    expect(preview.at(-1)).toMatch(/^… \d+ more$/);
    expect(JSON.stringify(verdict).length).toBeLessThan(10_000);
  });

  it('survive any nesting depth, reporting at the depth bound', () => {
    // Built as text: JSON.stringify itself would overflow the stack at this depth.
    const deep = (levels: number, leaf: string): string =>
      `${'{"a":['.repeat(levels)}${leaf}${']}'.repeat(levels)}`;
    const pair = (legacy: string, service: string, limits: Partial<CompareLimits> = {}): Verdict =>
      compareResponses(
        jsonResponse(null, { text: legacy }),
        jsonResponse(null, { text: service }),
        compileCompareRules({}, limits),
      );
    expect(pair(deep(50_000, '1'), ` ${deep(50_000, '1')}`).outcome).toBe('match');
    const verdict = pair(deep(50_000, '1'), deep(50_000, '2'), { maxDepth: 10 });
    expect(verdict.outcome).toBe('mismatch');
    expect(verdict.differences).toHaveLength(1);
    const [difference] = verdict.differences as [Difference];
    expect(difference.kind).toBe('value');
    expect(difference.path).toBe('$.a[0].a[0].a[0].a[0].a[0]');
    expect(summary(pair(deep(20, '1'), deep(20, '"1"'), { maxDepth: 100 }))).toEqual([
      `type $${'.a[0]'.repeat(20)}`,
    ]);
  });

  it('compare a 100 KB body and find the one difference', () => {
    const rows = Array.from({ length: 1000 }, (_, id) => ({
      id,
      name: `row ${id}`,
      price: id * 1.5,
      tags: ['a', 'b'],
    }));
    const changed = rows.map((row) => (row.id === 500 ? { ...row, price: 0 } : row));
    expect(JSON.stringify(rows).length).toBeGreaterThan(50_000);
    expect(summary(compare({ rows }, { rows: changed }))).toEqual(['value $.rows[500].price']);
  });
});

describe('identifiers that correspond (a correlation map passed in)', () => {
  const captured = (value: unknown) => ({
    status: 201,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify(value)),
    truncated: false,
    latencyMs: 1,
  });
  const correspondence = {
    corresponds: (legacy: string | number, service: string | number) =>
      String(legacy) === 'hello-m1' && String(service) === 'hello-s5001',
  };

  it('counts a known pair as equal, and only that pair', () => {
    const legacy = captured({ slug: 'hello-m1', title: 'Hello' });
    const service = captured({ slug: 'hello-s5001', title: 'Hello' });
    const rules = compileCompareRules({});
    expect(compareResponses(legacy, service, rules).outcome).toBe('mismatch');
    expect(compareResponses(legacy, service, rules, undefined, correspondence).outcome).toBe('match');
    const other = captured({ slug: 'hello-s5002', title: 'Hello' });
    expect(compareResponses(legacy, other, rules, undefined, correspondence).outcome).toBe('mismatch');
  });
});
