/**
 * The seed data, generated from a seeded PRNG: hundreds of products, tens of customers, hundreds of orders,
 * identical on every run for the same seed. Pure: it builds rows; `seed-database.ts` writes them.
 */
import { hashPassword } from '../customers/passwords.ts';
import type {
  CategoryRow,
  CustomerRow,
  InventoryRow,
  OrderItemRow,
  OrderRow,
  OrderStatus,
  ProductRow,
  ReviewRow,
  SessionRow,
} from '../db/rows.ts';
import { formatLegacyDate } from '../format/legacy-date.ts';
import { findCoupon } from '../orders/coupons.ts';
import { CouponNotApplicable, priceOrder } from '../orders/price-order.ts';
import { createPrng, type Prng } from './prng.ts';
import {
  ADJECTIVES,
  BRANDS,
  CATEGORY_SPECS,
  DESCRIPTION_SENTENCES,
  FIRST_NAMES,
  LAST_NAMES,
  MATERIALS,
  REVIEW_SENTENCES,
  REVIEW_TITLES,
} from './seed-vocabulary.ts';

export const DEFAULT_SEED = 20_240_305;

/** The demo customer, who can log in or use {@link DEMO_TOKEN} directly. */
export const DEMO_CUSTOMER = { id: 1, email: 'demo@example.com', password: 'demo1234' } as const;
/** A bearer token for the demo customer that never expires. */
export const DEMO_TOKEN = 'demo-token-7c1e4b2a9f3d';
/** Every other seeded customer `n` logs in with `password-n`. */
export const seededPassword = (customerId: number): string =>
  customerId === DEMO_CUSTOMER.id ? DEMO_CUSTOMER.password : `password-${customerId}`;

export interface SeedSizes {
  readonly products: number;
  readonly customers: number;
  readonly orders: number;
}

export const DEFAULT_SIZES: SeedSizes = { products: 480, customers: 40, orders: 420 };

export interface SeedData {
  readonly categories: readonly CategoryRow[];
  readonly products: readonly ProductRow[];
  readonly inventory: readonly InventoryRow[];
  readonly customers: readonly CustomerRow[];
  readonly sessions: readonly SessionRow[];
  readonly reviews: readonly ReviewRow[];
  readonly orders: readonly OrderRow[];
  readonly orderItems: readonly OrderItemRow[];
}

const SECOND = 1000;
const DAY = 86_400 * SECOND;

function dateBetween(prng: Prng, from: number, to: number): string {
  return formatLegacyDate(new Date(from + Math.floor(prng.next() * ((to - from) / SECOND)) * SECOND));
}

function hex(prng: Prng, length: number): string {
  return Array.from({ length }, () => prng.int(0, 15).toString(16)).join('');
}

function generateCategories(): CategoryRow[] {
  const ids = new Map(CATEGORY_SPECS.map((spec, i) => [spec.name, i + 1]));
  return CATEGORY_SPECS.map((spec, i) => ({
    id: i + 1,
    name: spec.name,
    parent_id: spec.parent === undefined ? null : (ids.get(spec.parent) ?? null),
    position: i + 1,
    created_at: '2018-11-02 09:00:00',
  }));
}

function generateProducts(prng: Prng, count: number): ProductRow[] {
  const from = Date.UTC(2019, 0, 1);
  const to = Date.UTC(2024, 5, 30);
  return Array.from({ length: count }, (_, i): ProductRow => {
    const id = i + 1;
    const categoryIndex = prng.int(0, CATEGORY_SPECS.length - 1);
    const spec = CATEGORY_SPECS[categoryIndex] ?? CATEGORY_SPECS[0]!;
    const name = `${prng.pick(ADJECTIVES)} ${prng.pick(MATERIALS)} ${prng.pick(spec.nouns)}`;
    const brand = prng.pick(BRANDS);
    const first = prng.int(0, DESCRIPTION_SENTENCES.length - 1);
    const second = (first + prng.int(1, DESCRIPTION_SENTENCES.length - 1)) % DESCRIPTION_SENTENCES.length;
    const dollars = prng.int(spec.dollars[0], spec.dollars[1]);
    const created = dateBetween(prng, from, to);
    const updated = formatLegacyDate(
      new Date(Date.parse(`${created.replace(' ', 'T')}Z`) + prng.int(0, 200) * DAY),
    );
    return {
      id,
      sku: `${spec.code}-${String(id).padStart(5, '0')}`,
      name,
      description: `${name} by ${brand}. ${DESCRIPTION_SENTENCES[first]} ${DESCRIPTION_SENTENCES[second]}`,
      brand,
      category_id: categoryIndex + 1,
      price_cents: dollars * 100 + prng.pick([0, 0, 50, 95, 99]),
      currency: 'USD',
      active: prng.chance(0.96) ? 1 : 0,
      created_at: created,
      updated_at: updated,
    };
  });
}

function generateInventory(prng: Prng, products: readonly ProductRow[]): InventoryRow[] {
  return products.map((product) => {
    const roll = prng.next();
    const qty = roll < 0.06 ? 0 : roll < 0.16 ? prng.int(1, 5) : prng.int(6, 250);
    return {
      product_id: product.id,
      qty_on_hand: qty,
      warehouse: prng.pick(['EAST-1', 'WEST-2']),
      updated_at: dateBetween(prng, Date.UTC(2024, 6, 1), Date.UTC(2024, 8, 30)),
    };
  });
}

function generateCustomers(prng: Prng, count: number): CustomerRow[] {
  return Array.from({ length: count }, (_, i): CustomerRow => {
    const id = i + 1;
    const first = id === DEMO_CUSTOMER.id ? 'Dana' : prng.pick(FIRST_NAMES);
    const last = id === DEMO_CUSTOMER.id ? 'Demo' : prng.pick(LAST_NAMES);
    const salt = hex(prng, 16);
    const localPart = `${first}.${last}${id}`
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^a-z0-9.]/g, '');
    return {
      id,
      email: id === DEMO_CUSTOMER.id ? DEMO_CUSTOMER.email : `${localPart}@example.com`,
      first_name: first,
      last_name: last,
      password_salt: salt,
      password_hash: hashPassword(salt, seededPassword(id)),
      created_at: dateBetween(prng, Date.UTC(2018, 11, 1), Date.UTC(2022, 0, 1)),
    };
  });
}

function generateReviews(prng: Prng, products: readonly ProductRow[], customerCount: number): ReviewRow[] {
  const reviews: ReviewRow[] = [];
  for (const product of products) {
    const count = prng.chance(0.25) ? 0 : prng.int(1, 9);
    const quality = 2.5 + prng.next() * 2.3;
    for (let i = 0; i < count; i++) {
      const rating = Math.min(5, Math.max(1, Math.round(quality + (prng.next() - 0.5) * 2.4)));
      reviews.push({
        id: reviews.length + 1,
        product_id: product.id,
        customer_id: prng.int(1, customerCount),
        rating,
        title: prng.pick(REVIEW_TITLES[rating] ?? ['Review']),
        body: `${prng.pick(REVIEW_SENTENCES)} ${prng.pick(REVIEW_SENTENCES)}`,
        created_at: dateBetween(
          prng,
          Date.parse(`${product.created_at.replace(' ', 'T')}Z`),
          Date.UTC(2024, 8, 30),
        ),
      });
    }
  }
  return reviews;
}

function pickStatus(prng: Prng): OrderStatus {
  const roll = prng.next();
  return roll < 0.55 ? 'delivered' : roll < 0.7 ? 'shipped' : roll < 0.9 ? 'placed' : 'cancelled';
}

function generateOrders(
  prng: Prng,
  count: number,
  products: readonly ProductRow[],
  customerCount: number,
): { orders: OrderRow[]; orderItems: OrderItemRow[] } {
  const sellable = products.filter((product) => product.active === 1);
  const orders: OrderRow[] = [];
  const orderItems: OrderItemRow[] = [];
  const createdAt: string[] = Array.from({ length: count }, () =>
    dateBetween(prng, Date.UTC(2022, 0, 1), Date.UTC(2024, 8, 30)),
  ).sort();
  for (let i = 0; i < count; i++) {
    const id = i + 1;
    // The demo customer gets a regular's share so that their order list has pages.
    const customerId = prng.chance(0.06) ? 1 : prng.int(1, customerCount);
    const picked = new Map<number, ProductRow>();
    const lineCount = prng.int(1, 4);
    while (picked.size < lineCount) {
      const product = prng.pick(sellable);
      picked.set(product.id, product);
    }
    const lines = [...picked.values()].map((product) => ({
      product,
      quantity: prng.chance(0.05) ? prng.int(10, 12) : prng.int(1, 3),
    }));
    const pricedLines = lines.map(({ product, quantity }) => ({
      unitPriceCents: product.price_cents,
      quantity,
    }));
    let coupon = prng.chance(0.15) ? findCoupon(prng.pick(['SAVE10', 'WELCOME5', 'FREESHIP'])) : undefined;
    let totals;
    try {
      totals = priceOrder(pricedLines, coupon);
    } catch (error) {
      if (!(error instanceof CouponNotApplicable)) throw error;
      coupon = undefined;
      totals = priceOrder(pricedLines);
    }
    const status = pickStatus(prng);
    const created = createdAt[i] ?? '2024-01-01 00:00:00';
    orders.push({
      id,
      customer_id: customerId,
      status,
      coupon_code: coupon?.code ?? null,
      subtotal_cents: totals.subtotalCents,
      discount_cents: totals.discountCents,
      tax_cents: totals.taxCents,
      shipping_cents: totals.shippingCents,
      total_cents: totals.totalCents,
      currency: 'USD',
      created_at: created,
      cancelled_at:
        status === 'cancelled'
          ? formatLegacyDate(
              new Date(Date.parse(`${created.replace(' ', 'T')}Z`) + prng.int(600, 86_400) * SECOND),
            )
          : null,
    });
    lines.forEach(({ product, quantity }, j) => {
      orderItems.push({
        id: orderItems.length + 1,
        order_id: id,
        product_id: product.id,
        sku: product.sku,
        name: product.name,
        unit_price_cents: product.price_cents,
        quantity,
        line_total_cents: totals.lineTotalsCents[j] ?? 0,
      });
    });
  }
  return { orders, orderItems };
}

/** Builds the whole shop for `seed`. */
export function generateSeed(seed: number = DEFAULT_SEED, sizes: SeedSizes = DEFAULT_SIZES): SeedData {
  const prng = createPrng(seed);
  const categories = generateCategories();
  const products = generateProducts(prng, sizes.products);
  const inventory = generateInventory(prng, products);
  const customers = generateCustomers(prng, sizes.customers);
  const reviews = generateReviews(prng, products, sizes.customers);
  const { orders, orderItems } = generateOrders(prng, sizes.orders, products, sizes.customers);
  const sessions: SessionRow[] = [
    { token: DEMO_TOKEN, customer_id: DEMO_CUSTOMER.id, created_at: '2024-01-01 00:00:00', expires_at: null },
  ];
  return { categories, products, inventory, customers, sessions, reviews, orders, orderItems };
}
