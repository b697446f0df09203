/**
 * The report: the run's heading, then each scenario's tables and the targets, as Markdown tables with
 * aligned columns (read as they are in a terminal); and its place in RESULTS.md.
 */
import type { Table, TargetCheck } from './scenario.ts';

/** `value` with `digits` decimals, or a dash when there is none. */
export const fixed = (value: number | null | undefined, digits: number): string =>
  typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '—';
export const int = (value: number | null | undefined): string =>
  typeof value === 'number' && Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '—';
/** `name count, …` of the non-zero counts, or `none`. */
export const counts = (record: Readonly<Record<string, number>>): string =>
  Object.entries(record)
    .filter(([, count]) => count > 0)
    .map(([name, count]) => `${name} ${int(count)}`)
    .join(', ') || 'none';
export const errorCell = (errors: number, non2xx: number): string =>
  errors + non2xx === 0 ? '0' : `${errors} err, ${non2xx} non-2xx`;

/** A table of one row per item: each column is a header and how to write an item's cell. */
export function tableOf<Item>(
  title: string,
  items: readonly Item[],
  columns: ReadonlyArray<readonly [string, (item: Item) => string]>,
  notes: readonly string[] = [],
): Table {
  const rows = items.map((item) => columns.map(([, cell]) => cell(item)));
  return { title, headers: columns.map(([header]) => header), rows, notes };
}

const targetsTable = (targets: readonly TargetCheck[]) =>
  tableOf('Targets', targets, [
    ['target', (check) => check.target],
    ['measured', (check) => check.measured],
    ['met', (check) => (check.met === null ? 'n/a' : check.met ? 'yes' : 'NO')],
  ]);

function renderTable(table: Table): string[] {
  const rows = [table.headers, ...table.rows].map((row) => row.map((text) => text.replaceAll('|', '\\|')));
  const widths = table.headers.map((_, column) =>
    Math.max(3, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (row: readonly string[]) =>
    `| ${row.map((text, column) => text.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  const [head = [], ...body] = rows;
  return [
    `### ${table.title}`,
    '',
    line(head),
    `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`,
    ...body.map(line),
    ...(table.notes?.length ? ['', ...table.notes.map((note) => `- ${note}`)] : []),
  ];
}

export function renderReport(
  heading: readonly string[],
  tables: readonly Table[],
  targets: readonly TargetCheck[],
): string {
  const all = targets.length > 0 ? [...tables, targetsTable(targets)] : tables;
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
