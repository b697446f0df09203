/**
 * The checks of routes.yaml that need the route compiler, run by the loader with the config model's own
 * (see `runtime/load-routes.ts`): path patterns, header conditions, and routes other routes make
 * unreachable. Only the reachability check needs routes that passed the schema. The routes it compiles
 * for that check are the ones the proxy serves with: a load compiles each route once.
 */
import { isPlain } from '../config/apply-defaults.ts';
import type { SemanticProblem } from '../config/check-routes.ts';
import type { KeyPath } from '../config/key-path.ts';
import { proxySettingsSchema, routeSchema, type RoutesFile } from '../config/schema.ts';
import { compileRoute, type CompiledRoute } from './compile-route.ts';
import { parsePathPattern } from './path-pattern.ts';
import { findUnreachableRoutes } from './unreachable-routes.ts';

export interface RoutingCheck {
  readonly problems: readonly SemanticProblem[];
  /** Every route compiled, in file order, when the whole file passed the schema and these checks. */
  readonly compiled: readonly CompiledRoute[] | undefined;
}

/** `parsed`: the schema's output when the whole file passed it; its routes are compiled as they are. */
export function checkRouting(
  input: Record<string, unknown>,
  lineOf: (path: KeyPath) => number,
  parsed: RoutesFile | undefined,
): RoutingCheck {
  const problems: SemanticProblem[] = [];
  const caseSensitive = parsed?.proxy.caseSensitive ?? caseSensitiveOf(input);
  const compiled: CompiledRoute[] = [];
  const routes: unknown[] = Array.isArray(input.routes) ? input.routes : [];
  routes.forEach((route, index) => {
    if (!isPlain(route)) return;
    const routeId = typeof route.id === 'string' ? route.id : undefined;
    const report = (code: SemanticProblem['code'], message: string, path: KeyPath, atKey = false) =>
      problems.push({ code, message, path: ['routes', index, ...path], routeId, atKey });
    let patternOk = false;
    if (typeof route.path === 'string' && route.path.startsWith('/')) {
      const parsedPattern = parsePathPattern(route.path);
      patternOk = parsedPattern.ok;
      for (const reason of parsedPattern.ok ? [] : parsedPattern.problems) {
        report('CONFIG_INVALID_PATH_PATTERN', `path "${route.path}": ${reason}`, ['path']);
      }
    }
    const headersOk = checkHeaderConditions(route.headers, (message, name) =>
      report('CONFIG_INVALID_HEADER_CONDITION', message, ['headers', name], true),
    );
    if (!patternOk || !headersOk) return;
    const validated = parsed?.routes[index] ?? validRoute(route);
    if (validated !== undefined) compiled.push(compileRoute(validated, index, caseSensitive));
  });
  problems.push(...unreachableProblems(compiled, caseSensitive, lineOf));
  const whole = parsed !== undefined && problems.length === 0 && compiled.length === routes.length;
  return { problems, compiled: whole ? compiled : undefined };
}

function validRoute(route: Record<string, unknown>) {
  const validated = routeSchema.safeParse(route);
  return validated.success ? validated.data : undefined;
}

function caseSensitiveOf(raw: Record<string, unknown>): boolean {
  const setting = proxySettingsSchema.shape.caseSensitive.safeParse(
    isPlain(raw.proxy) ? raw.proxy.caseSensitive : undefined,
  );
  return setting.success ? setting.data : proxySettingsSchema.shape.caseSensitive.parse(undefined);
}

function unreachableProblems(
  compiled: readonly CompiledRoute[],
  caseSensitive: boolean,
  lineOf: (path: KeyPath) => number,
): SemanticProblem[] {
  return findUnreachableRoutes(compiled).map(({ route, coveredBy }) => {
    const covering = coveredBy.map((other) => {
      const methods = other.methods === null ? 'every method' : [...other.methods].join(', ');
      return `"${other.id}" (line ${lineOf(['routes', other.index, 'id'])}, ${methods})`;
    });
    const one = covering.length === 1;
    // Patterns that differ only in case: say why they count as one.
    const byCase =
      !caseSensitive && coveredBy.some((other) => writtenShape(other) !== writtenShape(route))
        ? '; paths match ignoring case (proxy.caseSensitive: false)'
        : '';
    return {
      code: 'CONFIG_UNREACHABLE_ROUTE',
      message:
        `route "${route.id}" can never match: ${one ? 'route' : 'routes'} ${covering.join(' and ')} ` +
        `${one ? 'comes' : 'come'} first with the same path pattern (${route.pattern.shape}), ` +
        `${one ? 'takes' : 'take'} every method "${route.id}" takes and ${one ? 'requires' : 'require'} no header it does not; ` +
        `equally specific routes win in file order${byCase}`,
      path: ['routes', route.index, 'path'],
      routeId: route.id,
    };
  });
}

/** The shape of a route's pattern as written, before case folding. */
function writtenShape(route: CompiledRoute): string {
  const parsed = parsePathPattern(route.route.path);
  return parsed.ok ? parsed.pattern.shape : route.pattern.shape;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Header names must be tokens and distinct ignoring case. True when all are fine. */
function checkHeaderConditions(headers: unknown, report: (message: string, name: string) => void): boolean {
  if (!isPlain(headers)) return true;
  let ok = true;
  const seen = new Map<string, string>();
  for (const name of Object.keys(headers)) {
    const lower = name.toLowerCase();
    if (!TOKEN.test(name)) {
      report(`"${name}" is not a valid header name`, name);
      ok = false;
    } else if (seen.has(lower)) {
      report(`header "${name}" is already constrained as "${seen.get(lower)}" (names ignore case)`, name);
      ok = false;
    }
    seen.set(lower, name);
  }
  return ok;
}
