/**
 * catalog-service's internal stock API, as orders-service uses it. Reserve returns the lines with the
 * prices they were reserved at (the catalog owns prices); out-of-stock and unknown-product answers are
 * passed through with the catalog's code and message, which are the monolith's.
 */
import { error } from '../errors.ts';
import { parseCents } from '../format/money.ts';
import { callUpstream, upstreamError } from './call-upstream.ts';

export interface ReservedLine {
  readonly productId: number;
  readonly sku: string;
  readonly name: string;
  readonly unitPriceCents: number;
  readonly quantity: number;
}

export interface CatalogClient {
  /** Takes the stock of every line, or throws; safe to repeat with the same id. */
  reserve(
    reservationId: string,
    lines: ReadonlyArray<{ productId: number; quantity: number }>,
  ): Promise<ReservedLine[]>;
  /** Gives a reservation's stock back; safe to repeat, and fine for an id that never reached the catalog. */
  release(reservationId: string): Promise<void>;
}

export interface CatalogClientOptions {
  readonly baseUrl: string;
  readonly timeoutMs: number;
}

const UPSTREAM = 'catalog-service';
const PASSED_THROUGH = new Set(['out_of_stock', 'unknown_product']);

function readLines(body: unknown): ReservedLine[] {
  const items = typeof body === 'object' && body !== null ? (body as { items?: unknown }).items : undefined;
  if (!Array.isArray(items))
    throw error('upstream_unavailable', `${UPSTREAM} sent a reservation without items`);
  return items.map((item: unknown) => {
    const fields = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const { product_id: productId, sku, name, unit_price: unitPrice, quantity } = fields;
    if (
      typeof productId !== 'number' ||
      typeof sku !== 'string' ||
      typeof name !== 'string' ||
      typeof unitPrice !== 'string' ||
      typeof quantity !== 'number'
    ) {
      throw error('upstream_unavailable', `${UPSTREAM} sent a malformed reservation line`);
    }
    return { productId, sku, name, unitPriceCents: parseCents(unitPrice), quantity };
  });
}

export function createCatalogClient(options: CatalogClientOptions): CatalogClient {
  return {
    async reserve(reservationId, lines) {
      const answer = await callUpstream({
        upstream: UPSTREAM,
        url: `${options.baseUrl}/internal/stock/reserve`,
        method: 'POST',
        timeoutMs: options.timeoutMs,
        body: {
          reservation_id: reservationId,
          items: lines.map((line) => ({ product_id: line.productId, quantity: line.quantity })),
        },
      });
      if (answer.status === 200 || answer.status === 201) return readLines(answer.body);
      const failure = upstreamError(answer.body);
      if (failure && PASSED_THROUGH.has(failure.code)) {
        throw error(failure.code as 'out_of_stock' | 'unknown_product', failure.message);
      }
      throw error('upstream_unavailable', `${UPSTREAM} answered ${answer.status} to a stock reservation`);
    },

    async release(reservationId) {
      const answer = await callUpstream({
        upstream: UPSTREAM,
        url: `${options.baseUrl}/internal/stock/release`,
        method: 'POST',
        timeoutMs: options.timeoutMs,
        body: { reservation_id: reservationId },
      });
      if (answer.status !== 200) {
        throw error('upstream_unavailable', `${UPSTREAM} answered ${answer.status} to a stock release`);
      }
    },
  };
}
