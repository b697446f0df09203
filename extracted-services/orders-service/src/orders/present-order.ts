/** The order JSON, field for field the monolith's (the reservation id stays internal). */
import { formatCents } from '../format/money.ts';
import type { OrderWithItems } from './order-queries.ts';

export function presentOrder({ order, items }: OrderWithItems) {
  return {
    id: order.id,
    customer_id: order.customer_id,
    status: order.status,
    items: items.map((item) => ({
      product_id: item.product_id,
      sku: item.sku,
      name: item.name,
      unit_price: formatCents(item.unit_price_cents),
      quantity: item.quantity,
      line_total: formatCents(item.line_total_cents),
    })),
    coupon_code: order.coupon_code,
    subtotal: formatCents(order.subtotal_cents),
    discount: formatCents(order.discount_cents),
    tax: formatCents(order.tax_cents),
    shipping: formatCents(order.shipping_cents),
    total: formatCents(order.total_cents),
    currency: order.currency,
    created_at: order.created_at,
    cancelled_at: order.cancelled_at,
  };
}
