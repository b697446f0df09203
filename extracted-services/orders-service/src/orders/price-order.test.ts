import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
// The monolith's pricing, the contract this rewrite must keep.
import { COUPONS as LEGACY_COUPONS } from '../../../../legacy-monolith/src/orders/coupons.ts';
import { priceOrder as legacyPriceOrder } from '../../../../legacy-monolith/src/orders/price-order.ts';
import { COUPONS, findCoupon } from './coupons.ts';
import { CouponNotApplicable, priceOrder } from './price-order.ts';

describe('priceOrder', () => {
  it('prices a small order like the monolith does', () => {
    expect(priceOrder([{ unitPriceCents: 1250, quantity: 2 }])).toEqual({
      lineTotalsCents: [2500],
      subtotalCents: 2500,
      discountCents: 0,
      taxCents: 206,
      shippingCents: 499,
      totalCents: 3205,
    });
  });

  it('refuses a coupon whose minimum is not met', () => {
    expect(() => priceOrder([{ unitPriceCents: 100, quantity: 1 }], findCoupon('welcome5'))).toThrow(
      CouponNotApplicable,
    );
  });

  it('has the monolith coupon list', () => {
    expect(COUPONS).toEqual(LEGACY_COUPONS);
  });

  it('agrees with the monolith on every cart and coupon', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            unitPriceCents: fc.integer({ min: 1, max: 500_000 }),
            quantity: fc.integer({ min: 1, max: 100 }),
          }),
          {
            minLength: 1,
            maxLength: 20,
          },
        ),
        fc.option(fc.integer({ min: 0, max: COUPONS.length - 1 }), { nil: undefined }),
        (lines, couponIndex) => {
          const coupon = couponIndex === undefined ? undefined : COUPONS[couponIndex];
          const legacyCoupon = couponIndex === undefined ? undefined : LEGACY_COUPONS[couponIndex];
          const attempt = <T>(run: () => T): T | 'refused' => {
            try {
              return run();
            } catch {
              return 'refused';
            }
          };
          expect(attempt(() => priceOrder(lines, coupon))).toEqual(
            attempt(() => legacyPriceOrder(lines, legacyCoupon)),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
