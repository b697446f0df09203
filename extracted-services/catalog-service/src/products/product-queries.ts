/** Product reads. The ordering rules (sort column, then id) match the monolith's so pages line up. */
import type { Knex } from 'knex';
import type { ProductRow } from '../db/rows.ts';
import type { ProductQuery, ProductSort } from './list-query.ts';

export interface ProductWithCategory extends ProductRow {
  readonly category_name: string;
}

const SORT_COLUMNS: Readonly<Record<ProductSort, string>> = {
  id: 'p.id',
  name: 'p.name',
  price: 'p.price_cents',
  // ISO strings sort in time order just as the legacy ones did.
  created_at: 'p.created_at',
};

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

function productsWithCategory(db: Knex): Knex.QueryBuilder {
  return db('products as p').join('categories as c', 'c.id', 'p.category_id');
}

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
    .orderBy('p.id', 'asc')
    .limit(query.perPage)
    .offset((query.page - 1) * query.perPage);
  return { rows, total: counted?.total ?? 0 };
}

export async function findProduct(db: Knex, id: number): Promise<ProductWithCategory | undefined> {
  return productsWithCategory(db)
    .where('p.id', id)
    .first<ProductWithCategory | undefined>('p.*', 'c.name as category_name');
}
