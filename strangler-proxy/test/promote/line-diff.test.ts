import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/promote/line-diff.ts';

/** Applies a unified diff produced by unifiedDiff (test oracle: the diff must reproduce `after`). */
function applyDiff(before: string, diff: string): string {
  if (diff === '') return before;
  const old = before.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const lines = diff.split('\n').slice(2, -1);
  const out: string[] = [];
  let cursor = 0; // next old line not yet copied
  let k = 0;
  while (k < lines.length) {
    const header = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$/.exec(lines[k]!);
    if (!header) throw new Error(`bad hunk header: ${lines[k]}`);
    const count = header[2] === undefined ? 1 : Number(header[2]);
    const start = count === 0 ? Number(header[1]) : Number(header[1]) - 1;
    out.push(...old.slice(cursor, start));
    cursor = start;
    k++;
    while (k < lines.length && !lines[k]!.startsWith('@@')) {
      const line = lines[k]!;
      const noNewline = lines[k + 1] === '\\ No newline at end of file';
      const text = line.slice(1) + (noNewline ? '' : '\n');
      if (line[0] === ' ') {
        expect(old[cursor]).toBe(text);
        out.push(text);
        cursor++;
      } else if (line[0] === '-') {
        expect(old[cursor]).toBe(text);
        cursor++;
      } else if (line[0] === '+') {
        out.push(text);
      } else {
        throw new Error(`bad diff line: ${line}`);
      }
      k += noNewline ? 2 : 1;
    }
  }
  out.push(...old.slice(cursor));
  return out.join('');
}

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\n', 'a\n')).toBe('');
  });

  it('shows a changed line with three lines of context', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].join('\n') + '\n';
    const after = before.replace('5\n', 'five\n');
    expect(unifiedDiff(before, after, { fromFile: 'a/routes.yaml', toFile: 'b/routes.yaml' })).toBe(
      '--- a/routes.yaml\n+++ b/routes.yaml\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n',
    );
  });

  it('shows inserted lines', () => {
    expect(unifiedDiff('a\nb\n', 'a\nx\ny\nb\n')).toBe('--- a\n+++ b\n@@ -1,2 +1,4 @@\n a\n+x\n+y\n b\n');
  });

  it('marks a missing final newline', () => {
    expect(unifiedDiff('a', 'a\nb')).toBe(
      '--- a\n+++ b\n@@ -1 +1,2 @@\n-a\n\\ No newline at end of file\n+a\n+b\n\\ No newline at end of file\n',
    );
  });

  it('makes separate hunks for distant changes and shows CRLF lines without the CR', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}\r\n`).join('');
    const after = before.replace('line 2\r\n', 'LINE 2\r\n').replace('line 17\r\n', 'LINE 17\r\n');
    const diff = unifiedDiff(before, after);
    expect(diff.match(/^@@/gm)).toHaveLength(2);
    expect(diff).not.toContain('\r');
    expect(applyDiff(before.replaceAll('\r', ''), diff)).toBe(after.replaceAll('\r', ''));
  });

  it('reproduces the new text from the old one, for any pair of texts', () => {
    const text = fc
      .array(fc.constantFrom('a', 'b', 'c', 'd', ''), { maxLength: 30 })
      .chain((lines) =>
        fc.boolean().map((finalNewline) => lines.join('\n') + (finalNewline && lines.length > 0 ? '\n' : '')),
      );
    fc.assert(
      fc.property(text, text, fc.integer({ min: 0, max: 4 }), (before, after, context) => {
        expect(applyDiff(before, unifiedDiff(before, after, { context }))).toBe(after);
      }),
      { numRuns: 500 },
    );
  });
});
