/** Orders of the authenticated customer: place, list, read, cancel. */
import { Router } from 'express';
import type { Knex } from 'knex';
import type { Authenticate } from '../customers/authenticate.ts';
import { HttpError } from '../http/http-error.ts';
import { parseId, parsePaging, totalPages } from '../http/list-query.ts';
import { findCustomerOrder, listCustomerOrders } from './order-queries.ts';
import { parseOrderRequest } from './parse-order-request.ts';
import { cancelOrder, placeOrder } from './place-order.ts';
import { presentOrder } from './present-order.ts';

export interface OrdersRouterDeps {
  readonly db: Knex;
  readonly authenticate: Authenticate;
  readonly clock: () => Date;
  readonly generatedAt: () => string;
}

export function createOrdersRouter({ db, authenticate, clock, generatedAt }: OrdersRouterDeps): Router {
  const router = Router();

  async function loadOrder(customerId: number, idText: string | undefined) {
    const id = parseId(idText);
    const found = id === undefined ? undefined : await findCustomerOrder(db, customerId, id);
    if (!found) throw new HttpError('order_not_found', `order ${idText} not found`);
    return found;
  }

  router.post('/api/orders', async (req, res) => {
    const customer = await authenticate(req);
    const request = parseOrderRequest(req.body);
    const id = await placeOrder(db, customer.id, request, clock());
    const order = await loadOrder(customer.id, String(id));
    res.status(201).location(`/api/orders/${id}`).json(presentOrder(order));
  });

  router.get('/api/orders', async (req, res) => {
    const customer = await authenticate(req);
    const paging = parsePaging(req.query, 10);
    const { orders, total } = await listCustomerOrders(db, customer.id, paging);
    res.json({
      items: orders.map(presentOrder),
      page: paging.page,
      per_page: paging.perPage,
      total,
      total_pages: totalPages(total, paging.perPage),
      meta: { generated_at: generatedAt() },
    });
  });

  router.get('/api/orders/:id', async (req, res) => {
    const customer = await authenticate(req);
    res.json(presentOrder(await loadOrder(customer.id, req.params.id)));
  });

  router.post('/api/orders/:id/cancel', async (req, res) => {
    const customer = await authenticate(req);
    const id = parseId(req.params.id);
    if (id === undefined) throw new HttpError('order_not_found', `order ${req.params.id} not found`);
    await cancelOrder(db, customer.id, id, clock());
    res.json(presentOrder(await loadOrder(customer.id, req.params.id)));
  });

  return router;
}
