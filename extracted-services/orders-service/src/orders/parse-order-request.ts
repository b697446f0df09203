/**
 * Validation of `POST /api/orders` bodies, with the monolith's rules and messages:
 * `{ "items": [{ "product_id": 12, "quantity": 2 }], "coupon_code": "SAVE10" }` (coupon optional).
 */
import { error } from '../errors.ts';
import { findCoupon, type Coupon } from './coupons.ts';

export const MAX_ORDER_LINES = 50;
export const MAX_LINE_QUANTITY = 100;

export interface OrderRequestLine {
  readonly productId: number;
  readonly quantity: number;
}

export interface OrderRequest {
  readonly lines: readonly OrderRequestLine[];
  readonly coupon?: Coupon;
}

const invalid = (message: string) => error('validation_failed', message);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

export function parseOrderRequest(body: unknown): OrderRequest {
  if (!isRecord(body)) throw invalid('request body must be a JSON object');
  const { items, coupon_code: couponCode } = body;
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_ORDER_LINES) {
    throw invalid(`items must be an array of 1 to ${MAX_ORDER_LINES} lines`);
  }
  const seen = new Set<number>();
  const lines = items.map((item: unknown, i): OrderRequestLine => {
    if (!isRecord(item)) throw invalid(`items[${i}] must be an object`);
    if (!isIntegerIn(item.product_id, 1, 2_147_483_647))
      throw invalid(`items[${i}].product_id must be a positive integer`);
    if (!isIntegerIn(item.quantity, 1, MAX_LINE_QUANTITY)) {
      throw invalid(`items[${i}].quantity must be an integer between 1 and ${MAX_LINE_QUANTITY}`);
    }
    if (seen.has(item.product_id)) throw invalid(`items[${i}].product_id repeats product ${item.product_id}`);
    seen.add(item.product_id);
    return { productId: item.product_id, quantity: item.quantity };
  });
  if (couponCode === undefined || couponCode === null) return { lines };
  if (typeof couponCode !== 'string' || couponCode.length > 32) {
    throw invalid('coupon_code must be a string of at most 32 characters');
  }
  const coupon = findCoupon(couponCode);
  if (!coupon) throw error('invalid_coupon', `coupon ${couponCode} does not exist`);
  return { lines, coupon };
}
