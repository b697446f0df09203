/**
 * Placing and cancelling orders across two databases: stock lives in catalog-service, orders here. There
 * is no shared transaction, so each step that can fail after the stock was taken gives it back
 * (a small saga), and every call to the catalog is safe to repeat.
 *
 * place:  reserve stock (catalog) → price → insert order (here); on failure after the reserve: release.
 * cancel: check the order → release stock (catalog) → mark cancelled (here). A failed release leaves the
 *         order `placed`, so the client can simply retry.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from 'service-kit';
import type { CatalogClient } from '../clients/catalog-client.ts';
import type { OrderRow } from '../db/rows.ts';
import { error } from '../errors.ts';
import { formatLegacyDate } from '../format/legacy-date.ts';
import type { OrderRequest } from './parse-order-request.ts';
import { CouponNotApplicable, priceOrder } from './price-order.ts';

export interface OrderDeps {
  readonly db: Knex;
  readonly catalog: CatalogClient;
  readonly clock: () => Date;
  readonly logger: Logger;
  readonly newReservationId?: () => string;
}

/** Gives stock back after a failed order; a failure here is logged, the original failure is what counts. */
async function releaseQuietly(deps: OrderDeps, reservationId: string, reason: string): Promise<void> {
  try {
    await deps.catalog.release(reservationId);
  } catch (failure) {
    deps.logger.error(
      { err: failure, reservation_id: reservationId, reason },
      'stock release failed: stock stays reserved',
    );
  }
}

/** Creates the order; returns its id. */
export async function placeOrder(
  deps: OrderDeps,
  customerId: number,
  request: OrderRequest,
): Promise<number> {
  const reservationId = (deps.newReservationId ?? randomUUID)();
  let reserved;
  try {
    reserved = await deps.catalog.reserve(reservationId, request.lines);
  } catch (failure) {
    // A timed-out reserve may still land at the catalog; releasing the id makes sure it takes nothing.
    if (failure instanceof Error && 'code' in failure && failure.code === 'upstream_timeout') {
      await releaseQuietly(deps, reservationId, 'reserve timed out');
    }
    throw failure;
  }
  try {
    let totals;
    try {
      totals = priceOrder(reserved, request.coupon);
    } catch (failure) {
      if (failure instanceof CouponNotApplicable) throw error('invalid_coupon', failure.message);
      throw failure;
    }
    const createdAt = formatLegacyDate(deps.clock());
    return await deps.db.transaction(async (trx) => {
      const [inserted] = await trx('orders')
        .insert({
          customer_id: customerId,
          status: 'placed',
          coupon_code: request.coupon?.code ?? null,
          subtotal_cents: totals.subtotalCents,
          discount_cents: totals.discountCents,
          tax_cents: totals.taxCents,
          shipping_cents: totals.shippingCents,
          total_cents: totals.totalCents,
          currency: 'USD',
          created_at: createdAt,
          cancelled_at: null,
          reservation_id: reservationId,
        })
        .returning<Array<{ id: number }>>('id');
      if (!inserted) throw new Error('order insert returned no id');
      await trx('order_items').insert(
        reserved.map((line, i) => ({
          order_id: inserted.id,
          product_id: line.productId,
          sku: line.sku,
          name: line.name,
          unit_price_cents: line.unitPriceCents,
          quantity: line.quantity,
          line_total_cents: totals.lineTotalsCents[i] ?? 0,
        })),
      );
      return inserted.id;
    });
  } catch (failure) {
    await releaseQuietly(deps, reservationId, 'order not created');
    throw failure;
  }
}

/** Cancels a placed order and gives its stock back. */
export async function cancelOrder(deps: OrderDeps, customerId: number, orderId: number): Promise<void> {
  const order = await deps.db<OrderRow>('orders').where({ id: orderId, customer_id: customerId }).first();
  if (!order) throw error('order_not_found', `order ${orderId} not found`);
  if (order.status !== 'placed') {
    throw error(
      'order_not_cancellable',
      `order ${orderId} is ${order.status} and can no longer be cancelled`,
    );
  }
  await deps.catalog.release(order.reservation_id);
  const updated = await deps
    .db('orders')
    .where({ id: orderId, status: 'placed' })
    .update({ status: 'cancelled', cancelled_at: formatLegacyDate(deps.clock()) });
  // A concurrent cancel got there first; the release was idempotent, so nothing is given back twice.
  if (updated === 0)
    throw error('order_not_cancellable', `order ${orderId} is cancelled and can no longer be cancelled`);
}
