/**
 * orders-service: orders on their own database; stock and prices from catalog-service over HTTP; tokens
 * checked by the monolith, or this service's own tokens when it has a key. `createApp` does not listen; `main.ts` does.
 */
import type { Express } from 'express';
import type { Knex } from 'knex';
import { createApiApp, createSilentLogger, type Logger } from 'service-kit';
import { createCatalogClient } from './clients/catalog-client.ts';
import { createLegacyAuthenticate } from './clients/legacy-auth.ts';
import { createTokenAuthenticate } from './clients/token-auth.ts';
import { createGeneratedAtClock } from './format/generated-at.ts';
import { createOrdersRouter } from './orders/orders-router.ts';

export interface AppDeps {
  /** A migrated database. */
  readonly db: Knex;
  /** catalog-service, e.g. `http://127.0.0.1:4001`. */
  readonly catalogUrl: string;
  /** The monolith, for token checks, e.g. `http://127.0.0.1:3000`. */
  readonly legacyUrl: string;
  /** This service's own token key: when set, only its own JWTs are accepted (`token-auth.ts`). */
  readonly tokenSecret?: string;
  /** Deadline of each call to another service. Default 2000. */
  readonly upstreamTimeoutMs?: number;
  readonly logger?: Logger;
  readonly clock?: () => Date;
  readonly generatedAt?: () => string;
  /** Ids for stock reservations. Default: random UUIDs. */
  readonly newReservationId?: () => string;
}

export function createApp(deps: AppDeps): Express {
  const logger = deps.logger ?? createSilentLogger();
  const timeoutMs = deps.upstreamTimeoutMs ?? 2_000;
  return createApiApp({
    logger,
    healthChecks: { database: () => deps.db.raw('select 1') },
    routers: [
      createOrdersRouter({
        db: deps.db,
        catalog: createCatalogClient({ baseUrl: deps.catalogUrl, timeoutMs }),
        authenticate: deps.tokenSecret
          ? createTokenAuthenticate({ secret: deps.tokenSecret })
          : createLegacyAuthenticate({ legacyUrl: deps.legacyUrl, timeoutMs }),
        clock: deps.clock ?? (() => new Date()),
        logger,
        generatedAt: deps.generatedAt ?? createGeneratedAtClock(),
        ...(deps.newReservationId ? { newReservationId: deps.newReservationId } : {}),
      }),
    ],
  });
}
