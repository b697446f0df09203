/**
 * The report: the run's heading, then each scenario's tables and the targets, as Markdown tables with
 * aligned columns (read as they are in a terminal); and its place in RESULTS.md.
 */
import type { Cell, Row, Table, TargetCheck } from './scenario.ts';

/** A figure as printed: a number with the decimals its size needs, a dash when there is none. */
export function cell(value: Cell | undefined): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  const size = Math.abs(value);
  const digits = Number.isInteger(value) || size >= 100 ? 0 : size >= 10 ? 1 : size >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** `name count, …` of the non-zero counts, or `none`. */
export const counts = (record: Readonly<Record<string, number>>): string =>
  Object.entries(record)
    .filter(([, count]) => count > 0)
    .map(([name, count]) => `${name} ${cell(count)}`)
    .join(', ') || 'none';

/** The figure of one setup's row under `header`, NaN when there is none. */
export const figure = (rows: readonly Row[], setup: string, header: string): number => {
  const value = rows.find((row) => row.setup === setup)?.[header];
  return typeof value === 'number' ? value : NaN;
};

/** Whether `value` is on the right side of `bound`; null when the run has no value. */
export const within = (value: number, bound: number, side: 'max' | 'min'): boolean | null =>
  Number.isFinite(value) ? (side === 'max' ? value <= bound : value >= bound) : null;

function renderTable({ title, rows, notes = [] }: Table): string[] {
  const headers = Object.keys(rows[0] ?? {});
  const lines = [headers, ...rows.map((row) => headers.map((header) => cell(row[header])))].map((line) =>
    line.map((text) => text.replaceAll('|', '\\|')),
  );
  const widths = headers.map((_, column) => Math.max(3, ...lines.map((line) => line[column]?.length ?? 0)));
  const line = (texts: readonly string[]) =>
    `| ${texts.map((text, column) => text.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  const [head = [], ...body] = lines;
  return [
    `### ${title}`,
    '',
    line(head),
    `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`,
    ...body.map(line),
    ...(notes.length > 0 ? ['', ...notes.map((note) => `- ${note}`)] : []),
  ];
}

export function renderReport(
  heading: readonly string[],
  tables: readonly Table[],
  targets: readonly TargetCheck[],
): string {
  const met = ({ met }: TargetCheck) => (met === null ? 'n/a' : met ? 'yes' : 'NO');
  const rows = targets.map((check) => ({ target: check.target, measured: check.measured, met: met(check) }));
  const all = targets.length > 0 ? [...tables, { title: 'Targets', rows }] : tables;
  return `${[heading.join('\n\n'), ...all.map((table) => renderTable(table).join('\n'))].join('\n\n')}\n`;
}

export const RESULTS_BEGIN =
  '<!-- bench:results:begin (written by npm run bench; edit outside these markers) -->';
export const RESULTS_END = '<!-- bench:results:end -->';

/** Puts the generated section between the markers of an existing RESULTS.md, keeping everything else. */
export function mergeResults(existing: string | null, generated: string): string {
  // Generated tables stay as written (prettier would re-pad every cell at each run).
  const section = `${RESULTS_BEGIN}\n<!-- prettier-ignore-start -->\n${generated}<!-- prettier-ignore-end -->\n${RESULTS_END}`;
  const begin = existing?.indexOf(RESULTS_BEGIN) ?? -1;
  const end = existing?.indexOf(RESULTS_END) ?? -1;
  if (existing && begin !== -1 && end > begin)
    return existing.slice(0, begin) + section + existing.slice(end + RESULTS_END.length);
  return `# strangler benchmark results\n\nRerun with \`npm run bench\`.\n\n${section}\n`;
}
