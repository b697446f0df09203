/**
 * Internal stock endpoints for orders-service (not for browsers: the proxy never routes `/internal` here,
 * and in production they would sit behind the service network).
 *
 * - `POST /internal/stock/reserve` → 201 (or 200 for a replay) with the reserved lines and their prices
 * - `POST /internal/stock/release` → 200
 * - `GET /internal/stock/:product_id` → `{ product_id, qty_on_hand }`
 */
import { Router } from 'express';
import type { Knex } from 'knex';
import { error } from '../errors.ts';
import { formatCents } from '../format/money.ts';
import { parseId } from '../products/list-query.ts';
import { parseReservationId, parseReserveRequest } from './parse-reservation.ts';
import { releaseStock, reserveStock, type Reservation } from './reserve-stock.ts';

function presentReservation(reservation: Reservation) {
  return {
    reservation_id: reservation.id,
    status: reservation.status,
    items: reservation.items.map((item) => ({
      product_id: item.product_id,
      sku: item.sku,
      name: item.name,
      unit_price: formatCents(item.unit_price_cents),
      quantity: item.quantity,
    })),
  };
}

export interface StockRouterDeps {
  readonly db: Knex;
  readonly clock: () => Date;
}

export function createStockRouter({ db, clock }: StockRouterDeps): Router {
  const router = Router();

  router.post('/internal/stock/reserve', async (req, res) => {
    const { created, reservation } = await reserveStock(db, parseReserveRequest(req.body), clock());
    res.status(created ? 201 : 200).json(presentReservation(reservation));
  });

  router.post('/internal/stock/release', async (req, res) => {
    res.json(presentReservation(await releaseStock(db, parseReservationId(req.body), clock())));
  });

  router.get('/internal/stock/:productId', async (req, res) => {
    const productId = parseId(req.params.productId);
    const row =
      productId === undefined
        ? undefined
        : await db('inventory')
            .where({ product_id: productId })
            .first<{ product_id: number; qty_on_hand: number } | undefined>('product_id', 'qty_on_hand');
    if (!row) throw error('product_not_found', `product ${req.params.productId} not found`);
    res.json(row);
  });

  return router;
}
