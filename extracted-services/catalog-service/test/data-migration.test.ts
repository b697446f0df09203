import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrateData } from '../src/data-migration/cli.ts';
import {
  DataMigrationError,
  migrateCatalogData,
  verifyCatalogData,
} from '../src/data-migration/migrate-catalog-data.ts';
import { openDatabase } from '../src/db/open-database.ts';
import { countRows, createMonolithDb } from './support/catalog-fixture.ts';

let monolith: Knex;
let catalog: Knex;
beforeAll(async () => {
  monolith = await createMonolithDb();
  catalog = openDatabase(':memory:');
});
afterAll(async () => {
  await Promise.all([monolith.destroy(), catalog.destroy()]);
});

function byTable(report: Awaited<ReturnType<typeof migrateCatalogData>>) {
  return Object.fromEntries(report.tables.map((table) => [table.table, table]));
}

describe('migrateCatalogData', () => {
  it('copies every catalog row and reports the counts', async () => {
    const report = await migrateCatalogData({ source: monolith, target: catalog });
    expect(report.verified).toBe(true);
    const tables = byTable(report);
    for (const table of ['categories', 'products', 'inventory', 'reviews']) {
      const source = await countRows(monolith(table));
      expect(tables[table]).toEqual({
        table,
        source,
        inserted: source,
        updated: 0,
        deleted: 0,
        unchanged: 0,
        target: source,
      });
    }
    expect(tables.products?.source).toBe(480);
  });

  it('copies every record faithfully, converting only what the catalog stores differently', async () => {
    const legacyProducts = await monolith('products')
      .select(
        'id',
        'sku',
        'name',
        'description',
        'brand',
        'category_id',
        'price_cents',
        'currency',
        'active',
        'created_at',
      )
      .orderBy('id');
    const products = await catalog('products').orderBy('id');
    // The whole table at once: one comparison, with a readable diff if any row is off.
    expect(products.map(({ slug: _slug, ...rest }: Record<string, unknown>) => rest)).toEqual(
      legacyProducts.map((row: Record<string, unknown>) => ({
        ...row,
        created_at: `${String(row.created_at).replace(' ', 'T')}.000Z`,
      })),
    );
    for (const product of products as Array<{ id: number; slug: string }>) {
      expect(product.slug).toMatch(new RegExp(`^[a-z0-9-]+-${product.id}$`));
    }
    const legacyReviews = await monolith('reviews as r')
      .join('customers as c', 'c.id', 'r.customer_id')
      .select('r.*', 'c.first_name', 'c.last_name')
      .orderBy('r.id');
    expect(await catalog('reviews').orderBy('id')).toEqual(
      legacyReviews.map(
        ({ first_name: first, last_name: last, ...row }: Record<string, string | number>) => ({
          ...row,
          author: `${first} ${String(last).charAt(0)}.`,
        }),
      ),
    );
    const legacyStock = await monolith('inventory').orderBy('product_id').pluck('qty_on_hand');
    expect(await catalog('inventory').orderBy('product_id').pluck('qty_on_hand')).toEqual(legacyStock);
    expect(await catalog('categories').orderBy('id')).toEqual(
      await monolith('categories').select('id', 'name', 'parent_id', 'position').orderBy('id'),
    );
  });

  it('is idempotent: a second run changes nothing', async () => {
    const tables = byTable(await migrateCatalogData({ source: monolith, target: catalog }));
    for (const table of Object.values(tables)) {
      expect(table).toMatchObject({
        inserted: 0,
        updated: 0,
        deleted: 0,
        unchanged: table.source,
        target: table.source,
      });
    }
  });

  it('applies exactly what changed in the monolith since the last run', async () => {
    await monolith('products').where({ id: 7 }).update({ name: 'Renamed Lamp', price_cents: 1999 });
    await monolith('reviews').insert({
      id: 90_001,
      product_id: 7,
      customer_id: 3,
      rating: 5,
      title: 'New',
      body: 'Fresh.',
      created_at: '2024-10-02 08:00:00',
    });
    await monolith('reviews').where({ id: 1 }).delete();
    const tables = byTable(await migrateCatalogData({ source: monolith, target: catalog }));
    expect(tables.products).toMatchObject({ inserted: 0, updated: 1, deleted: 0 });
    expect(tables.reviews).toMatchObject({ inserted: 1, updated: 0, deleted: 1 });
    expect(await catalog('products').where({ id: 7 }).first('name', 'slug', 'price_cents')).toEqual({
      name: 'Renamed Lamp',
      slug: 'renamed-lamp-7',
      price_cents: 1999,
    });
  });

  it('notices a catalog that drifted from the monolith', async () => {
    await verifyCatalogData({ source: monolith, target: catalog });
    await catalog('products').where({ id: 9 }).update({ price_cents: 1 });
    await catalog('reviews').where({ id: 2 }).delete();
    const failure = await verifyCatalogData({ source: monolith, target: catalog }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(DataMigrationError);
    expect((failure as DataMigrationError).code).toBe('verification_failed');
    expect((failure as DataMigrationError).message).toContain(
      'products: 480 rows for 480 in the monolith (0 missing, 1 different, 0 extra)',
    );
    expect((failure as DataMigrationError).message).toContain('reviews:');
    await migrateCatalogData({ source: monolith, target: catalog });
    await verifyCatalogData({ source: monolith, target: catalog });
  });

  it('refuses a source that is not the monolith', async () => {
    const empty = openDatabase(':memory:');
    const other = openDatabase(':memory:');
    try {
      const failure = await migrateCatalogData({ source: empty, target: other }).catch(
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(DataMigrationError);
      expect((failure as DataMigrationError).code).toBe('source_not_a_monolith');
    } finally {
      await Promise.all([empty.destroy(), other.destroy()]);
    }
  });
});

describe('migrate-data command', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'catalog-migrate-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  function run(argv: string[]) {
    let stdout = '';
    let stderr = '';
    const io = {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      cwd: dir,
      env: {},
    };
    return runMigrateData(argv, io).then((code) => ({ code, stdout, stderr }));
  }

  it('copies between files given relative to the working directory and prints the report', async () => {
    const fileMonolith = await createMonolithDb(join(dir, 'monolith.db'));
    await fileMonolith.destroy();
    const first = await run(['--from', 'monolith.db', '--to', 'catalog.db']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/products\s+480\s+480\s+0\s+0\s+0\s+480/);
    expect(first.stdout).toContain('verified: 4 tables');
    const second = await run(['--from', 'monolith.db', '--to', 'catalog.db']);
    expect(second.stdout).toMatch(/products\s+480\s+0\s+0\s+0\s+480\s+480/);
  });

  it('fails without creating anything when the monolith database is missing', async () => {
    const result = await run(['--from', 'missing.db', '--to', 'out.db']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no monolith database at');
  });

  it('rejects unknown options with exit code 2', async () => {
    const result = await run(['--form', 'x']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('usage: migrate-data');
  });
});
