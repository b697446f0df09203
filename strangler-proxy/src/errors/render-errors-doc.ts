/**
 * The catalogue as `docs/errors.md` shows it: one table of every code between two markers, written by
 * `scripts/generate-errors-doc.ts` (`npm run schema`). The prose around the table is written by hand.
 */
import { ERROR_CATALOGUE, type CatalogueEntry } from './catalogue.ts';

export const CATALOGUE_START =
  '<!-- error catalogue: generated from src/errors/catalogue.ts; do not edit -->';
export const CATALOGUE_END = '<!-- end of the error catalogue -->';

/** A Markdown table of every code: area, HTTP status, meaning, what to do. */
export function renderCatalogueTable(): string {
  const rows = Object.entries(ERROR_CATALOGUE).map(([code, entry]: [string, CatalogueEntry]) => {
    const status = entry.status === undefined ? '' : String(entry.status);
    const meaning = entry.severity === 'warning' ? `Warning: ${entry.message}` : entry.message;
    return `| \`${code}\` | ${entry.area} | ${status} | ${cell(meaning)} | ${cell(entry.action)} |`;
  });
  return [
    '| code | area | HTTP status | meaning | what to do |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** `doc` with the table between the markers replaced by a fresh one (appended when there are none). */
export function withCatalogueTable(doc: string): string {
  const block = `${CATALOGUE_START}\n\n${renderCatalogueTable()}\n\n${CATALOGUE_END}`;
  const start = doc.indexOf(CATALOGUE_START);
  const end = doc.indexOf(CATALOGUE_END);
  if (start === -1 || end === -1) return `${doc.trimEnd()}\n\n## Every code\n\n${block}\n`;
  return doc.slice(0, start) + block + doc.slice(end + CATALOGUE_END.length);
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}
