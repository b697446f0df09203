/**
 * Tables as an aligned terminal table (coloured in a terminal) and as Markdown for RESULTS.md, from the
 * same cells; and the generated section's place in RESULTS.md.
 */
import { styleText } from 'node:util';

export type Style = 'green' | 'red' | 'yellow' | 'dim' | 'bold' | 'cyan';

export interface Cell {
  readonly text: string;
  readonly style?: Style | undefined;
}

export interface Table {
  readonly title: string;
  readonly headers: readonly string[];
  /** 'l' or 'r' per column. */
  readonly align: string;
  readonly rows: ReadonlyArray<ReadonlyArray<Cell | string>>;
  readonly notes?: readonly string[];
}

const cell = (value: Cell | string): Cell => (typeof value === 'string' ? { text: value } : value);

export function renderText(heading: readonly string[], tables: readonly Table[], color: boolean): string {
  const paint = (text: string, style?: Style) =>
    color && style ? styleText(style, text, { validateStream: false }) : text;
  const out = heading.map((line, index) => paint(line, index === 0 ? 'bold' : 'dim'));
  for (const table of tables) {
    const rows = table.rows.map((row) => row.map(cell));
    const widths = table.headers.map((header, column) =>
      Math.max(header.length, ...rows.map((row) => row[column]?.text.length ?? 0)),
    );
    const pad = (text: string, column: number) =>
      table.align[column] === 'r' ? text.padStart(widths[column] ?? 0) : text.padEnd(widths[column] ?? 0);
    out.push('', paint(table.title, 'bold'));
    out.push(paint(table.headers.map(pad).join('  '), 'dim'));
    for (const row of rows)
      out.push(row.map((entry, column) => paint(pad(entry.text, column), entry.style)).join('  '));
    for (const note of table.notes ?? []) out.push(paint(`  ${note}`, 'dim'));
  }
  return `${out.join('\n')}\n`;
}

export function renderMarkdown(heading: readonly string[], tables: readonly Table[]): string {
  const escape = (text: string) => text.replaceAll('|', '\\|');
  const out = heading.flatMap((line, index) => (index === 0 ? [line] : ['', line]));
  for (const table of tables) {
    out.push('', `### ${table.title}`, '');
    out.push(`| ${table.headers.map(escape).join(' | ')} |`);
    out.push(`|${[...table.align].map((align) => (align === 'r' ? '---:' : '---')).join('|')}|`);
    for (const row of table.rows) out.push(`| ${row.map((entry) => escape(cell(entry).text)).join(' | ')} |`);
    if (table.notes && table.notes.length > 0)
      out.push('', ...table.notes.map((note) => `- ${escape(note)}`));
  }
  return `${out.join('\n')}\n`;
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
  return `# strangler benchmark results\n\nRerun with \`npm run bench\` (see \`npm run bench -- --help\`).\n\n${section}\n`;
}
