/**
 * Placing and cancelling orders. Both run in one transaction: stock is checked and taken (or given back)
 * together with the order rows, so a failed order leaves no trace and stock never goes negative.
 */
import type { Knex } from 'knex';
import type { InventoryRow, OrderRow, ProductRow } from '../db/rows.ts';
import { formatLegacyDate } from '../format/legacy-date.ts';
import { HttpError } from '../http/http-error.ts';
import type { OrderRequest } from './parse-order-request.ts';
import { CouponNotApplicable, priceOrder } from './price-order.ts';

type Sellable = ProductRow & Pick<InventoryRow, 'qty_on_hand'>;

/** Creates the order; returns its id. Throws `unknown_product`, `out_of_stock` or `invalid_coupon`. */
export async function placeOrder(
  db: Knex,
  customerId: number,
  request: OrderRequest,
  now: Date,
): Promise<number> {
  return db.transaction(async (trx) => {
    const ids = request.lines.map((line) => line.productId);
    const found = await trx('products as p')
      .join('inventory as i', 'i.product_id', 'p.id')
      .whereIn('p.id', ids)
      .andWhere('p.active', 1)
      .select<Sellable[]>('p.*', 'i.qty_on_hand');
    const byId = new Map(found.map((product) => [product.id, product]));
    const lines = request.lines.map((line) => {
      const product = byId.get(line.productId);
      if (!product) throw new HttpError('unknown_product', `product ${line.productId} does not exist`);
      if (product.qty_on_hand < line.quantity) {
        throw new HttpError(
          'out_of_stock',
          `not enough stock for product ${product.id} (requested ${line.quantity}, available ${product.qty_on_hand})`,
        );
      }
      return { product, quantity: line.quantity };
    });
    let totals;
    try {
      totals = priceOrder(
        lines.map(({ product, quantity }) => ({ unitPriceCents: product.price_cents, quantity })),
        request.coupon,
      );
    } catch (error) {
      if (error instanceof CouponNotApplicable) throw new HttpError('invalid_coupon', error.message);
      throw error;
    }
    const createdAt = formatLegacyDate(now);
    for (const { product, quantity } of lines) {
      await trx('inventory')
        .where({ product_id: product.id })
        .update({ qty_on_hand: trx.raw('qty_on_hand - ?', [quantity]), updated_at: createdAt });
    }
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
      })
      .returning<Array<{ id: number }>>('id');
    if (!inserted) throw new Error('order insert returned no id');
    await trx('order_items').insert(
      lines.map(({ product, quantity }, i) => ({
        order_id: inserted.id,
        product_id: product.id,
        sku: product.sku,
        name: product.name,
        unit_price_cents: product.price_cents,
        quantity,
        line_total_cents: totals.lineTotalsCents[i] ?? 0,
      })),
    );
    return inserted.id;
  });
}

/** Cancels a placed order and puts its stock back. Throws `order_not_found` or `order_not_cancellable`. */
export async function cancelOrder(db: Knex, customerId: number, orderId: number, now: Date): Promise<void> {
  await db.transaction(async (trx) => {
    const order = await trx<OrderRow>('orders').where({ id: orderId, customer_id: customerId }).first();
    if (!order) throw new HttpError('order_not_found', `order ${orderId} not found`);
    if (order.status !== 'placed') {
      throw new HttpError(
        'order_not_cancellable',
        `order ${orderId} is ${order.status} and can no longer be cancelled`,
      );
    }
    const cancelledAt = formatLegacyDate(now);
    await trx('orders').where({ id: orderId }).update({ status: 'cancelled', cancelled_at: cancelledAt });
    const items = await trx('order_items')
      .where({ order_id: orderId })
      .select<Array<{ product_id: number; quantity: number }>>('product_id', 'quantity');
    for (const item of items) {
      await trx('inventory')
        .where({ product_id: item.product_id })
        .update({ qty_on_hand: trx.raw('qty_on_hand + ?', [item.quantity]), updated_at: cancelledAt });
    }
  });
}
