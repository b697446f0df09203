/** Reviews of a product, with the author's display name from the customer record. */
import type { Knex } from 'knex';
import type { ReviewRow } from '../db/rows.ts';
import type { Paging } from '../http/list-query.ts';

export interface ReviewWithAuthor extends ReviewRow {
  readonly first_name: string;
  readonly last_name: string;
}

/** Newest first; one page. */
export async function listReviews(db: Knex, productId: number, paging: Paging): Promise<ReviewWithAuthor[]> {
  return db('reviews as r')
    .join('customers as cu', 'cu.id', 'r.customer_id')
    .where('r.product_id', productId)
    .select<ReviewWithAuthor[]>('r.*', 'cu.first_name', 'cu.last_name')
    .orderBy([
      { column: 'r.created_at', order: 'desc' },
      { column: 'r.id', order: 'desc' },
    ])
    .limit(paging.perPage)
    .offset((paging.page - 1) * paging.perPage);
}

/** Count and unrounded mean rating (null without reviews). */
export async function summarizeReviews(
  db: Knex,
  productId: number,
): Promise<{ count: number; average: number | null }> {
  const [row] = await db('reviews')
    .where('product_id', productId)
    .select<Array<{ count: number; average: number | null }>>(
      db.raw('count(*) as count'),
      db.raw('avg(rating) as average'),
    );
  return { count: row?.count ?? 0, average: row?.average ?? null };
}

export async function findReviewWithAuthor(db: Knex, id: number): Promise<ReviewWithAuthor | undefined> {
  return db('reviews as r')
    .join('customers as cu', 'cu.id', 'r.customer_id')
    .where('r.id', id)
    .first<ReviewWithAuthor | undefined>('r.*', 'cu.first_name', 'cu.last_name');
}
