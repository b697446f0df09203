/** Reading orders with their lines. */
import type { Knex } from 'knex';
import type { OrderItemRow, OrderRow } from '../db/rows.ts';
import type { Paging } from './list-query.ts';

export interface OrderWithItems {
  readonly order: OrderRow;
  readonly items: readonly OrderItemRow[];
}

async function attachItems(db: Knex, orders: readonly OrderRow[]): Promise<OrderWithItems[]> {
  if (orders.length === 0) return [];
  const items = await db<OrderItemRow>('order_items')
    .whereIn(
      'order_id',
      orders.map((order) => order.id),
    )
    .orderBy('id');
  return orders.map((order) => ({ order, items: items.filter((item) => item.order_id === order.id) }));
}

/** The customer's order, or undefined (also when it belongs to someone else). */
export async function findCustomerOrder(
  db: Knex,
  customerId: number,
  orderId: number,
): Promise<OrderWithItems | undefined> {
  const order = await db<OrderRow>('orders').where({ id: orderId, customer_id: customerId }).first();
  return order ? (await attachItems(db, [order]))[0] : undefined;
}

/** A customer's orders, newest first. */
export async function listCustomerOrders(
  db: Knex,
  customerId: number,
  paging: Paging,
): Promise<{ orders: OrderWithItems[]; total: number }> {
  const [counted] = await db('orders')
    .where({ customer_id: customerId })
    .count<Array<{ total: number }>>('* as total');
  const rows = await db<OrderRow>('orders')
    .where({ customer_id: customerId })
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(paging.perPage)
    .offset((paging.page - 1) * paging.perPage);
  return { orders: await attachItems(db, rows), total: counted?.total ?? 0 };
}
