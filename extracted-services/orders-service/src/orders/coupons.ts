/** The coupon codes orders accept: the monolith's list, carried over unchanged. */

export type Coupon =
  | {
      readonly code: string;
      readonly kind: 'percent';
      readonly percent: number;
      readonly minSubtotalCents: number;
    }
  | {
      readonly code: string;
      readonly kind: 'amount';
      readonly amountCents: number;
      readonly minSubtotalCents: number;
    }
  | { readonly code: string; readonly kind: 'free_shipping'; readonly minSubtotalCents: number };

export const COUPONS: readonly Coupon[] = [
  { code: 'SAVE10', kind: 'percent', percent: 10, minSubtotalCents: 0 },
  { code: 'WELCOME5', kind: 'amount', amountCents: 500, minSubtotalCents: 2500 },
  { code: 'FREESHIP', kind: 'free_shipping', minSubtotalCents: 0 },
];

/** Looks a code up, ignoring case and surrounding spaces. */
export function findCoupon(code: string): Coupon | undefined {
  const wanted = code.trim().toUpperCase();
  return COUPONS.find((coupon) => coupon.code === wanted);
}
