/**
 * `GET /api/products/:id/reviews`: the summary over all reviews and one page, newest first. The average is
 * rounded to two decimals (the monolith rounds to one): a deliberate difference listed in the README.
 * Review writes stay on the monolith for now; they reach this database through the data migration.
 */
import { Router } from 'express';
import type { Knex } from 'knex';
import type { ReviewRow } from '../db/rows.ts';
import { error } from '../errors.ts';
import { parseId, parsePaging, totalPages } from '../products/list-query.ts';

export interface ReviewJson {
  readonly id: number;
  readonly product_id: number;
  readonly author: string;
  readonly rating: number;
  readonly title: string;
  readonly body: string;
  readonly created_at: string;
}

function presentReview(row: ReviewRow): ReviewJson {
  return {
    id: row.id,
    product_id: row.product_id,
    author: row.author,
    rating: row.rating,
    title: row.title,
    body: row.body,
    created_at: row.created_at,
  };
}

/** 4.333… → 4.33; null without reviews. */
export function roundRating(average: number | null): number | null {
  return average === null ? null : Math.round(average * 100) / 100;
}

export interface ReviewsRouterDeps {
  readonly db: Knex;
  readonly generatedAt: () => string;
}

export function createReviewsRouter({ db, generatedAt }: ReviewsRouterDeps): Router {
  const router = Router();

  router.get('/api/products/:id/reviews', async (req, res) => {
    const paging = parsePaging(req.query, 10);
    const productId = parseId(req.params.id);
    const product =
      productId === undefined
        ? undefined
        : await db('products').where({ id: productId }).first<{ id: number } | undefined>('id');
    if (productId === undefined || !product)
      throw error('product_not_found', `product ${req.params.id} not found`);
    const [summary] = await db('reviews')
      .where({ product_id: productId })
      .select<Array<{ count: number; average: number | null }>>(
        db.raw('count(*) as count'),
        db.raw('avg(rating) as average'),
      );
    const rows = await db<ReviewRow>('reviews')
      .where({ product_id: productId })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(paging.perPage)
      .offset((paging.page - 1) * paging.perPage);
    const count = summary?.count ?? 0;
    res.json({
      product_id: productId,
      summary: { count, average_rating: roundRating(summary?.average ?? null) },
      items: rows.map(presentReview),
      page: paging.page,
      per_page: paging.perPage,
      total: count,
      total_pages: totalPages(count, paging.perPage),
      meta: { generated_at: generatedAt() },
    });
  });

  return router;
}
