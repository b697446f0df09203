/** Catalog reads: products with their category name, filtered, sorted and paged. */
import type { Knex } from 'knex';
import type { ProductRow } from '../db/rows.ts';
import type { ProductQuery, ProductSort } from '../http/list-query.ts';

export interface ProductWithCategory extends ProductRow {
  readonly category_name: string;
}

const SORT_COLUMNS: Readonly<Record<ProductSort, string>> = {
  id: 'p.id',
  name: 'p.name',
  price: 'p.price_cents',
  created_at: 'p.created_at',
};

/** `%` and `_` in the user's text match themselves, not anything. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

function productsWithCategory(db: Knex): Knex.QueryBuilder {
  return db('products as p').join('categories as c', 'c.id', 'p.category_id');
}

/** One page of active products, and how many match in total. */
export async function listProducts(
  db: Knex,
  query: ProductQuery,
): Promise<{ rows: ProductWithCategory[]; total: number }> {
  const matching = productsWithCategory(db).where('p.active', 1);
  if (query.categoryId !== undefined) matching.where('p.category_id', query.categoryId);
  if (query.q !== undefined) {
    const pattern = likePattern(query.q);
    matching.where((where) =>
      where
        .whereRaw("p.name LIKE ? ESCAPE '\\'", [pattern])
        .orWhereRaw("p.description LIKE ? ESCAPE '\\'", [pattern]),
    );
  }
  const [counted] = await matching.clone().count<Array<{ total: number }>>('* as total');
  const rows = await matching
    .select<ProductWithCategory[]>('p.*', 'c.name as category_name')
    .orderBy(SORT_COLUMNS[query.sort], query.dir)
    // Ties (same price, same name) need a stable order or pages overlap.
    .orderBy('p.id', 'asc')
    .limit(query.perPage)
    .offset((query.page - 1) * query.perPage);
  return { rows, total: counted?.total ?? 0 };
}

/** Any product by id, active or not. */
export async function findProduct(db: Knex, id: number): Promise<ProductWithCategory | undefined> {
  return productsWithCategory(db)
    .where('p.id', id)
    .first<ProductWithCategory | undefined>('p.*', 'c.name as category_name');
}
