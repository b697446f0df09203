/**
 * The one place promotion validates routes.yaml text: the config loader, so that promote, rollback and check
 * accept exactly what the proxy accepts (`${VAR}` expansion, defaults, schema and semantic checks).
 */
import { formatProblems } from '../config/index.ts';
import { loadRoutes } from '../runtime/load-routes.ts';
import type { Env, RoutesConfig } from '../config/index.ts';

export type RoutesTextValidation =
  | { readonly ok: true; readonly config: RoutesConfig }
  | { readonly ok: false; readonly problems: readonly string[] };

export interface ValidateOptions {
  /** For messages: `routes.yaml:12:5 …`. */
  readonly file: string;
  /** For `${VAR}` in the file. */
  readonly env?: Env;
}

/**
 * Promotion never sends anything upstream: an unset variable in an upstream URL is a warning, so that
 * `check` in CI and `promote` on a laptop need not know where the services live.
 */
const UNSET_UPSTREAMS = 'warn';

export type ValidateRoutesText = (text: string, options: ValidateOptions) => RoutesTextValidation;

/** Loads the text as the proxy would; every problem is reported, one line each. */
export const validateRoutesText: ValidateRoutesText = (text, { file, env = {} }) => {
  const result = loadRoutes(text, { file, env, unsetUpstreams: UNSET_UPSTREAMS });
  if (result.ok) return { ok: true, config: result.config };
  return {
    ok: false,
    problems: result.problems.map((problem) => formatProblems([problem], { color: false })),
  };
};
