/**
 * A SQLite store whose disk fills up, then gets space back, written through the real recorder. SQLite's
 * `PRAGMA max_page_count` makes the database "full" (SQLITE_FULL) at a chosen size and raising it is
 * space returning: the same error, from the same code paths, as a full disk, without root or a tmpfs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import knexFactory from 'knex';
import { createKnexStore } from '../../src/store/knex-store.ts';
import { createBatchingRecorder } from '../../src/store/batching-recorder.ts';
import type { ResultStore } from '../../src/store/result-store.ts';
import type { FlushResult, ObservableRecorder } from '../../src/store/types.ts';
import { comparison, response, verdict } from './fixtures.ts';

const ROUTES = 1_500;

let dir: string;
let store: ResultStore;
let recorder: ObservableRecorder;
let exec: (sql: string) => Promise<void>;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'strangler-full-'));
  store = await createKnexStore({
    url: 'sqlite:results.db',
    cwd: dir,
    onSqliteConnection: (run) => (exec = run),
  });
  recorder = createBatchingRecorder(store, { flushInterval: 60_000, maxRowsPerWrite: 100 });
});
afterEach(async () => {
  await recorder.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** The database's size in pages, as another connection sees it. */
async function pageCount(): Promise<number> {
  const reader = knexFactory({
    client: 'sqlite3',
    connection: { filename: path.join(dir, 'results.db') },
    useNullAsDefault: true,
  });
  try {
    const [row] = (await reader.raw<unknown>('PRAGMA page_count')) as { page_count: number }[];
    return row?.page_count ?? 0;
  } finally {
    await reader.destroy();
  }
}

async function flushed(): Promise<FlushResult> {
  let result: FlushResult | undefined;
  const off = recorder.onFlush((flush) => (result = flush));
  await recorder.flush();
  off();
  if (!result) throw new Error('the flush wrote nothing');
  return result;
}

async function compared(): Promise<number> {
  return (await store.comparisons()).reduce((sum, row) => sum + row.compared, 0);
}

describe('SQLite store on a disk that fills up', () => {
  it('reports SQLITE_FULL, keeps the records, writes what fits as space returns, then all of it', async () => {
    recorder.recordComparison(comparison({ routeId: 'before' }));
    expect((await flushed()).ok).toBe(true);

    await exec(`PRAGMA max_page_count = ${await pageCount()}`);
    // A lone mismatch whose sample needs new pages: SQLite rolls the whole transaction back by itself.
    recorder.recordComparison(comparison({ routeId: 'orders', legacy: response(200, 'x'.repeat(12_000)) }));
    expect(await flushed()).toMatchObject({ ok: false, dropped: 0 });
    expect(recorder.status()).toMatchObject({
      healthy: false,
      lastError: expect.stringMatching(/^SQLITE_FULL: /),
    });
    for (let i = 0; i < ROUTES; i++)
      recorder.recordComparison(comparison({ routeId: `route-${i}`, verdict: verdict('match') }));
    expect(await flushed()).toMatchObject({ ok: false, dropped: 0 });
    expect(recorder.status()).toMatchObject({
      healthy: false,
      lastError: expect.stringMatching(/^SQLITE_FULL: /),
      pending: ROUTES + 1,
      dropped: 0,
    });

    // Some space returns, not enough for the whole backlog: the parts that fit are stored.
    await exec(`PRAGMA max_page_count = ${(await pageCount()) + 8}`);
    const partly = await flushed();
    expect(partly.ok).toBe(false);
    const landed = await compared();
    expect(landed).toBeGreaterThan(1);
    expect(landed).toBeLessThan(ROUTES + 2);
    expect(recorder.status().lastError).toMatch(/^SQLITE_FULL: /);

    await exec('PRAGMA max_page_count = 1000000');
    expect((await flushed()).ok).toBe(true);
    expect(await compared()).toBe(ROUTES + 2);
    expect(await store.samples({ routeId: 'orders' })).toHaveLength(1);
    expect(recorder.status()).toMatchObject({ healthy: true, lastError: null, pending: 0, dropped: 0 });
  });
});
