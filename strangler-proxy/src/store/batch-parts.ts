/**
 * A {@link ResultBatch} seen as one list of rows (counters, samples, events, in a fixed table order), so
 * it can be cut into parts of a bounded size and halved, and the parts joined again.
 */
import { emptyBatch, type ResultBatch } from './result-store.ts';

type Table = keyof ResultBatch;
const TABLE_ORDER = Object.keys(emptyBatch()) as readonly Table[];

/** Rows in the batch, over all its tables. */
export function batchRows(batch: ResultBatch): number {
  let rows = 0;
  for (const table of TABLE_ORDER) rows += batch[table].length;
  return rows;
}

/** The rows with index in [start, end) of the batch's list of rows. */
export function sliceBatch(batch: ResultBatch, start: number, end: number): ResultBatch {
  const part: Record<Table, readonly unknown[]> = { ...emptyBatch() };
  let offset = 0;
  for (const table of TABLE_ORDER) {
    const rows = batch[table];
    const from = Math.max(start - offset, 0);
    const to = Math.min(end - offset, rows.length);
    if (from < to) part[table] = rows.slice(from, to);
    offset += rows.length;
  }
  return part as unknown as ResultBatch;
}

/** The batch in consecutive parts of at most `maxRows` rows (one part when it is small enough). */
export function splitBatch(batch: ResultBatch, maxRows: number): ResultBatch[] {
  const rows = batchRows(batch);
  if (rows <= maxRows) return [batch];
  const parts: ResultBatch[] = [];
  for (let start = 0; start < rows; start += maxRows) parts.push(sliceBatch(batch, start, start + maxRows));
  return parts;
}

/** The batches' rows as one batch, in order. */
export function joinBatches(batches: readonly ResultBatch[]): ResultBatch {
  const joined: Record<Table, readonly unknown[]> = { ...emptyBatch() };
  for (const table of TABLE_ORDER)
    joined[table] = batches.flatMap((batch): readonly unknown[] => batch[table]);
  return joined as unknown as ResultBatch;
}

/** What the batch's single row is, for a log line: its table and route (never its values). */
export function describeRow(batch: ResultBatch): { readonly table: Table; readonly routeId?: string } {
  for (const table of TABLE_ORDER) {
    const row = batch[table][0];
    if (row === undefined) continue;
    const routeId = 'routeId' in row ? row.routeId : null;
    return typeof routeId === 'string' ? { table, routeId } : { table };
  }
  return { table: TABLE_ORDER[0] ?? 'comparisons' };
}
