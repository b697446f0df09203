/**
 * Loads routes.yaml with every check: the config model's ({@link loadRoutesConfig}), routing's (path
 * patterns, header conditions, reachability) and comparison's (JSONPaths, rule conflicts). What the proxy,
 * `strangler validate` and every command read a routes file with. The routes compiled for the
 * reachability check come with the config, so that the proxy serves with them instead of compiling again.
 */
import { loadRoutesConfig, type LoadResult, type LoadRoutesOptions } from '../config/index.ts';
import { checkCompareRules } from '../compare/check-compare-rules.ts';
import type { CompiledRoute } from '../routing/compile-route.ts';
import { checkRouting } from '../routing/check-routing.ts';

export type RoutesLoad =
  | (Extract<LoadResult, { ok: true }> & {
      /** Every route compiled, in file order, or undefined when the load compiled none. */
      readonly compiled?: readonly CompiledRoute[] | undefined;
    })
  | Extract<LoadResult, { ok: false }>;

/** Validates routes.yaml text into a frozen config, or reports every problem at once; never throws. */
export function loadRoutes(text: string, options: LoadRoutesOptions): RoutesLoad {
  let compiled: readonly CompiledRoute[] | undefined;
  const result = loadRoutesConfig(text, options, [
    (input, lineOf, parsed) => {
      const routing = checkRouting(input, lineOf, parsed);
      compiled = routing.compiled;
      return routing.problems;
    },
    checkCompareRules,
  ]);
  return result.ok ? { ...result, compiled } : result;
}
