/**
 * catalog-service: products, categories, reviews and stock, on its own database. `createApp` wires the
 * routes onto service-kit's skeleton and does not listen; `main.ts` does.
 */
import type { Express } from 'express';
import type { Knex } from 'knex';
import { createApiApp, createSilentLogger, type Logger } from 'service-kit';
import { createCategoriesRouter } from './categories/categories-router.ts';
import { createGeneratedAtClock } from './format/generated-at.ts';
import { createProductsRouter } from './products/products-router.ts';
import { createReviewsRouter } from './reviews/reviews-router.ts';
import { createStockRouter } from './stock/stock-router.ts';

export interface AppDeps {
  /** A migrated database (filled by the data migration). */
  readonly db: Knex;
  /** Default: silent. */
  readonly logger?: Logger;
  readonly clock?: () => Date;
  /** The value of `meta.generated_at` on list responses. */
  readonly generatedAt?: () => string;
}

export function createApp(deps: AppDeps): Express {
  const { db } = deps;
  const generatedAt = deps.generatedAt ?? createGeneratedAtClock();
  const clock = deps.clock ?? (() => new Date());
  return createApiApp({
    logger: deps.logger ?? createSilentLogger(),
    healthChecks: { database: () => db.raw('select 1') },
    routers: [
      createProductsRouter({ db, generatedAt }),
      createReviewsRouter({ db, generatedAt }),
      createCategoriesRouter({ db, generatedAt }),
      createStockRouter({ db, clock }),
    ],
  });
}
