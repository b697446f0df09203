/** Writes the generated seed into an empty database, in one transaction. */
import type { Knex } from 'knex';
import { generateSeed, DEFAULT_SEED } from './generate-seed.ts';

/** Row counts per table after seeding. */
export type SeedCounts = Readonly<Record<string, number>>;

/**
 * Seeds the shop unless it already has customers (seeding is for a fresh database, never a merge).
 * Returns what was written, or undefined when the database was left alone.
 */
export async function seedDatabase(db: Knex, seed: number = DEFAULT_SEED): Promise<SeedCounts | undefined> {
  const existing = await db('customers').count<Array<{ count: number }>>('* as count');
  if ((existing[0]?.count ?? 0) > 0) return undefined;
  const data = generateSeed(seed);
  // Parents before children, so foreign keys hold at every insert.
  const tables: ReadonlyArray<readonly [string, readonly object[]]> = [
    ['categories', data.categories],
    ['products', data.products],
    ['inventory', data.inventory],
    ['customers', data.customers],
    ['sessions', data.sessions],
    ['reviews', data.reviews],
    ['orders', data.orders],
    ['order_items', data.orderItems],
  ];
  await db.transaction(async (trx) => {
    for (const [table, rows] of tables) {
      for (let start = 0; start < rows.length; start += 200)
        await trx(table).insert(rows.slice(start, start + 200));
    }
  });
  return Object.fromEntries(tables.map(([table, rows]) => [table, rows.length]));
}
