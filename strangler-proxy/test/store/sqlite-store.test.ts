import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import knexFactory from 'knex';
import { createKnexStore } from '../../src/store/knex-store.ts';
import { MIGRATIONS, migrationSource } from '../../src/store/migrations/index.ts';
import { TABLES, MIGRATIONS_TABLE } from '../../src/store/knex-tables.ts';
import { describeResultStoreContract } from './result-store.contract.ts';
import { batch } from './fixtures.ts';

describeResultStoreContract(
  'SQLite :memory:',
  async () => ({ store: await createKnexStore({ url: 'sqlite::memory:' }) }),
  {
    rejectsIncompleteRows: true,
  },
);

describeResultStoreContract(
  'SQLite file',
  async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'strangler-store-'));
    const url = 'sqlite:./results.db';
    return {
      store: await createKnexStore({ url, cwd: dir }),
      openAnother: () => createKnexStore({ url, cwd: dir }),
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  },
  { rejectsIncompleteRows: true },
);

describe('SQLite store on disk', () => {
  async function withFile<T>(run: (dir: string, file: string) => Promise<T>): Promise<T> {
    const dir = await mkdtemp(path.join(tmpdir(), 'strangler-store-'));
    try {
      return await run(dir, path.join(dir, 'results.db'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  it('runs in WAL mode with a busy timeout, and creates its indexes with the tables', async () => {
    await withFile(async (dir, file) => {
      const store = await createKnexStore({ url: 'sqlite:results.db', cwd: dir, busyTimeoutMs: 4_321 });
      await store.close();

      const raw = knexFactory({ client: 'sqlite3', connection: { filename: file }, useNullAsDefault: true });
      try {
        const [mode] = (await raw.raw<unknown>('PRAGMA journal_mode')) as { journal_mode: string }[];
        expect(mode?.journal_mode).toBe('wal');
        const indexes: { tbl_name: string }[] = await raw('sqlite_master')
          .where({ type: 'index' })
          .select<{ tbl_name: string }[]>('tbl_name');
        expect(indexes.map((index) => index.tbl_name)).toEqual(
          expect.arrayContaining([TABLES.comparisons, TABLES.events]),
        );
      } finally {
        await raw.destroy();
      }
    });
  });

  it('applies each migration once, by name, however often the store is opened', async () => {
    await withFile(async (dir, file) => {
      for (let i = 0; i < 3; i++)
        await (await createKnexStore({ url: 'sqlite:results.db', cwd: dir })).close();

      const raw = knexFactory({ client: 'sqlite3', connection: { filename: file }, useNullAsDefault: true });
      try {
        const applied: { name: string }[] = await raw(MIGRATIONS_TABLE).select<{ name: string }[]>('name');
        expect(applied.map((row) => row.name)).toEqual(MIGRATIONS.map((migration) => migration.name));
      } finally {
        await raw.destroy();
      }
    });
  });

  it('reads latency rows written before the finer bins at their own, coarser scheme', async () => {
    await withFile(async (dir, file) => {
      const raw = knexFactory({ client: 'sqlite3', connection: { filename: file }, useNullAsDefault: true });
      try {
        const before = MIGRATIONS.slice(
          0,
          MIGRATIONS.findIndex((m) => m.name.startsWith('0006')),
        );
        await raw.migrate.latest({
          tableName: MIGRATIONS_TABLE,
          migrationSource: { ...migrationSource, getMigrations: () => Promise.resolve(before) },
        });
        await raw(TABLES.latency).insert({
          route_id: 'orders',
          bucket: 60_000,
          source: 'shadow',
          side: 'legacy',
          bin: 9,
          count: 5,
        });
      } finally {
        await raw.destroy();
      }
      const store = await createKnexStore({ url: 'sqlite:results.db', cwd: dir });
      try {
        await store.write(
          batch({
            latency: [
              { routeId: 'orders', bucket: 60_000, source: 'shadow', side: 'legacy', bin: 9, count: 1 },
            ],
          }),
        );
        expect(await store.latency()).toEqual([
          {
            routeId: 'orders',
            source: 'shadow',
            side: 'legacy',
            scheme: 'quarter_doubling',
            bin: 9,
            count: 5,
          },
          { routeId: 'orders', source: 'shadow', side: 'legacy', scheme: 'relative_1pct', bin: 9, count: 1 },
        ]);
      } finally {
        await store.close();
      }
    });
  });

  it('keeps what was written across reopening', async () => {
    await withFile(async (dir) => {
      const first = await createKnexStore({ url: 'sqlite:results.db', cwd: dir });
      await first.write(batch({ skips: [{ routeId: 'orders', bucket: 0, reason: 'timeout', count: 2 }] }));
      await first.close();
      const second = await createKnexStore({ url: 'sqlite:results.db', cwd: dir });
      try {
        expect(await second.skips()).toEqual([{ routeId: 'orders', reason: 'timeout', count: 2 }]);
      } finally {
        await second.close();
      }
      expect((await readFile(path.join(dir, 'results.db'))).byteLength).toBeGreaterThan(0);
    });
  });

  it('rejects a write when the database file cannot be written', async () => {
    await withFile(async (dir) => {
      const store = await createKnexStore({ url: 'sqlite:results.db', cwd: dir });
      await store.close();
      await expect(
        store.write(batch({ skips: [{ routeId: 'a', bucket: 0, reason: 'loop', count: 1 }] })),
      ).rejects.toThrow();
    });
  });
});
