/** `GET /api/categories` and `GET /api/categories/:id`, with counts of active products. */
import { Router } from 'express';
import type { Knex } from 'knex';
import type { CategoryRow } from '../db/rows.ts';
import { error } from '../errors.ts';
import { parseId } from '../products/list-query.ts';

interface CategoryWithCount extends CategoryRow {
  readonly product_count: number;
}

function presentCategory(row: CategoryWithCount) {
  return { id: row.id, name: row.name, parent_id: row.parent_id, product_count: row.product_count };
}

function categoriesWithCounts(db: Knex): Knex.QueryBuilder {
  return db('categories as c')
    .leftJoin('products as p', (join) => join.on('p.category_id', 'c.id').andOnVal('p.active', 1))
    .groupBy('c.id')
    .select('c.*', db.raw('count(p.id) as product_count'));
}

export interface CategoriesRouterDeps {
  readonly db: Knex;
  readonly generatedAt: () => string;
}

export function createCategoriesRouter({ db, generatedAt }: CategoriesRouterDeps): Router {
  const router = Router();

  router.get('/api/categories', async (_req, res) => {
    const rows = await categoriesWithCounts(db)
      .orderBy([{ column: 'c.position' }, { column: 'c.id' }])
      .then((result: CategoryWithCount[]) => result);
    res.json({ items: rows.map(presentCategory), total: rows.length, meta: { generated_at: generatedAt() } });
  });

  router.get('/api/categories/:id', async (req, res) => {
    const id = parseId(req.params.id);
    const row =
      id === undefined
        ? undefined
        : await categoriesWithCounts(db)
            .where('c.id', id)
            .first()
            .then((result: CategoryWithCount | undefined) => result);
    if (!row) throw error('category_not_found', `category ${req.params.id} not found`);
    res.json(presentCategory(row));
  });

  return router;
}
