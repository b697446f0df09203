/** Orders of the authenticated customer: place, list, read, cancel (the monolith's routes and contract). */
import { Router } from 'express';
import type { Authenticate } from '../clients/legacy-auth.ts';
import { error } from '../errors.ts';
import { parseId, parsePaging, totalPages } from './list-query.ts';
import { findCustomerOrder, listCustomerOrders } from './order-queries.ts';
import { parseOrderRequest } from './parse-order-request.ts';
import { cancelOrder, placeOrder, type OrderDeps } from './place-order.ts';
import { presentOrder } from './present-order.ts';

export interface OrdersRouterDeps extends OrderDeps {
  readonly authenticate: Authenticate;
  readonly generatedAt: () => string;
}

export function createOrdersRouter(deps: OrdersRouterDeps): Router {
  const { db, authenticate, generatedAt } = deps;
  const router = Router();

  async function loadOrder(customerId: number, idText: string | undefined) {
    const id = parseId(idText);
    const found = id === undefined ? undefined : await findCustomerOrder(db, customerId, id);
    if (!found) throw error('order_not_found', `order ${idText} not found`);
    return found;
  }

  router.post('/api/orders', async (req, res) => {
    const customer = await authenticate(req);
    const request = parseOrderRequest(req.body);
    const id = await placeOrder(deps, customer.id, request);
    res
      .status(201)
      .location(`/api/orders/${id}`)
      .json(presentOrder(await loadOrder(customer.id, String(id))));
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
    if (id === undefined) throw error('order_not_found', `order ${req.params.id} not found`);
    await cancelOrder(deps, customer.id, id);
    res.json(presentOrder(await loadOrder(customer.id, req.params.id)));
  });

  return router;
}
