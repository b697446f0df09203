/**
 * Order pricing, in integer cents. The rules, in the order they apply:
 * 1. line total = unit price × quantity; subtotal = sum of line totals;
 * 2. volume discount: 5% off a line of 10 or more units (rounded half up, per line);
 * 3. coupon: SAVE10 takes 10% off what is left, WELCOME5 takes 5.00 off (subtotal ≥ 25.00), FREESHIP
 *    waives shipping; the discount never exceeds the subtotal;
 * 4. tax: 8.25% of (subtotal − discount), rounded half up;
 * 5. shipping: free from 50.00 after discount, otherwise 4.99;
 * 6. total = subtotal − discount + tax + shipping.
 */
import type { Coupon } from './coupons.ts';

export const TAX_BASIS_POINTS = 825;
export const VOLUME_MIN_QUANTITY = 10;
export const VOLUME_PERCENT = 5;
export const FREE_SHIPPING_FROM_CENTS = 5000;
export const SHIPPING_CENTS = 499;

export interface PricedLineInput {
  readonly unitPriceCents: number;
  readonly quantity: number;
}

export interface OrderTotals {
  readonly lineTotalsCents: readonly number[];
  readonly subtotalCents: number;
  readonly discountCents: number;
  readonly taxCents: number;
  readonly shippingCents: number;
  readonly totalCents: number;
}

/** Why a coupon cannot be used on this order. */
export class CouponNotApplicable extends Error {
  readonly coupon: Coupon;

  constructor(coupon: Coupon, message: string) {
    super(message);
    this.name = 'CouponNotApplicable';
    this.coupon = coupon;
  }
}

/** `value × percent / 100`, rounded half up, for non-negative integers. */
function percentOf(value: number, percent: number): number {
  return Math.floor((value * percent + 50) / 100);
}

function formatMinimum(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** Prices an order; throws {@link CouponNotApplicable} when the coupon's minimum is not met. */
export function priceOrder(lines: readonly PricedLineInput[], coupon?: Coupon): OrderTotals {
  const lineTotalsCents = lines.map((line) => line.unitPriceCents * line.quantity);
  const subtotalCents = lineTotalsCents.reduce((sum, total) => sum + total, 0);
  const volumeCents = lines.reduce(
    (sum, line, i) =>
      line.quantity >= VOLUME_MIN_QUANTITY ? sum + percentOf(lineTotalsCents[i] ?? 0, VOLUME_PERCENT) : sum,
    0,
  );
  if (coupon && subtotalCents < coupon.minSubtotalCents) {
    throw new CouponNotApplicable(
      coupon,
      `coupon ${coupon.code} needs a subtotal of at least ${formatMinimum(coupon.minSubtotalCents)}`,
    );
  }
  const afterVolume = subtotalCents - volumeCents;
  const couponCents =
    coupon?.kind === 'percent'
      ? percentOf(afterVolume, coupon.percent)
      : coupon?.kind === 'amount'
        ? coupon.amountCents
        : 0;
  const discountCents = Math.min(subtotalCents, volumeCents + couponCents);
  const taxable = subtotalCents - discountCents;
  const taxCents = Math.floor((taxable * TAX_BASIS_POINTS + 5000) / 10_000);
  const shippingCents =
    coupon?.kind === 'free_shipping' || taxable >= FREE_SHIPPING_FROM_CENTS || lines.length === 0
      ? 0
      : SHIPPING_CENTS;
  return {
    lineTotalsCents,
    subtotalCents,
    discountCents,
    taxCents,
    shippingCents,
    totalCents: taxable + taxCents + shippingCents,
  };
}
