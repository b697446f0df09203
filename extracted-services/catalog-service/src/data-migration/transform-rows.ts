/**
 * How the monolith's rows become catalog rows. Pure, so the mapping is tested without a database, and
 * the same functions decide what "equal" means when the copy is verified.
 */
import type { CategoryRow, InventoryRow, ProductRow, ReviewRow } from '../db/rows.ts';
import { legacyToIso } from '../format/dates.ts';
import { slugify } from '../products/slugify.ts';

/** The monolith's columns the copy reads. */
export interface LegacyCategory {
  readonly id: number;
  readonly name: string;
  readonly parent_id: number | null;
  readonly position: number;
}

export interface LegacyProduct {
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
}

export interface LegacyInventory {
  readonly product_id: number;
  readonly qty_on_hand: number;
  readonly updated_at: string;
}

export interface LegacyReview {
  readonly id: number;
  readonly product_id: number;
  readonly customer_id: number;
  readonly rating: number;
  readonly title: string;
  readonly body: string;
  readonly created_at: string;
  /** Joined from the monolith's `customers`: the catalog keeps only the display name. */
  readonly first_name: string;
  readonly last_name: string;
}

export function toCategory(row: LegacyCategory): CategoryRow {
  return { id: row.id, name: row.name, parent_id: row.parent_id, position: row.position };
}

export function toProduct(row: LegacyProduct): ProductRow {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    slug: slugify(row.name, row.id),
    description: row.description,
    brand: row.brand,
    category_id: row.category_id,
    price_cents: row.price_cents,
    currency: row.currency,
    active: row.active,
    created_at: legacyToIso(row.created_at),
  };
}

export function toInventory(row: LegacyInventory): InventoryRow {
  return {
    product_id: row.product_id,
    qty_on_hand: row.qty_on_hand,
    updated_at: legacyToIso(row.updated_at),
  };
}

export function toReview(row: LegacyReview): ReviewRow {
  return {
    id: row.id,
    product_id: row.product_id,
    customer_id: row.customer_id,
    // The monolith's display rule ("First L."), applied once here instead of on every read.
    author: `${row.first_name} ${row.last_name.charAt(0)}.`,
    rating: row.rating,
    title: row.title,
    body: row.body,
    created_at: row.created_at,
  };
}
