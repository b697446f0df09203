import { describe, expect, it } from 'vitest';
import { HttpError } from '../http/http-error.ts';
import { parseOrderRequest } from './parse-order-request.ts';

function codeOf(body: unknown): string | undefined {
  try {
    parseOrderRequest(body);
  } catch (error) {
    return error instanceof HttpError ? error.code : 'not an HttpError';
  }
  return undefined;
}

describe('parseOrderRequest', () => {
  it('reads lines and a coupon', () => {
    const parsed = parseOrderRequest({
      items: [{ product_id: 3, quantity: 2 }],
      coupon_code: ' save10 ',
      note: 'x',
    });
    expect(parsed.lines).toEqual([{ productId: 3, quantity: 2 }]);
    expect(parsed.coupon?.code).toBe('SAVE10');
  });

  it('accepts a null coupon', () => {
    expect(
      parseOrderRequest({ items: [{ product_id: 3, quantity: 1 }], coupon_code: null }).coupon,
    ).toBeUndefined();
  });

  it.each([
    ['not an object', [1, 2]],
    ['null', null],
    ['no items', {}],
    ['empty items', { items: [] }],
    ['items not an array', { items: 'all' }],
    ['line not an object', { items: [7] }],
    ['missing product_id', { items: [{ quantity: 1 }] }],
    ['string product_id', { items: [{ product_id: '3', quantity: 1 }] }],
    ['zero quantity', { items: [{ product_id: 3, quantity: 0 }] }],
    ['fractional quantity', { items: [{ product_id: 3, quantity: 1.5 }] }],
    ['huge quantity', { items: [{ product_id: 3, quantity: 101 }] }],
    [
      'repeated product',
      {
        items: [
          { product_id: 3, quantity: 1 },
          { product_id: 3, quantity: 2 },
        ],
      },
    ],
    ['coupon not a string', { items: [{ product_id: 3, quantity: 1 }], coupon_code: 10 }],
  ])('rejects %s with validation_failed', (_label, body) => {
    expect(codeOf(body)).toBe('validation_failed');
  });

  it('rejects an unknown coupon with invalid_coupon', () => {
    expect(codeOf({ items: [{ product_id: 3, quantity: 1 }], coupon_code: 'FREEMONEY' })).toBe(
      'invalid_coupon',
    );
  });
});
