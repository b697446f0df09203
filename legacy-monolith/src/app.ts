/**
 * The shop as one Express app: storefront page, catalog, reviews, inventory, customers and orders, all on
 * one database. `createApp` wires it up and does not listen; `main.ts` does.
 */
import express, { type Express } from 'express';
import type { Knex } from 'knex';
import { pino, type Logger } from 'pino';
import { createCategoriesRouter } from './catalog/categories-router.ts';
import { createProductsRouter } from './catalog/products-router.ts';
import { createReviewsRouter } from './catalog/reviews-router.ts';
import { createAuthRouter } from './customers/auth-router.ts';
import { createAuthenticate } from './customers/authenticate.ts';
import { createGeneratedAtClock } from './format/generated-at.ts';
import { createErrorHandler, notFoundHandler } from './http/error-handler.ts';
import { createRequestLog } from './http/request-log.ts';
import { createInventoryRouter } from './inventory/inventory-router.ts';
import { createOrdersRouter } from './orders/orders-router.ts';
import { createStorefrontRouter } from './storefront/storefront-router.ts';

export interface AppDeps {
  /** A migrated (and usually seeded) database. */
  readonly db: Knex;
  /** Default: silent. */
  readonly logger?: Logger;
  /** The time orders, reviews and sessions are stamped with. */
  readonly clock?: () => Date;
  /** The value of `meta.generated_at` on list responses. */
  readonly generatedAt?: () => string;
}

export function createApp(deps: AppDeps): Express {
  const db = deps.db;
  const logger = deps.logger ?? pino({ level: 'silent' });
  const clock = deps.clock ?? (() => new Date());
  const generatedAt = deps.generatedAt ?? createGeneratedAtClock();
  const authenticate = createAuthenticate(db, clock);

  const app = express();
  app.use(createRequestLog(logger));
  app.use(express.json({ limit: '100kb' }));
  app.get('/health', async (_req, res) => {
    try {
      await db.raw('select 1');
      res.json({ status: 'ok', checks: { database: 'ok' } });
    } catch (error) {
      logger.error({ err: error }, 'health check failed');
      res.status(503).json({ status: 'failing', checks: { database: 'failing' } });
    }
  });
  app.use(createStorefrontRouter({ db, generatedAt }));
  app.use(createProductsRouter({ db, generatedAt }));
  app.use(createReviewsRouter({ db, authenticate, clock, generatedAt }));
  app.use(createCategoriesRouter({ db, generatedAt }));
  app.use(createInventoryRouter({ db }));
  app.use(createAuthRouter({ db, authenticate, clock }));
  app.use(createOrdersRouter({ db, authenticate, clock, generatedAt }));
  app.use(notFoundHandler);
  app.use(createErrorHandler(logger));
  return app;
}
