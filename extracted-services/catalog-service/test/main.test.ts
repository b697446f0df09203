import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMonolithDb } from './support/catalog-fixture.ts';
import { startChild, stopChild } from './support/child-service.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'catalog-main-'));
  const monolith = await createMonolithDb(join(dir, 'monolith.db'));
  await monolith.destroy();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('main.ts', () => {
  it('copies the catalog from the monolith on the first start only, serves, and stops on SIGTERM', async () => {
    const env = {
      PORT: '0',
      DB_FILE: join(dir, 'catalog', 'catalog.db'),
      MONOLITH_DB_FILE: join(dir, 'monolith.db'),
    };
    const first = await startChild(MAIN, env);
    const copied = first.logs.find((entry) => entry.msg === 'catalog data copied from the monolith');
    expect(copied?.tables).toEqual(
      expect.arrayContaining([expect.objectContaining({ table: 'products', inserted: 480 })]),
    );
    expect((await fetch(`${first.url}/health`)).status).toBe(200);
    const product = (await (await fetch(`${first.url}/api/products/1`)).json()) as { id: number };
    expect(product.id).toBe(1);
    expect(await stopChild(first.child)).toBe(0);
    expect(first.logs.at(-1)?.msg).toBe('stopped');

    const second = await startChild(MAIN, env);
    expect(second.logs.some((entry) => entry.msg === 'catalog data copied from the monolith')).toBe(false);
    expect(await stopChild(second.child)).toBe(0);
  });

  it('refuses to start empty when the monolith database is missing', async () => {
    const failure = await startChild(MAIN, {
      PORT: '0',
      DB_FILE: join(dir, 'empty', 'catalog.db'),
      MONOLITH_DB_FILE: join(dir, 'no-such-monolith.db'),
    }).catch((error: unknown) => error);
    expect(String(failure)).toContain('exited with 1');
    expect(String(failure)).toContain('no monolith database');
  });
});
