/**
 * The config model's public API: load and validate routes.yaml, report problems, and the JSON Schema for
 * editors. The schema itself (types, defaults) is in `schema.ts`.
 */
export { loadRoutesConfig, DEFAULT_LOAD_LIMITS } from './load-routes-config.ts';
export type { LoadRoutesOptions, LoadResult } from './load-routes-config.ts';
export type { SemanticCheck, SemanticProblem } from './check-routes.ts';
export { CONFIG_ERRORS, CONFIG_ERROR_CODES, isConfigErrorCode, severityOf } from './errors.ts';
export type { ConfigErrorCode, ConfigProblem, Severity } from './errors.ts';
export { formatProblems } from './format-problems.ts';
export type { FormatOptions } from './format-problems.ts';
export { deepFreeze } from './routes-config.ts';
export type { DeepReadonly, LoadedRoute, LoadedUpstream, RoutesConfig } from './routes-config.ts';
export { expandEnvString, UNSET_UPSTREAM_URL } from './expand-env.ts';
export type { Env, Expansion, UnsetUpstreams } from './expand-env.ts';
export { createRoutesJsonSchema, formatRoutesJsonSchema, ROUTES_JSON_SCHEMA_PATH } from './json-schema.ts';
export { formatKeyPath } from './key-path.ts';
export type { KeyPath } from './key-path.ts';
