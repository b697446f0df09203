/** Row shapes of the shop's tables, as SQLite returns them. */

export interface CategoryRow {
  readonly id: number;
  readonly name: string;
  readonly parent_id: number | null;
  readonly position: number;
  readonly created_at: string;
}

export interface ProductRow {
  readonly id: number;
  readonly sku: string;
  readonly name: string;
  readonly description: string;
  readonly brand: string;
  readonly category_id: number;
  readonly price_cents: number;
  readonly currency: string;
  readonly active: number;
  readonly created_at: string;
  readonly updated_at: string;
}

export interface InventoryRow {
  readonly product_id: number;
  readonly qty_on_hand: number;
  readonly warehouse: string;
  readonly updated_at: string;
}

export interface CustomerRow {
  readonly id: number;
  readonly email: string;
  readonly first_name: string;
  readonly last_name: string;
  readonly password_salt: string;
  readonly password_hash: string;
  readonly created_at: string;
}

export interface SessionRow {
  readonly token: string;
  readonly customer_id: number;
  readonly created_at: string;
  readonly expires_at: string | null;
}

export interface ReviewRow {
  readonly id: number;
  readonly product_id: number;
  readonly customer_id: number;
  readonly rating: number;
  readonly title: string;
  readonly body: string;
  readonly created_at: string;
}

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
