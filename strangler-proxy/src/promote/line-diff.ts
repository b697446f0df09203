/**
 * A unified line diff (`diff -u` format), for `--dry-run`. Edits to routes.yaml touch a line or two, so
 * the common head and tail are trimmed first and a plain LCS runs on what is left; a middle too large for
 * that is shown as replaced whole (still a correct diff, only less minimal).
 */

export interface UnifiedDiffOptions {
  readonly fromFile?: string;
  readonly toFile?: string;
  /** Unchanged lines shown around each change. */
  readonly context?: number;
}

type Op = { readonly kind: ' ' | '-' | '+'; readonly line: string };

const MAX_LCS_CELLS = 4_000_000;

/** The unified diff from `before` to `after`; the empty string when they are equal. */
export function unifiedDiff(before: string, after: string, options: UnifiedDiffOptions = {}): string {
  if (before === after) return '';
  const { fromFile = 'a', toFile = 'b', context = 3 } = options;
  const ops = diffLines(splitLines(before), splitLines(after));
  const changed = ops.flatMap((op, index) => (op.kind === ' ' ? [] : [index]));
  const hunks = buildHunks(ops, changed, context);
  return [`--- ${fromFile}`, `+++ ${toFile}`, ...hunks].join('\n') + '\n';
}

/** Lines with their terminators, so that a missing final newline is a difference too. */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function diffLines(a: readonly string[], b: readonly string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  ) {
    tail++;
  }
  const same = (lines: readonly string[]): Op[] => lines.map((line) => ({ kind: ' ', line }));
  return [
    ...same(a.slice(0, head)),
    ...diffMiddle(a.slice(head, a.length - tail), b.slice(head, b.length - tail)),
    ...same(a.slice(a.length - tail)),
  ];
}

function diffMiddle(a: readonly string[], b: readonly string[]): Op[] {
  const removed = (lines: readonly string[]): Op[] => lines.map((line) => ({ kind: '-', line }));
  const added = (lines: readonly string[]): Op[] => lines.map((line) => ({ kind: '+', line }));
  if (a.length === 0 || b.length === 0 || a.length * b.length > MAX_LCS_CELLS)
    return [...removed(a), ...added(b)];
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? lcs[(i + 1) * width + j + 1]! + 1
          : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i++]! });
      j++;
    } else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) {
      ops.push({ kind: '-', line: a[i++]! });
    } else {
      ops.push({ kind: '+', line: b[j++]! });
    }
  }
  return [...ops, ...removed(a.slice(i)), ...added(b.slice(j))];
}

function buildHunks(ops: readonly Op[], changed: readonly number[], context: number): string[] {
  const out: string[] = [];
  // Line numbers (0-based) in the old and new file before each op.
  const oldAt: number[] = [];
  const newAt: number[] = [];
  let o = 0;
  let n = 0;
  for (const op of ops) {
    oldAt.push(o);
    newAt.push(n);
    if (op.kind !== '+') o++;
    if (op.kind !== '-') n++;
  }
  let k = 0;
  while (k < changed.length) {
    const groupFirst = changed[k]!;
    let groupLast = groupFirst;
    while (k + 1 < changed.length && changed[k + 1]! - groupLast <= 2 * context + 1)
      groupLast = changed[++k]!;
    k++;
    const start = Math.max(0, groupFirst - context);
    const end = Math.min(ops.length, groupLast + context + 1);
    const slice = ops.slice(start, end);
    const oldCount = slice.filter((op) => op.kind !== '+').length;
    const newCount = slice.filter((op) => op.kind !== '-').length;
    const oldStart = oldCount === 0 ? oldAt[start]! : oldAt[start]! + 1;
    const newStart = newCount === 0 ? newAt[start]! : newAt[start]! + 1;
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`);
    for (const op of slice) {
      out.push(op.kind + op.line.replace(/\r?\n$/, ''));
      if (!op.line.endsWith('\n')) out.push('\\ No newline at end of file');
    }
  }
  return out;
}

function range(start: number, count: number): string {
  return count === 1 ? String(start) : `${start},${count}`;
}
