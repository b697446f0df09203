/**
 * The semantic checks schema validation cannot do that need nothing but the config model, all run
 * together and each reported at its location with its route: unknown and unused services, unknown or
 * lower-case methods, duplicate route ids, canary routes without a `canary` block. They run on the raw
 * document (defaults applied), so a route with a schema error elsewhere still gets its other problems
 * reported. Checks that need the route compiler or the comparison engine (path patterns, header
 * conditions, reachability, JSONPaths) are {@link SemanticCheck}s the loader is given by a layer above.
 */
import type { ConfigErrorCode } from './errors.ts';
import type { KeyPath } from './key-path.ts';
import { isPlain } from './apply-defaults.ts';
import type { RoutesFile } from './schema.ts';
import { didYouMean } from './suggest.ts';
import { methodProblem } from './http-methods.ts';

/**
 * A check of the document run with the loader's own: `input` is the raw document with defaults applied,
 * `parsed` the schema's output when the whole file passed the schema (it becomes the loaded config).
 */
export type SemanticCheck = (
  input: Record<string, unknown>,
  lineOf: (path: KeyPath) => number,
  parsed: RoutesFile | undefined,
) => readonly SemanticProblem[];

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
  const context: RouteContext = {
    services,
    lineOf,
    problems,
    firstWithId: new Map(),
    usedServices: new Set(),
  };
  const routes: unknown[] = Array.isArray(raw.routes) ? raw.routes : [];
  routes.forEach((route, index) => {
    if (isPlain(route)) checkRoute(route, index, context);
  });
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
  /** Declared services; null when `services` is malformed (the schema reports it). */
  readonly services: ReadonlySet<string> | null;
  readonly lineOf: (path: KeyPath) => number;
  readonly problems: SemanticProblem[];
  readonly firstWithId: Map<string, number>;
  readonly usedServices: Set<string>;
}

function checkRoute(route: Record<string, unknown>, index: number, context: RouteContext): void {
  const { services, lineOf, problems, firstWithId, usedServices } = context;
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
}
