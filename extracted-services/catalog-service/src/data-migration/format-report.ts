/** The migration report as a small aligned table, for the terminal. */
import type { MigrationReport } from './migrate-catalog-data.ts';

const COLUMNS = ['table', 'source', 'inserted', 'updated', 'deleted', 'unchanged', 'target'] as const;

export function formatReport(report: MigrationReport): string {
  const rows = [
    [...COLUMNS],
    ...report.tables.map((table) => COLUMNS.map((column) => String(table[column]))),
  ];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0)));
  const lines = rows.map((row) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  '),
  );
  const total = report.tables.reduce((sum, table) => sum + table.target, 0);
  lines.push(
    `verified: ${report.tables.length} tables, ${total} rows match the monolith (${report.durationMs} ms)`,
  );
  return `${lines.join('\n')}\n`;
}
