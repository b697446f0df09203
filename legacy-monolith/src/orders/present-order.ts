/** The order JSON: money as "12.50" strings, dates in the legacy format. */
import { formatCents } from '../format/money.ts';
import type { OrderWithItems } from './order-queries.ts';

export interface OrderJson {
  readonly id: number;
  readonly customer_id: number;
  readonly status: string;
  readonly items: ReadonlyArray<{
    readonly product_id: number;
    readonly sku: string;
    readonly name: string;
    readonly unit_price: string;
    readonly quantity: number;
    readonly line_total: string;
  }>;
  readonly coupon_code: string | null;
  readonly subtotal: string;
  readonly discount: string;
  readonly tax: string;
  readonly shipping: string;
  readonly total: string;
  readonly currency: string;
  readonly created_at: string;
  readonly cancelled_at: string | null;
}

export function presentOrder({ order, items }: OrderWithItems): OrderJson {
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
