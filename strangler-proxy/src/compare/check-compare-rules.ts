/**
 * The checks of routes.yaml that need the comparison engine, run by the loader with the config model's
 * own (see `runtime/load-routes.ts`): every JSONPath of the compare rules (the defaults' and each
 * route's), of the write-traffic and auth blocks, and compare rules that contradict each other.
 */
import { isPlain } from '../config/apply-defaults.ts';
import type { SemanticProblem } from '../config/check-routes.ts';
import type { KeyPath } from '../config/key-path.ts';
import { checkRouteAuthPaths, checkServiceAuthPaths } from './check-auth-paths.ts';
import { validateJsonPath } from './json-path.ts';
import { findRuleConflicts } from './rule-conflicts.ts';

export function checkCompareRules(input: Record<string, unknown>): SemanticProblem[] {
  const problems: SemanticProblem[] = [];
  if (isPlain(input.defaults) && isPlain(input.defaults.compare)) {
    checkJsonPaths(input.defaults.compare, ['defaults', 'compare'], undefined, problems);
  }
  if (isPlain(input.services)) {
    for (const [name, service] of Object.entries(input.services))
      checkServiceAuthPaths(service, ['services', name], (message, path) =>
        problems.push({ code: 'CONFIG_INVALID_JSON_PATH', message, path }),
      );
  }
  const routes: unknown[] = Array.isArray(input.routes) ? input.routes : [];
  routes.forEach((route, index) => {
    if (!isPlain(route)) return;
    const routeId = typeof route.id === 'string' ? route.id : undefined;
    const at: KeyPath = ['routes', index];
    if (isPlain(route.compare)) checkJsonPaths(route.compare, [...at, 'compare'], routeId, problems);
    checkRouteAuthPaths(route, at, (message, path) =>
      problems.push({ code: 'CONFIG_INVALID_JSON_PATH', message, path, routeId, atKey: false }),
    );
  });
  return problems;
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
