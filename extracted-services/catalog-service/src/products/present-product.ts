/**
 * Product JSON: the monolith's contract with two deliberate changes (see the README): `slug` is new, and
 * `created_at` is ISO-8601 with milliseconds.
 */
import { formatCents } from '../format/money.ts';
import type { ProductWithCategory } from './product-queries.ts';

export interface ProductJson {
  readonly id: number;
  readonly sku: string;
  readonly name: string;
  readonly slug: string;
  readonly description: string;
  readonly brand: string;
  readonly price: string;
  readonly currency: string;
  readonly category_id: number;
  readonly category_name: string;
  readonly active: number;
  readonly created_at: string;
}

export function presentProduct(row: ProductWithCategory): ProductJson {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    slug: row.slug,
    description: row.description,
    brand: row.brand,
    price: formatCents(row.price_cents),
    currency: row.currency,
    category_id: row.category_id,
    category_name: row.category_name,
    active: row.active,
    created_at: row.created_at,
  };
}
