/** `GET /api/inventory/:product_id`: stock on hand, for the warehouse screens. */
import { Router } from 'express';
import type { Knex } from 'knex';
import type { InventoryRow } from '../db/rows.ts';
import { HttpError } from '../http/http-error.ts';
import { parseId } from '../http/list-query.ts';

export function createInventoryRouter({ db }: { readonly db: Knex }): Router {
  const router = Router();
  router.get('/api/inventory/:productId', async (req, res) => {
    const productId = parseId(req.params.productId);
    const row =
      productId === undefined
        ? undefined
        : await db('inventory as i')
            .join('products as p', 'p.id', 'i.product_id')
            .where('i.product_id', productId)
            .first<(InventoryRow & { sku: string }) | undefined>('i.*', 'p.sku');
    if (!row) throw new HttpError('product_not_found', `product ${req.params.productId} not found`);
    res.json({
      product_id: row.product_id,
      sku: row.sku,
      qty_on_hand: row.qty_on_hand,
      warehouse: row.warehouse,
      updated_at: row.updated_at,
    });
  });
  return router;
}
