/** `GET /api/products/:id/reviews` (summary + one page) and `POST /api/products/:id/reviews` (customers). */
import { Router } from 'express';
import type { Knex } from 'knex';
import type { Authenticate } from '../customers/authenticate.ts';
import { formatLegacyDate } from '../format/legacy-date.ts';
import { HttpError } from '../http/http-error.ts';
import { parseId, parsePaging, totalPages } from '../http/list-query.ts';
import { presentReview, roundRating } from './present-review.ts';
import { findReviewWithAuthor, listReviews, summarizeReviews } from './review-queries.ts';

export interface ReviewsRouterDeps {
  readonly db: Knex;
  readonly authenticate: Authenticate;
  readonly clock: () => Date;
  readonly generatedAt: () => string;
}

function readReview(body: unknown): { rating: number; title: string; body: string } {
  const fields = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : undefined) as
    Record<string, unknown> | undefined;
  if (!fields) throw new HttpError('validation_failed', 'request body must be a JSON object');
  const { rating, title, body: text } = fields;
  if (typeof rating !== 'number' || !Number.isInteger(rating) || rating < 1 || rating > 5) {
    throw new HttpError('validation_failed', 'rating must be an integer from 1 to 5');
  }
  if (typeof title !== 'string' || title.trim() === '' || title.length > 120) {
    throw new HttpError('validation_failed', 'title must be a non-empty string of at most 120 characters');
  }
  if (typeof text !== 'string' || text.length > 2000) {
    throw new HttpError('validation_failed', 'body must be a string of at most 2000 characters');
  }
  return { rating, title: title.trim(), body: text };
}

export function createReviewsRouter({ db, authenticate, clock, generatedAt }: ReviewsRouterDeps): Router {
  const router = Router();

  async function productIdOrThrow(text: string | undefined): Promise<number> {
    const id = parseId(text);
    const exists =
      id === undefined
        ? undefined
        : await db('products').where({ id }).first<{ id: number } | undefined>('id');
    if (id === undefined || !exists) throw new HttpError('product_not_found', `product ${text} not found`);
    return id;
  }

  router.get('/api/products/:id/reviews', async (req, res) => {
    const paging = parsePaging(req.query, 10);
    const productId = await productIdOrThrow(req.params.id);
    const [summary, rows] = await Promise.all([
      summarizeReviews(db, productId),
      listReviews(db, productId, paging),
    ]);
    res.json({
      product_id: productId,
      summary: { count: summary.count, average_rating: roundRating(summary.average) },
      items: rows.map(presentReview),
      page: paging.page,
      per_page: paging.perPage,
      total: summary.count,
      total_pages: totalPages(summary.count, paging.perPage),
      meta: { generated_at: generatedAt() },
    });
  });

  router.post('/api/products/:id/reviews', async (req, res) => {
    const customer = await authenticate(req);
    const productId = await productIdOrThrow(req.params.id);
    const review = readReview(req.body);
    const [inserted] = await db('reviews')
      .insert({
        ...review,
        product_id: productId,
        customer_id: customer.id,
        created_at: formatLegacyDate(clock()),
      })
      .returning<Array<{ id: number }>>('id');
    const row = inserted && (await findReviewWithAuthor(db, inserted.id));
    if (!row) throw new Error('review vanished after insert');
    res.status(201).location(`/api/products/${productId}/reviews`).json(presentReview(row));
  });

  return router;
}
