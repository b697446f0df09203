/** Row shapes of orders-service's tables. */

export type OrderStatus = 'placed' | 'shipped' | 'delivered' | 'cancelled';

export interface OrderRow {
  readonly id: number;
  readonly customer_id: number;
  readonly status: OrderStatus;
  readonly coupon_code: string | null;
  readonly subtotal_cents: number;
  readonly discount_cents: number;
  readonly tax_cents: number;
  readonly shipping_cents: number;
  readonly total_cents: number;
  readonly currency: string;
  readonly created_at: string;
  readonly cancelled_at: string | null;
  /** The stock reservation at catalog-service this order holds. */
  readonly reservation_id: string;
}

export interface OrderItemRow {
  readonly id: number;
  readonly order_id: number;
  readonly product_id: number;
  readonly sku: string;
  readonly name: string;
  readonly unit_price_cents: number;
  readonly quantity: number;
  readonly line_total_cents: number;
}
