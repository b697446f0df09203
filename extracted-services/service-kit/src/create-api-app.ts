/**
 * The Express skeleton every service starts from: JSON bodies, request log, `/health`, then the service's
 * routes, then the JSON 404 and error handler. A service only supplies its routes and checks.
 */
import express, { type Express, type Router } from 'express';
import type { Logger } from 'pino';
import { createErrorHandler, notFoundHandler } from './error-handler.ts';
import { createHealthHandler, type HealthCheck } from './health.ts';
import { createRequestLog } from './request-log.ts';

export interface ApiAppOptions {
  readonly logger: Logger;
  readonly routers: readonly Router[];
  readonly healthChecks: Readonly<Record<string, HealthCheck>>;
  /** Largest accepted JSON body (body-parser syntax). */
  readonly bodyLimit?: string;
}

/** Assembles an Express app; it does not listen. */
export function createApiApp(options: ApiAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(createRequestLog(options.logger));
  app.use(express.json({ limit: options.bodyLimit ?? '100kb' }));
  app.get('/health', createHealthHandler(options.healthChecks));
  for (const router of options.routers) app.use(router);
  app.use(notFoundHandler);
  app.use(createErrorHandler(options.logger));
  return app;
}
