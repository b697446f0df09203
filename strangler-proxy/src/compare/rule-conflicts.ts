/**
 * Rules that validate one by one but cannot do what they say together: a numeric `tolerance` on a path
 * declared a time or a string, `time` and `number` on one path, `case`/`trim` beside either, `sortedSet`
 * beside a value normaliser or an `arrays` entry; and `time` formats nobody can parse with. Refused at
 * load instead of silently doing nothing. Runs on a raw `compare` block (shapes the schema reports are
 * skipped here).
 */
import { validateTimeFormat } from './parse-instant.ts';

export interface RuleConflict {
  /** Where, inside the `compare` block (`['normalize', '$.at', 'time', 'formats', 0]`). */
  readonly path: readonly (string | number)[];
  readonly message: string;
  /** `conflict`: rules that cannot apply together; `format`: a `time` format that cannot be read. */
  readonly kind: 'conflict' | 'format';
}

type Plain = Record<string, unknown>;

const isPlain = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every conflict in a `compare` block, in file order of the `normalize` entries. */
export function findRuleConflicts(compare: Plain): RuleConflict[] {
  const conflicts: RuleConflict[] = [];
  const normalize = isPlain(compare.normalize) ? compare.normalize : {};
  const tolerance = isPlain(compare.tolerance) ? compare.tolerance : {};
  const arrays = isPlain(compare.arrays) ? compare.arrays : {};
  for (const [path, entry] of Object.entries(normalize)) {
    if (!isPlain(entry)) continue;
    const at = (...keys: (string | number)[]) => ['normalize', path, ...keys];
    const has = (key: string) => entry[key] !== undefined;
    const conflict = (key: string, message: string) =>
      conflicts.push({ path: at(key), message: `${path}: ${message}`, kind: 'conflict' });
    if (has('time') && has('number')) {
      conflict('number', 'a value is read either as a time or as a number, not both');
    }
    for (const text of ['case', 'trim']) {
      if (!has(text)) continue;
      if (has('time')) conflict(text, `${text} compares strings as written; time already compares instants`);
      else if (has('number')) conflict(text, `${text} compares strings as written; number compares numbers`);
    }
    if (has('sortedSet')) {
      const beside = ['equivalent', 'time', 'number', 'case', 'trim'].filter(has);
      if (beside.length > 0) {
        conflict(
          'sortedSet',
          `sortedSet applies to the array itself, ${beside.join(' and ')} to single values: put them on ${path}[*]`,
        );
      }
      if (Object.hasOwn(arrays, path)) {
        conflict('sortedSet', 'arrays already says how this array is compared: keep one of the two');
      }
    }
    if (Object.hasOwn(tolerance, path)) {
      if (has('time') || has('case') || has('trim')) {
        conflicts.push({
          path: ['tolerance', path],
          message: `${path}: tolerance compares numbers, but normalize declares this path a ${has('time') ? 'time (use time.precision)' : 'string'}`,
          kind: 'conflict',
        });
      } else if (has('number')) {
        conflicts.push({
          path: ['tolerance', path],
          message: `${path}: a tolerance is given twice (tolerance and normalize.number.tolerance): keep number.tolerance`,
          kind: 'conflict',
        });
      }
    }
    const formats = isPlain(entry.time) ? entry.time.formats : undefined;
    if (Array.isArray(formats)) {
      formats.forEach((format: unknown, index) => {
        if (typeof format !== 'string') return; // the schema reports it
        const problem = validateTimeFormat(format);
        if (problem !== null) {
          conflicts.push({ path: at('time', 'formats', index), message: problem, kind: 'format' });
        }
      });
    }
  }
  return conflicts;
}
