/**
 * Order pricing in integer cents, rewritten from the monolith's rules (a property test checks both agree):
 * volume discount 5% off lines of 10+ units; coupon (SAVE10 10% after volume discount, WELCOME5 5.00 off
 * from a 25.00 subtotal, FREESHIP no shipping), the discount capped at the subtotal; tax 8.25% of the
 * discounted subtotal; shipping 4.99 below 50.00 after discount. Rounding half up.
 */
import type { Coupon } from './coupons.ts';

const TAX_BASIS_POINTS = 825;
const VOLUME_MIN_QUANTITY = 10;
const VOLUME_PERCENT = 5;
const FREE_SHIPPING_FROM_CENTS = 5000;
const SHIPPING_CENTS = 499;

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

/** The coupon's minimum subtotal is not met. */
export class CouponNotApplicable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CouponNotApplicable';
  }
}

/** `value × percent / 100`, rounded half up (non-negative integers). */
const percentOf = (value: number, percent: number): number => Math.floor((value * percent + 50) / 100);

function formatAmount(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

function couponDiscount(coupon: Coupon | undefined, afterVolume: number): number {
  switch (coupon?.kind) {
    case 'percent':
      return percentOf(afterVolume, coupon.percent);
    case 'amount':
      return coupon.amountCents;
    default:
      return 0;
  }
}

export function priceOrder(lines: readonly PricedLineInput[], coupon?: Coupon): OrderTotals {
  const lineTotalsCents = lines.map((line) => line.unitPriceCents * line.quantity);
  const subtotalCents = lineTotalsCents.reduce((sum, total) => sum + total, 0);
  if (coupon && subtotalCents < coupon.minSubtotalCents) {
    throw new CouponNotApplicable(
      `coupon ${coupon.code} needs a subtotal of at least ${formatAmount(coupon.minSubtotalCents)}`,
    );
  }
  const volumeCents = lines.reduce(
    (sum, line, i) =>
      sum + (line.quantity >= VOLUME_MIN_QUANTITY ? percentOf(lineTotalsCents[i] ?? 0, VOLUME_PERCENT) : 0),
    0,
  );
  const discountCents = Math.min(
    subtotalCents,
    volumeCents + couponDiscount(coupon, subtotalCents - volumeCents),
  );
  const taxable = subtotalCents - discountCents;
  const taxCents = Math.floor((taxable * TAX_BASIS_POINTS + 5000) / 10_000);
  const freeShipping =
    coupon?.kind === 'free_shipping' || taxable >= FREE_SHIPPING_FROM_CENTS || lines.length === 0;
  const shippingCents = freeShipping ? 0 : SHIPPING_CENTS;
  return {
    lineTotalsCents,
    subtotalCents,
    discountCents,
    taxCents,
    shippingCents,
    totalCents: taxable + taxCents + shippingCents,
  };
}
