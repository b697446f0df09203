/** `GET /`: the HTML storefront, 24 products a page, optionally one category. */
import { Router } from 'express';
import type { Knex } from 'knex';
import { parsePaging, totalPages } from '../http/list-query.ts';
import { HttpError } from '../http/http-error.ts';
import { parseId } from '../http/list-query.ts';
import { renderStorefront, type StorefrontProduct } from './render-storefront.ts';

const PER_PAGE = 24;

export interface StorefrontRouterDeps {
  readonly db: Knex;
  readonly generatedAt: () => string;
}

export function createStorefrontRouter({ db, generatedAt }: StorefrontRouterDeps): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const { page } = parsePaging(req.query, PER_PAGE);
    const categoryText = req.query.category_id;
    const categoryId = typeof categoryText === 'string' ? parseId(categoryText) : undefined;
    if (categoryText !== undefined && categoryId === undefined) {
      throw new HttpError('invalid_parameter', 'category_id must be a positive integer');
    }
    const matching = db('products as p')
      .join('categories as c', 'c.id', 'p.category_id')
      .join('inventory as i', 'i.product_id', 'p.id')
      .where('p.active', 1);
    if (categoryId !== undefined) matching.where('p.category_id', categoryId);
    const [counted] = await matching.clone().count<Array<{ total: number }>>('* as total');
    const products = await matching
      .select<StorefrontProduct[]>(
        'p.id',
        'p.name',
        'p.brand',
        'p.price_cents',
        'c.name as category_name',
        'i.qty_on_hand',
      )
      .orderBy([
        { column: 'p.created_at', order: 'desc' },
        { column: 'p.id', order: 'desc' },
      ])
      .limit(PER_PAGE)
      .offset((page - 1) * PER_PAGE);
    const categories = await db('categories')
      .select<Array<{ id: number; name: string }>>('id', 'name')
      .orderBy([{ column: 'position' }, { column: 'id' }]);
    const html = renderStorefront({
      products,
      categories,
      ...(categoryId === undefined ? {} : { categoryId }),
      page,
      totalPages: totalPages(counted?.total ?? 0, PER_PAGE),
      generatedAt: generatedAt(),
    });
    res.type('html').send(html);
  });
  return router;
}
