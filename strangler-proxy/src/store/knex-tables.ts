/**
 * Table names of the results schema. Prefixed, so the store can share a PostgreSQL database (or
 * schema) with other applications.
 */
export const TABLES = {
  comparisons: 'strangler_comparisons',
  latency: 'strangler_latency',
  diffs: 'strangler_diffs',
  signatures: 'strangler_signatures',
  skips: 'strangler_skips',
  served: 'strangler_served',
  noise: 'strangler_noise',
  unmatched: 'strangler_unmatched',
  routes: 'strangler_routes',
  samples: 'strangler_samples',
  events: 'strangler_route_events',
  decisions: 'strangler_decisions',
  publishedRoutes: 'strangler_published_routes',
  routesApplied: 'strangler_routes_applied',
} as const;

/** knex's own bookkeeping of applied migrations. */
export const MIGRATIONS_TABLE = 'strangler_migrations';
