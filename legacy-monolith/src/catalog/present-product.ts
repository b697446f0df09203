/** The product JSON the API has always sent. */
import { formatCents } from '../format/money.ts';
import type { ProductWithCategory } from './product-queries.ts';

export interface ProductJson {
  readonly id: number;
  readonly sku: string;
  readonly name: string;
  readonly description: string;
  readonly brand: string;
  /** "12.50" */
  readonly price: string;
  readonly currency: string;
  readonly category_id: number;
  readonly category_name: string;
  /** 1 or 0. */
  readonly active: number;
  /** "2024-03-05 14:22:10" (UTC) */
  readonly created_at: string;
}

export function presentProduct(row: ProductWithCategory): ProductJson {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
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
