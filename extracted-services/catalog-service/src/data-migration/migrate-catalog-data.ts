/**
 * The catalog's data migration: copy the monolith's categories, products, stock and reviews into the
 * catalog database, then verify the copy. Idempotent: a second run reports every row unchanged, and a run
 * after the monolith changed applies exactly those changes (new reviews, edited products, stock levels).
 *
 * Stock: while orders still go to the monolith, the monolith owns stock levels and each run overwrites the
 * catalog's with them. Once orders move to orders-service the catalog owns stock: stop re-running this then
 * (or the monolith's stale levels would overwrite live ones).
 */
import type { Knex } from 'knex';
import type { CategoryRow, InventoryRow, ProductRow, ReviewRow } from '../db/rows.ts';
import { migrateDatabase } from '../db/open-database.ts';
import { applyDeletes, applyUpserts, planSync, type SyncPlan, type TableSpec } from './sync-table.ts';
import {
  toCategory,
  toInventory,
  toProduct,
  toReview,
  type LegacyCategory,
  type LegacyInventory,
  type LegacyProduct,
  type LegacyReview,
} from './transform-rows.ts';

/** Why a migration stopped. */
export type DataMigrationErrorCode = 'source_not_a_monolith' | 'verification_failed';

export class DataMigrationError extends Error {
  readonly code: DataMigrationErrorCode;

  constructor(code: DataMigrationErrorCode, message: string) {
    super(message);
    this.name = 'DataMigrationError';
    this.code = code;
  }
}

export interface TableReport {
  readonly table: string;
  readonly source: number;
  readonly inserted: number;
  readonly updated: number;
  readonly deleted: number;
  readonly unchanged: number;
  /** Rows in the catalog table after the copy; equals `source` once verified. */
  readonly target: number;
}

export interface MigrationReport {
  readonly tables: readonly TableReport[];
  /** Always true: a failed verification throws instead. */
  readonly verified: true;
  readonly durationMs: number;
}

const CATEGORIES: TableSpec<CategoryRow> = {
  table: 'categories',
  key: 'id',
  columns: ['id', 'name', 'parent_id', 'position'],
};
const PRODUCTS: TableSpec<ProductRow> = {
  table: 'products',
  key: 'id',
  columns: [
    'id',
    'sku',
    'name',
    'slug',
    'description',
    'brand',
    'category_id',
    'price_cents',
    'currency',
    'active',
    'created_at',
  ],
};
const INVENTORY: TableSpec<InventoryRow> = {
  table: 'inventory',
  key: 'product_id',
  columns: ['product_id', 'qty_on_hand', 'updated_at'],
};
const REVIEWS: TableSpec<ReviewRow> = {
  table: 'reviews',
  key: 'id',
  columns: ['id', 'product_id', 'customer_id', 'author', 'rating', 'title', 'body', 'created_at'],
};

/** The catalog's rows as the monolith has them right now. */
interface Snapshot {
  readonly categories: CategoryRow[];
  readonly products: ProductRow[];
  readonly inventory: InventoryRow[];
  readonly reviews: ReviewRow[];
}

async function readSnapshot(source: Knex): Promise<Snapshot> {
  const tables = await source('sqlite_master').where({ type: 'table' }).pluck<string[]>('name');
  const missing = ['categories', 'products', 'inventory', 'reviews', 'customers'].filter(
    (t) => !tables.includes(t),
  );
  if (missing.length > 0) {
    throw new DataMigrationError(
      'source_not_a_monolith',
      `source database has no ${missing.join(', ')} table`,
    );
  }
  // One read transaction: a consistent snapshot even while the monolith keeps writing.
  return source.transaction(async (trx) => ({
    categories: (
      await trx('categories').select<LegacyCategory[]>('id', 'name', 'parent_id', 'position').orderBy('id')
    ).map(toCategory),
    products: (
      await trx('products')
        .select<LegacyProduct[]>(
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
        .orderBy('id')
    ).map(toProduct),
    inventory: (
      await trx('inventory')
        .select<LegacyInventory[]>('product_id', 'qty_on_hand', 'updated_at')
        .orderBy('product_id')
    ).map(toInventory),
    reviews: (
      await trx('reviews as r')
        .join('customers as cu', 'cu.id', 'r.customer_id')
        .select<LegacyReview[]>(
          'r.id',
          'r.product_id',
          'r.customer_id',
          'r.rating',
          'r.title',
          'r.body',
          'r.created_at',
          'cu.first_name',
          'cu.last_name',
        )
        .orderBy('r.id')
    ).map(toReview),
  }));
}

interface Plans {
  readonly categories: SyncPlan<CategoryRow>;
  readonly products: SyncPlan<ProductRow>;
  readonly inventory: SyncPlan<InventoryRow>;
  readonly reviews: SyncPlan<ReviewRow>;
}

async function planAll(target: Knex, snapshot: Snapshot): Promise<Plans> {
  return {
    categories: await planSync(target, CATEGORIES, snapshot.categories),
    products: await planSync(target, PRODUCTS, snapshot.products),
    inventory: await planSync(target, INVENTORY, snapshot.inventory),
    reviews: await planSync(target, REVIEWS, snapshot.reviews),
  };
}

const changes = (plan: SyncPlan<object>): number =>
  plan.inserts.length + plan.updates.length + plan.deletes.length;

async function countRows(db: Knex, table: string): Promise<number> {
  const [row] = await db(table).count<Array<{ n: number }>>('* as n');
  return row?.n ?? 0;
}

/** Copies the monolith's catalog data into `target` (migrating its schema first) and verifies the copy. */
export async function migrateCatalogData(options: { source: Knex; target: Knex }): Promise<MigrationReport> {
  const started = performance.now();
  const { source, target } = options;
  await migrateDatabase(target);
  const snapshot = await readSnapshot(source);
  const plans = await target.transaction(async (trx) => {
    // Categories point at their parents; let foreign keys be checked at commit instead of per row.
    await trx.raw('PRAGMA defer_foreign_keys = ON');
    const planned = await planAll(trx, snapshot);
    await applyUpserts(trx, CATEGORIES, planned.categories);
    await applyUpserts(trx, PRODUCTS, planned.products);
    await applyUpserts(trx, INVENTORY, planned.inventory);
    await applyUpserts(trx, REVIEWS, planned.reviews);
    await applyDeletes(trx, REVIEWS, planned.reviews);
    await applyDeletes(trx, INVENTORY, planned.inventory);
    await applyDeletes(trx, PRODUCTS, planned.products);
    await applyDeletes(trx, CATEGORIES, planned.categories);
    return planned;
  });
  await verifyCopy(target, snapshot);
  const tables = await Promise.all(
    (['categories', 'products', 'inventory', 'reviews'] as const).map(async (table): Promise<TableReport> => {
      const plan: SyncPlan<object> = plans[table];
      return {
        table,
        source: snapshot[table].length,
        inserted: plan.inserts.length,
        updated: plan.updates.length,
        deleted: plan.deletes.length,
        unchanged: plan.unchanged,
        target: await countRows(target, table),
      };
    }),
  );
  return { tables, verified: true, durationMs: Math.round(performance.now() - started) };
}

/** Re-reads the target and checks it holds exactly the snapshot: same counts, every row equal. */
async function verifyCopy(target: Knex, snapshot: Snapshot): Promise<void> {
  const plans = await planAll(target, snapshot);
  const problems: string[] = [];
  for (const table of ['categories', 'products', 'inventory', 'reviews'] as const) {
    const plan: SyncPlan<object> = plans[table];
    const count = await countRows(target, table);
    if (changes(plan) > 0 || count !== snapshot[table].length) {
      problems.push(
        `${table}: ${count} rows for ${snapshot[table].length} in the monolith (${plan.inserts.length} missing, ` +
          `${plan.updates.length} different, ${plan.deletes.length} extra)`,
      );
    }
  }
  if (problems.length > 0) throw new DataMigrationError('verification_failed', problems.join('; '));
}

/** Checks, without writing, that `target` matches the monolith's catalog data as it is now. */
export async function verifyCatalogData(options: { source: Knex; target: Knex }): Promise<void> {
  await verifyCopy(options.target, await readSnapshot(options.source));
}
