/**
 * service-kit: the plumbing every extracted service shares, so each service's code is about its domain.
 * Logging, request ids, typed errors, health, settings from the environment, listen and graceful shutdown.
 */
export { createLogger, createSilentLogger, type Logger, type LoggerOptions } from './logger.ts';
export { createRequestLog } from './request-log.ts';
export {
  COMMON_ERRORS,
  ServiceError,
  defineErrors,
  type ErrorCatalogue,
  type ErrorKit,
} from './service-error.ts';
export { classifyError, createErrorHandler, notFoundHandler, type ErrorBody } from './error-handler.ts';
export {
  createHealthHandler,
  runHealthChecks,
  type HealthCheck,
  type HealthOptions,
  type HealthReport,
} from './health.ts';
export { createEnvReader, SettingsError, type EnvReader } from './env.ts';
export {
  closeOnSignals,
  serve,
  type RunningServer,
  type ServeOptions,
  type ShutdownOptions,
} from './serve.ts';
export { createApiApp, type ApiAppOptions } from './create-api-app.ts';
export { migrateSqliteDatabase, openSqliteDatabase, type NamedMigration } from './sqlite-database.ts';
