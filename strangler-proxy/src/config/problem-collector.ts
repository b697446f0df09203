/**
 * Collects the loader's problems: locates each by source offset (1-based line and column), drops exact
 * duplicates (a default inherited by ten routes is one problem), caps the report, and sorts it by position.
 */
import { CONFIG_ERRORS, type ConfigErrorCode, type ConfigProblem } from './errors.ts';
import { formatKeyPath, type KeyPath } from './key-path.ts';

export interface ProblemSite {
  /** Offset in the source text (UTF-16 units). */
  readonly offset: number;
  readonly path?: KeyPath;
  readonly routeId?: string | undefined;
}

export interface ProblemCollector {
  /** `site` may be a function: locating is then skipped for problems beyond the cap. */
  add(code: ConfigErrorCode, message: string, site: ProblemSite | (() => ProblemSite)): void;
  /**
   * Ignores further problems at `offset` except `CONFIG_ENV_*`: a value whose `${VAR}` failed would only add
   * consequences of the same mistake.
   */
  mute(offset: number): void;
  /** 1-based line and column of an offset. */
  position(offset: number): { line: number; column: number };
  readonly errorCount: number;
  finish(): { problems: ConfigProblem[]; warnings: ConfigProblem[] };
}

export function createProblemCollector(file: string, text: string, maxProblems: number): ProblemCollector {
  const errors: { problem: ConfigProblem; order: number }[] = [];
  const warnings: { problem: ConfigProblem; order: number }[] = [];
  const seen = new Set<string>();
  const muted = new Set<number>();
  let lineStarts: number[] | undefined;
  let dropped = 0;

  const position = (offset: number) => {
    lineStarts ??= computeLineStarts(text);
    const at = Math.max(0, Math.min(offset, text.length));
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= at) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: at - (lineStarts[low] ?? 0) + 1 };
  };

  return {
    add(code, message, siteOrLocate) {
      const { severity } = CONFIG_ERRORS[code];
      if (severity === 'error' && errors.length >= maxProblems) {
        dropped++;
        return;
      }
      const site = typeof siteOrLocate === 'function' ? siteOrLocate() : siteOrLocate;
      if (muted.has(site.offset) && !code.startsWith('CONFIG_ENV_')) return;
      const key = `${code}\u0000${site.offset}\u0000${message}`;
      if (seen.has(key)) return;
      seen.add(key);
      const list = severity === 'error' ? errors : warnings;
      const problem: ConfigProblem = {
        code,
        message,
        file,
        ...position(site.offset),
        ...(site.routeId === undefined ? {} : { routeId: site.routeId }),
        path: formatKeyPath(site.path ?? []),
      };
      list.push({ problem, order: seen.size });
    },
    mute(offset) {
      muted.add(offset);
    },
    position,
    get errorCount() {
      return errors.length + dropped;
    },
    finish() {
      const problems = sortByPosition(errors);
      if (dropped > 0) {
        problems.push({
          code: 'CONFIG_TOO_MANY_PROBLEMS',
          message: `${dropped} more problem(s) not shown; fix these first`,
          file,
          line: 1,
          column: 1,
          path: '',
        });
      }
      return { problems, warnings: sortByPosition(warnings) };
    },
  };
}

function sortByPosition(list: { problem: ConfigProblem; order: number }[]): ConfigProblem[] {
  return list
    .sort(
      (a, b) => a.problem.line - b.problem.line || a.problem.column - b.problem.column || a.order - b.order,
    )
    .map((entry) => entry.problem);
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x0a || (code === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) starts.push(i + 1);
  }
  return starts;
}
