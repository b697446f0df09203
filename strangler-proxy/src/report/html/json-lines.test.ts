import { describe, expect, it } from 'vitest';
import { alignedJsonLines } from './json-lines.ts';

const text = (line: { depth: number; text: string } | null) =>
  line === null ? '' : `${'  '.repeat(line.depth)}${line.text}`;

describe('alignedJsonLines', () => {
  it('puts each member beside its counterpart, whatever the order or the members one side lacks', () => {
    const rows = alignedJsonLines(
      { id: 1, tags: ['a', 'b'], price: '12.50' },
      { price: 12.5, id: 1, slug: 'x', tags: ['a'] },
    ).map((row) => [text(row.legacy), text(row.service)]);
    expect(rows).toEqual([
      ['{', '{'],
      ['  "id": 1,', '  "id": 1,'],
      ['  "tags": [', '  "tags": ['],
      ['    "a",', '    "a"'],
      ['    "b"', ''],
      ['  ],', '  ]'],
      ['  "price": "12.50"', '  "price": 12.5,'],
      ['', '  "slug": "x",'],
      ['}', '}'],
    ]);
  });

  it('lays out values of different shapes line by line on each side', () => {
    const rows = alignedJsonLines({ a: { b: 1 } }, { a: null });
    expect(rows.map((row) => [text(row.legacy), text(row.service)])).toEqual([
      ['{', '{'],
      ['  "a": {', '  "a": null'],
      ['    "b": 1', ''],
      ['  }', ''],
      ['}', '}'],
    ]);
  });
});
