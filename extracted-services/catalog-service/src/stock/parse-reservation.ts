/**
 * Bodies of the internal stock endpoints:
 * reserve `{ "reservation_id": "…", "items": [{ "product_id": 12, "quantity": 2 }] }`,
 * release `{ "reservation_id": "…" }`.
 */
import { error } from '../errors.ts';

export const MAX_LINES = 50;
export const MAX_QUANTITY = 100;

export interface ReservationLine {
  readonly productId: number;
  readonly quantity: number;
}

export interface ReserveRequest {
  readonly reservationId: string;
  readonly lines: readonly ReservationLine[];
}

const RESERVATION_ID = /^[A-Za-z0-9_-]{1,64}$/;
const invalid = (message: string) => error('validation_failed', message);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

export function parseReservationId(body: unknown): string {
  if (!isRecord(body)) throw invalid('request body must be a JSON object');
  const id = body.reservation_id;
  if (typeof id !== 'string' || !RESERVATION_ID.test(id)) {
    throw invalid('reservation_id must be 1 to 64 letters, digits, dashes or underscores');
  }
  return id;
}

export function parseReserveRequest(body: unknown): ReserveRequest {
  const reservationId = parseReservationId(body);
  const items = (body as Record<string, unknown>).items;
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_LINES) {
    throw invalid(`items must be an array of 1 to ${MAX_LINES} lines`);
  }
  const seen = new Set<number>();
  const lines = items.map((item: unknown, i): ReservationLine => {
    if (!isRecord(item)) throw invalid(`items[${i}] must be an object`);
    if (!isIntegerIn(item.product_id, 1, 2_147_483_647))
      throw invalid(`items[${i}].product_id must be a positive integer`);
    if (!isIntegerIn(item.quantity, 1, MAX_QUANTITY)) {
      throw invalid(`items[${i}].quantity must be an integer between 1 and ${MAX_QUANTITY}`);
    }
    if (seen.has(item.product_id)) throw invalid(`items[${i}].product_id repeats product ${item.product_id}`);
    seen.add(item.product_id);
    return { productId: item.product_id, quantity: item.quantity };
  });
  return { reservationId, lines };
}
