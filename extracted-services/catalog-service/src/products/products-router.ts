/** `GET /api/products` and `GET /api/products/:id`, same contract as the monolith. */
import { Router } from 'express';
import type { Knex } from 'knex';
import { error } from '../errors.ts';
import { parseId, parseProductQuery, totalPages } from './list-query.ts';
import { presentProduct } from './present-product.ts';
import { findProduct, listProducts } from './product-queries.ts';

export interface ProductsRouterDeps {
  readonly db: Knex;
  readonly generatedAt: () => string;
}

export function createProductsRouter({ db, generatedAt }: ProductsRouterDeps): Router {
  const router = Router();

  router.get('/api/products', async (req, res) => {
    const query = parseProductQuery(req.query);
    const { rows, total } = await listProducts(db, query);
    res.json({
      items: rows.map(presentProduct),
      page: query.page,
      per_page: query.perPage,
      total,
      total_pages: totalPages(total, query.perPage),
      meta: { generated_at: generatedAt() },
    });
  });

  router.get('/api/products/:id', async (req, res) => {
    const id = parseId(req.params.id);
    const row = id === undefined ? undefined : await findProduct(db, id);
    if (!row) throw error('product_not_found', `product ${req.params.id} not found`);
    res.json(presentProduct(row));
  });

  return router;
}
