/**
 * The semantic checks schema validation cannot do, all run together and each reported at its location with
 * its route: unknown services, unknown or lower-case methods, duplicate route ids, canary routes without a
 * `canary` block, malformed path patterns, header conditions and JSONPaths, and routes other routes make
 * unreachable. They run on the raw
 * document (defaults applied), so a route with a schema error elsewhere still gets its other problems
 * reported; only the reachability check needs routes that passed the schema.
 */
import type { ConfigErrorCode } from './errors.ts';
import type { KeyPath } from './key-path.ts';
import { isPlain } from './apply-defaults.ts';
import { proxySettingsSchema, routeSchema } from './schema.ts';
import { didYouMean } from './suggest.ts';
import { methodProblem } from './http-methods.ts';
import { validateJsonPath } from '../compare/json-path.ts';
import { findRuleConflicts } from '../compare/rule-conflicts.ts';
import { checkRouteAuthPaths, checkServiceAuthPaths } from './check-auth-paths.ts';
import { compileRoute, type CompiledRoute } from '../routing/compile-route.ts';
import { parsePathPattern } from '../routing/path-pattern.ts';
import { findUnreachableRoutes } from '../routing/unreachable-routes.ts';

export interface SemanticProblem {
  readonly code: ConfigErrorCode;
  readonly message: string;
  readonly path: KeyPath;
  readonly routeId?: string | undefined;
  /** Locate the key rather than the value. */
  readonly atKey?: boolean;
}

/** `lineOf` gives the line where a key path is written, to name other routes by line in messages. */
export function checkRoutes(raw: unknown, lineOf: (path: KeyPath) => number): SemanticProblem[] {
  if (!isPlain(raw)) return [];
  const problems: SemanticProblem[] = [];
  const services = isPlain(raw.services)
    ? new Set(Object.keys(raw.services))
    : raw.services === undefined
      ? new Set<string>()
      : null;
  if (isPlain(raw.defaults) && isPlain(raw.defaults.compare)) {
    checkJsonPaths(raw.defaults.compare, ['defaults', 'compare'], undefined, problems);
  }
  if (isPlain(raw.services)) {
    for (const [name, service] of Object.entries(raw.services))
      checkServiceAuthPaths(service, ['services', name], (message, path) =>
        problems.push({ code: 'CONFIG_INVALID_JSON_PATH', message, path }),
      );
  }
  const context: RouteContext = {
    caseSensitive: caseSensitiveOf(raw),
    services,
    lineOf,
    problems,
    firstWithId: new Map(),
    usedServices: new Set(),
  };
  const compiled: CompiledRoute[] = [];
  const routes: unknown[] = Array.isArray(raw.routes) ? raw.routes : [];
  routes.forEach((route, index) => {
    const usable = isPlain(route) ? checkRoute(route, index, context) : undefined;
    if (usable !== undefined) compiled.push(usable);
  });
  problems.push(...unreachableProblems(compiled, context.caseSensitive, lineOf));
  for (const service of services ?? []) {
    if (!context.usedServices.has(service)) {
      problems.push({
        code: 'CONFIG_UNUSED_SERVICE',
        message: `service "${service}" is used by no route`,
        path: ['services', service],
        atKey: true,
      });
    }
  }
  return problems;
}

interface RouteContext {
  /** `proxy.caseSensitive` (its default when absent or malformed: the schema reports the latter). */
  readonly caseSensitive: boolean;
  /** Declared services; null when `services` is malformed (the schema reports it). */
  readonly services: ReadonlySet<string> | null;
  readonly lineOf: (path: KeyPath) => number;
  readonly problems: SemanticProblem[];
  readonly firstWithId: Map<string, number>;
  readonly usedServices: Set<string>;
}

/** The checks of one route; returns it compiled when it is sound enough for the reachability check. */
function checkRoute(
  route: Record<string, unknown>,
  index: number,
  context: RouteContext,
): CompiledRoute | undefined {
  const { caseSensitive, services, lineOf, problems, firstWithId, usedServices } = context;
  const at = (...keys: (string | number)[]): KeyPath => ['routes', index, ...keys];
  const routeId = typeof route.id === 'string' ? route.id : undefined;
  const report = (code: ConfigErrorCode, message: string, path: KeyPath, atKey = false) =>
    problems.push({ code, message, path, routeId, atKey });

  if (routeId !== undefined) {
    const first = firstWithId.get(routeId);
    if (first === undefined) firstWithId.set(routeId, index);
    else {
      const line = lineOf(['routes', first, 'id']);
      report('CONFIG_DUPLICATE_ROUTE_ID', `route id "${routeId}" is already used at line ${line}`, at('id'));
    }
  }
  if (typeof route.service === 'string') {
    usedServices.add(route.service);
    if (services !== null && !services.has(route.service)) {
      const declared =
        services.size === 0 ? 'no services are declared' : `declared: ${[...services].join(', ')}`;
      const hint = didYouMean(route.service, services);
      report(
        'CONFIG_UNKNOWN_SERVICE',
        `unknown service "${route.service}"${hint} (${declared})`,
        at('service'),
      );
    }
  }
  if (Array.isArray(route.methods)) {
    route.methods.forEach((method: unknown, i) => {
      const reason = typeof method === 'string' && method !== '' ? methodProblem(method) : null;
      if (reason !== null) report('CONFIG_INVALID_VALUE', `methods[${i}]: ${reason}`, at('methods', i));
    });
  }
  if (route.stage === 'canary' && route.canary === undefined) {
    report(
      'CONFIG_CANARY_MISSING',
      'stage canary needs a canary block (canary: { percent: N })',
      at('stage'),
    );
  }
  let patternOk = false;
  if (typeof route.path === 'string' && route.path.startsWith('/')) {
    const parsed = parsePathPattern(route.path);
    patternOk = parsed.ok;
    for (const reason of parsed.ok ? [] : parsed.problems) {
      report('CONFIG_INVALID_PATH_PATTERN', `path "${route.path}": ${reason}`, at('path'));
    }
  }
  const headersOk = checkHeaderConditions(route.headers, (message, name) =>
    report('CONFIG_INVALID_HEADER_CONDITION', message, at('headers', name), true),
  );
  if (isPlain(route.compare)) checkJsonPaths(route.compare, at('compare'), routeId, problems);
  checkRouteAuthPaths(route, at(), (message, path) => report('CONFIG_INVALID_JSON_PATH', message, path));

  const validated = routeSchema.safeParse(route);
  return validated.success && patternOk && headersOk
    ? compileRoute(validated.data, index, caseSensitive)
    : undefined;
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

function checkJsonPaths(
  compare: Record<string, unknown>,
  at: KeyPath,
  routeId: string | undefined,
  problems: SemanticProblem[],
): void {
  const check = (text: unknown, path: KeyPath, atKey: boolean) => {
    if (typeof text !== 'string' || !text.startsWith('$')) return; // the schema reports those
    const invalid = validateJsonPath(text);
    if (invalid !== null) {
      problems.push({
        code: 'CONFIG_INVALID_JSON_PATH',
        message: `${invalid} (supported: $, .key, ['key'], [n], [*], .*, ..key)`,
        path,
        routeId,
        atKey,
      });
    }
  };
  for (const list of ['ignore', 'redact', 'keep'] as const) {
    const items = compare[list];
    if (Array.isArray(items)) items.forEach((item: unknown, i) => check(item, [...at, list, i], false));
  }
  for (const record of ['arrays', 'tolerance', 'normalize'] as const) {
    const entries = compare[record];
    if (isPlain(entries)) for (const key of Object.keys(entries)) check(key, [...at, record, key], true);
  }
  for (const conflict of findRuleConflicts(compare)) {
    problems.push({
      code: conflict.kind === 'format' ? 'CONFIG_INVALID_VALUE' : 'CONFIG_CONFLICTING_RULES',
      message: conflict.message,
      path: [...at, ...conflict.path],
      routeId,
      // A tolerance conflict is about the key (the path), a normaliser's about its own value.
      atKey: conflict.path[0] === 'tolerance',
    });
  }
}
