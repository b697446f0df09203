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
  correlations: 'strangler_correlations',
  sync: 'strangler_sync',
  syncExamples: 'strangler_sync_examples',
  instances: 'strangler_instances',
  noiseProbes: 'strangler_noise_probes',
  publishedRoutes: 'strangler_published_routes',
  routesApplied: 'strangler_routes_applied',
  rollUp: 'strangler_roll_up',
} as const;

/** knex's own bookkeeping of applied migrations. */
export const MIGRATIONS_TABLE = 'strangler_migrations';
