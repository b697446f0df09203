import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COUPONS, findCoupon } from './coupons.ts';
import { CouponNotApplicable, priceOrder } from './price-order.ts';

const line = (unitPriceCents: number, quantity: number) => ({ unitPriceCents, quantity });

describe('priceOrder', () => {
  it('adds tax and shipping to a small order', () => {
    // 2 × 12.50 = 25.00; tax 8.25% = 2.0625 → 2.06; shipping 4.99.
    expect(priceOrder([line(1250, 2)])).toEqual({
      lineTotalsCents: [2500],
      subtotalCents: 2500,
      discountCents: 0,
      taxCents: 206,
      shippingCents: 499,
      totalCents: 3205,
    });
  });

  it('ships free from 50.00 after discounts', () => {
    expect(priceOrder([line(5000, 1)]).shippingCents).toBe(0);
    expect(priceOrder([line(5000, 1)], findCoupon('save10')).shippingCents).toBe(499);
  });

  it('takes 5% off lines of ten or more units', () => {
    const totals = priceOrder([line(999, 10), line(500, 1)]);
    expect(totals.subtotalCents).toBe(10_490);
    expect(totals.discountCents).toBe(500); // 5% of 99.90 = 4.995 → 5.00
  });

  it('applies SAVE10 after the volume discount', () => {
    const totals = priceOrder([line(1000, 10)], findCoupon('SAVE10'));
    expect(totals.discountCents).toBe(500 + 950);
  });

  it('applies WELCOME5 only from a 25.00 subtotal', () => {
    expect(priceOrder([line(2500, 1)], findCoupon('WELCOME5')).discountCents).toBe(500);
    expect(() => priceOrder([line(2499, 1)], findCoupon('WELCOME5'))).toThrow(CouponNotApplicable);
  });

  it('waives shipping with FREESHIP', () => {
    expect(priceOrder([line(100, 1)], findCoupon('FREESHIP')).shippingCents).toBe(0);
  });

  it('keeps the totals consistent for any cart and coupon', () => {
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
        fc.option(fc.constantFrom(...COUPONS), { nil: undefined }),
        (lines, coupon) => {
          let totals;
          try {
            totals = priceOrder(lines, coupon);
          } catch (error) {
            expect(error).toBeInstanceOf(CouponNotApplicable);
            return;
          }
          expect(totals.subtotalCents).toBe(lines.reduce((sum, l) => sum + l.unitPriceCents * l.quantity, 0));
          expect(totals.discountCents).toBeGreaterThanOrEqual(0);
          expect(totals.discountCents).toBeLessThanOrEqual(totals.subtotalCents);
          expect(totals.taxCents).toBe(
            Math.round(((totals.subtotalCents - totals.discountCents) * 825) / 10_000),
          );
          expect(totals.totalCents).toBe(
            totals.subtotalCents - totals.discountCents + totals.taxCents + totals.shippingCents,
          );
          for (const value of Object.values(totals).flat()) expect(Number.isSafeInteger(value)).toBe(true);
        },
      ),
    );
  });
});
