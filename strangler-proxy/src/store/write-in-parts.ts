/**
 * Writes a batch as consecutive parts of a bounded size, so one huge transaction never has to fit at
 * once (a disk that filled up takes the parts that fit as space returns), and isolates rows the store
 * refuses: a part that fails because of a row's content is halved until the row is alone, the rest
 * lands, and the row is given up with its reason. Any other failure (an outage) stops the writing and
 * hands back what was not written, for a later retry.
 */
import type { ResultBatch, ResultStore } from './result-store.ts';
import { batchRows, describeRow, joinBatches, sliceBatch, splitBatch } from './batch-parts.ts';
import { describeStoreError, isRowError } from './store-errors.ts';

/** A row the store refused, and why. */
export interface RejectedRow {
  readonly table: keyof ResultBatch;
  readonly routeId?: string;
  readonly reason: string;
}

export interface PartsOutcome {
  /** What an outage left unwritten (null: everything was written or rejected). */
  readonly unwritten: ResultBatch | null;
  /** The outage that stopped the writing, null when there was none. */
  readonly error: unknown;
  readonly rejected: readonly RejectedRow[];
}

export async function writeInParts(
  store: Pick<ResultStore, 'write'>,
  batch: ResultBatch,
  maxRowsPerWrite: number,
): Promise<PartsOutcome> {
  const rejected: RejectedRow[] = [];

  /** Writes `part`; on a row error, its halves. Returns what an outage left unwritten, or null. */
  async function write(part: ResultBatch): Promise<{ unwritten: ResultBatch; error: unknown } | null> {
    try {
      await store.write(part);
      return null;
    } catch (error) {
      if (!isRowError(error)) return { unwritten: part, error };
      const rows = batchRows(part);
      if (rows === 1) {
        rejected.push({ ...describeRow(part), reason: describeStoreError(error) });
        return null;
      }
      const middle = Math.ceil(rows / 2);
      const second = sliceBatch(part, middle, rows);
      const stopped = await write(sliceBatch(part, 0, middle));
      if (stopped) return { unwritten: joinBatches([stopped.unwritten, second]), error: stopped.error };
      return write(second);
    }
  }

  const parts = splitBatch(batch, maxRowsPerWrite);
  for (const [index, part] of parts.entries()) {
    const stopped = await write(part);
    if (stopped)
      return {
        unwritten: joinBatches([stopped.unwritten, ...parts.slice(index + 1)]),
        error: stopped.error,
        rejected,
      };
  }
  return { unwritten: null, error: null, rejected };
}
