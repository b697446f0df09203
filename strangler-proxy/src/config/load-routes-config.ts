/**
 * Loads routes.yaml: the one place where configuration is checked. Pure: the caller reads the file and
 * passes its text, its name (for locations) and the environment.
 *
 * 1. Guards: size limit, YAML syntax, one document, mapping at the root, no duplicate or complex keys,
 *    bounded nesting, aliases bounded by `maxAliasCount` (alias bombs).
 * 2. `${VAR}` / `${VAR:-default}` expansion in values ({@link expandEnv}).
 * 3. `defaults` applied to routes ({@link applyDefaults}), then the schema, then the semantic checks:
 *    the config model's own ({@link checkRoutes}) and those the caller gives, which need a layer above
 *    this one (`runtime/load-routes.ts` gives routing's and comparison's). Every problem of steps 2 and 3
 *    is reported together, each at its file:line:column with its route; problems of step 1 stop loading
 *    (values of a malformed document are not worth checking).
 *
 * On success the config is complete (every default filled in) and deeply frozen.
 */
import { applyDefaults, isPlain } from './apply-defaults.ts';
import { checkRoutes, type SemanticCheck, type SemanticProblem } from './check-routes.ts';
import type { ConfigProblem } from './errors.ts';
import { expandEnv, type Env, type UnsetUpstreams } from './expand-env.ts';
import type { KeyPath } from './key-path.ts';
import { parseYaml } from './parse-yaml.ts';
import { createProblemCollector } from './problem-collector.ts';
import { deepFreeze, type RoutesConfig } from './routes-config.ts';
import { problemsFromIssues } from './schema-problems.ts';
import { routesFileSchema } from './schema.ts';
import { resolveHookModules } from './resolve-hook-modules.ts';
import { locateNode } from './yaml-tree.ts';
import type { Document } from 'yaml';

export interface LoadRoutesOptions {
  /** Name used in locations, e.g. `routes.yaml` or an absolute path. */
  readonly file: string;
  /** Variables for `${VAR}`; pass `process.env` at the edge, a literal in tests. */
  readonly env: Env;
  /** Largest file accepted, in UTF-8 bytes. Default 1 MiB. */
  readonly maxBytes?: number;
  /** Alias expansion budget (the yaml package's `maxAliasCount`). Default 100. */
  readonly maxAliasCount?: number;
  /** Deepest nesting accepted. Default 32 (routes.yaml needs 6). */
  readonly maxDepth?: number;
  /** An unset variable in an upstream URL: an error (default), or a warning for commands needing no URL. */
  readonly unsetUpstreams?: UnsetUpstreams;
  /** Errors listed at most; the rest are counted in a `CONFIG_TOO_MANY_PROBLEMS` entry. Default 100. */
  readonly maxProblems?: number;
}

export type LoadResult =
  | { readonly ok: true; readonly config: RoutesConfig; readonly warnings: readonly ConfigProblem[] }
  | {
      readonly ok: false;
      /** At least one; sorted by position. */
      readonly problems: readonly ConfigProblem[];
      readonly warnings: readonly ConfigProblem[];
    };

export const DEFAULT_LOAD_LIMITS = Object.freeze({
  maxBytes: 1_048_576,
  maxAliasCount: 100,
  maxDepth: 32,
  maxProblems: 100,
});

/**
 * Validates routes.yaml text into a frozen {@link RoutesConfig}, or reports every problem at once. Never
 * throws for any input text. `checks` run with the config model's own semantic checks.
 *
 * @example
 * const result = loadRoutesConfig(await readFile(file, 'utf8'), { file, env: process.env }, checks);
 * if (!result.ok) console.error(formatProblems(result.problems, { color: true }));
 */
export function loadRoutesConfig(
  text: string,
  options: LoadRoutesOptions,
  checks: readonly SemanticCheck[] = [],
): LoadResult {
  const limits = { ...DEFAULT_LOAD_LIMITS, ...definedOnly(options) };
  const problems = createProblemCollector(options.file, text, limits.maxProblems);
  const fail = (): LoadResult => ({ ok: false, ...problemsAndWarnings() });
  const problemsAndWarnings = () => {
    const { problems: errors, warnings } = problems.finish();
    return { problems: errors, warnings };
  };

  if (text.length > limits.maxBytes || Buffer.byteLength(text, 'utf8') > limits.maxBytes) {
    problems.add('CONFIG_FILE_TOO_LARGE', `the file is larger than ${limits.maxBytes} bytes`, { offset: 0 });
    return fail();
  }
  const doc = parseYaml(text, problems, limits);
  if (doc === undefined) return fail();
  expandEnv(doc, options.env, text, problems, options.unsetUpstreams);

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (error) {
    const bomb = error instanceof ReferenceError;
    problems.add(
      bomb ? 'CONFIG_ALIAS_LIMIT' : 'CONFIG_YAML_SYNTAX',
      bomb ? `aliases expand beyond the limit of ${limits.maxAliasCount}` : String(error),
      { offset: 0 },
    );
    return fail();
  }

  const input = applyDefaults(raw);
  const locate = (path: KeyPath, atKey = false) => locateInput(doc, path, atKey);
  const routeIdOf = (path: KeyPath) => routeIdAt(input, path);
  const parsed = routesFileSchema.safeParse(input);
  if (!parsed.success) {
    for (const problem of problemsFromIssues(parsed.error.issues, input, routesFileSchema)) {
      problems.add(problem.code, problem.message, () => ({
        offset: locate(problem.path, problem.atKey),
        path: problem.path,
        routeId: routeIdOf(problem.path),
      }));
    }
  }
  const lineOf = (path: KeyPath) => problems.position(locate(path)).line;
  const semantic: (readonly SemanticProblem[])[] = [checkRoutes(input, lineOf)];
  if (isPlain(input)) {
    for (const check of checks) semantic.push(check(input, lineOf, parsed.success ? parsed.data : undefined));
  }
  for (const problem of semantic.flat()) {
    problems.add(problem.code, problem.message, () => ({
      offset: locate(problem.path, problem.atKey),
      path: problem.path,
      routeId: problem.routeId ?? routeIdOf(problem.path),
    }));
  }

  const { problems: errors, warnings } = problemsAndWarnings();
  if (!parsed.success || errors.length > 0) return { ok: false, problems: errors, warnings };
  resolveHookModules(parsed.data, options.file);
  return { ok: true, config: deepFreeze(parsed.data), warnings };
}

/**
 * Where a path of the validated input is written. A route value that came from `defaults` is not in the
 * route: it is reported where the default is written.
 */
function locateInput(doc: Document, path: KeyPath, atKey: boolean): number {
  const found = locateNode(doc, path, atKey);
  const [root, , block] = path;
  if (
    !found.exact &&
    root === 'routes' &&
    (block === 'shadow' || block === 'compare' || block === 'plan' || block === 'auth')
  ) {
    const fromDefaults = locateNode(doc, ['defaults', ...path.slice(2)], atKey);
    if (fromDefaults.exact) return fromDefaults.offset;
  }
  return found.offset;
}

function routeIdAt(input: unknown, path: KeyPath): string | undefined {
  if (path[0] !== 'routes' || typeof path[1] !== 'number') return undefined;
  const routes = (input as { routes?: unknown }).routes;
  const route: unknown = Array.isArray(routes) ? routes[path[1]] : undefined;
  const id: unknown =
    typeof route === 'object' && route !== null ? (route as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : undefined;
}

function definedOnly(options: LoadRoutesOptions): Partial<typeof DEFAULT_LOAD_LIMITS> {
  const { maxBytes, maxAliasCount, maxDepth, maxProblems } = options;
  return Object.fromEntries(
    Object.entries({ maxBytes, maxAliasCount, maxDepth, maxProblems }).filter(
      ([, value]) => value !== undefined,
    ),
  );
}
