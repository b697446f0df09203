/** Row shapes of catalog-service's own tables. */

export interface CategoryRow {
  readonly id: number;
  readonly name: string;
  readonly parent_id: number | null;
  readonly position: number;
}

export interface ProductRow {
  readonly id: number;
  readonly sku: string;
  readonly name: string;
  readonly slug: string;
  readonly description: string;
  readonly brand: string;
  readonly category_id: number;
  readonly price_cents: number;
  readonly currency: string;
  readonly active: number;
  /** ISO-8601 with milliseconds, UTC. */
  readonly created_at: string;
}

export interface InventoryRow {
  readonly product_id: number;
  readonly qty_on_hand: number;
  readonly updated_at: string;
}

export interface ReviewRow {
  readonly id: number;
  readonly product_id: number;
  readonly customer_id: number;
  /** "First L.", copied at migration time: customers stay in the monolith. */
  readonly author: string;
  readonly rating: number;
  readonly title: string;
  readonly body: string;
  /** Kept in the legacy "YYYY-MM-DD HH:MM:SS" form (see the README). */
  readonly created_at: string;
}

export interface ReservationRow {
  readonly id: string;
  /** JSON: the reserved lines with the prices they were reserved at. */
  readonly items_json: string;
  readonly status: 'reserved' | 'released';
  readonly created_at: string;
  readonly released_at: string | null;
}
