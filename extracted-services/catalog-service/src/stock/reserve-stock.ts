/**
 * Reserving and releasing stock, each in one transaction. A reservation is all-or-nothing (every line is
 * in stock, or nothing is taken), replaying it with the same id returns the first answer without taking
 * stock twice, and releasing gives back exactly what it took, once.
 *
 * Releasing an id that was never reserved records it as released: a caller that gave up on a slow reserve
 * releases it, and if that reserve only reaches us afterwards it must be refused, not take stock that
 * nobody will ever give back.
 */
import type { Knex } from 'knex';
import type { ProductRow, ReservationRow } from '../db/rows.ts';
import { error } from '../errors.ts';
import type { ReservationLine, ReserveRequest } from './parse-reservation.ts';

export interface ReservedLine {
  readonly product_id: number;
  readonly sku: string;
  readonly name: string;
  readonly unit_price_cents: number;
  readonly quantity: number;
}

export interface Reservation {
  readonly id: string;
  readonly status: 'reserved' | 'released';
  readonly items: readonly ReservedLine[];
}

function toReservation(row: ReservationRow): Reservation {
  return { id: row.id, status: row.status, items: JSON.parse(row.items_json) as ReservedLine[] };
}

function sameLines(reserved: readonly ReservedLine[], requested: readonly ReservationLine[]): boolean {
  return (
    reserved.length === requested.length &&
    requested.every(
      (line, i) => reserved[i]?.product_id === line.productId && reserved[i]?.quantity === line.quantity,
    )
  );
}

/** Takes the stock; `created` is false when this id was already reserved with the same lines. */
export async function reserveStock(
  db: Knex,
  request: ReserveRequest,
  now: Date,
): Promise<{ created: boolean; reservation: Reservation }> {
  return db.transaction(async (trx) => {
    const existing = await trx<ReservationRow>('stock_reservations')
      .where({ id: request.reservationId })
      .first();
    if (existing) {
      const reservation = toReservation(existing);
      if (reservation.status === 'reserved' && sameLines(reservation.items, request.lines)) {
        return { created: false, reservation };
      }
      throw error(
        'reservation_conflict',
        `reservation ${request.reservationId} already exists with other lines or was released`,
      );
    }
    const found = await trx('products as p')
      .join('inventory as i', 'i.product_id', 'p.id')
      .whereIn(
        'p.id',
        request.lines.map((line) => line.productId),
      )
      .andWhere('p.active', 1)
      .select<Array<ProductRow & { qty_on_hand: number }>>('p.*', 'i.qty_on_hand');
    const byId = new Map(found.map((product) => [product.id, product]));
    const items = request.lines.map((line): ReservedLine => {
      const product = byId.get(line.productId);
      // Same codes and messages as the monolith's order endpoint: orders-service passes them through.
      if (!product) throw error('unknown_product', `product ${line.productId} does not exist`);
      if (product.qty_on_hand < line.quantity) {
        throw error(
          'out_of_stock',
          `not enough stock for product ${product.id} (requested ${line.quantity}, available ${product.qty_on_hand})`,
        );
      }
      return {
        product_id: product.id,
        sku: product.sku,
        name: product.name,
        unit_price_cents: product.price_cents,
        quantity: line.quantity,
      };
    });
    const at = now.toISOString();
    for (const item of items) {
      await trx('inventory')
        .where({ product_id: item.product_id })
        .update({ qty_on_hand: trx.raw('qty_on_hand - ?', [item.quantity]), updated_at: at });
    }
    await trx('stock_reservations').insert({
      id: request.reservationId,
      items_json: JSON.stringify(items),
      status: 'reserved',
      created_at: at,
      released_at: null,
    });
    return { created: true, reservation: { id: request.reservationId, status: 'reserved', items } };
  });
}

/** Gives the stock back; releasing a released (or never reserved) id changes nothing but the record. */
export async function releaseStock(db: Knex, reservationId: string, now: Date): Promise<Reservation> {
  return db.transaction(async (trx) => {
    const row = await trx<ReservationRow>('stock_reservations').where({ id: reservationId }).first();
    if (!row) {
      const at = now.toISOString();
      await trx('stock_reservations').insert({
        id: reservationId,
        items_json: '[]',
        status: 'released',
        created_at: at,
        released_at: at,
      });
      return { id: reservationId, status: 'released', items: [] };
    }
    const reservation = toReservation(row);
    if (reservation.status === 'released') return reservation;
    const at = now.toISOString();
    for (const item of reservation.items) {
      await trx('inventory')
        .where({ product_id: item.product_id })
        .update({ qty_on_hand: trx.raw('qty_on_hand + ?', [item.quantity]), updated_at: at });
    }
    await trx('stock_reservations')
      .where({ id: reservationId })
      .update({ status: 'released', released_at: at });
    return { ...reservation, status: 'released' };
  });
}
