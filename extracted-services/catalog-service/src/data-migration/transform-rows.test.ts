import { describe, expect, it } from 'vitest';
import { toInventory, toProduct, toReview } from './transform-rows.ts';

describe('row transforms', () => {
  it('adds a slug and turns the creation date into ISO-8601', () => {
    const product = toProduct({
      id: 17,
      sku: 'KIT-00017',
      name: 'Café Walnut Pepper Mill',
      description: 'd',
      brand: 'Hartwell',
      category_id: 1,
      price_cents: 2490,
      currency: 'USD',
      active: 1,
      created_at: '2021-06-14 09:31:02',
    });
    expect(product).toMatchObject({
      slug: 'cafe-walnut-pepper-mill-17',
      created_at: '2021-06-14T09:31:02.000Z',
    });
  });

  it('keeps only the reviewer display name', () => {
    const review = toReview({
      id: 1,
      product_id: 2,
      customer_id: 3,
      rating: 4,
      title: 't',
      body: 'b',
      created_at: '2024-01-02 03:04:05',
      first_name: 'Chloé',
      last_name: "O'Brien",
    });
    expect(review.author).toBe('Chloé O.');
    expect(review.created_at).toBe('2024-01-02 03:04:05');
    expect(review).not.toHaveProperty('first_name');
  });

  it('refuses a malformed legacy date instead of copying it', () => {
    expect(() => toInventory({ product_id: 1, qty_on_hand: 3, updated_at: 'yesterday' })).toThrow(RangeError);
  });
});
