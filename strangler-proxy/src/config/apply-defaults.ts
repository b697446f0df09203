/**
 * `defaults.shadow`, `defaults.compare`, `defaults.plan`, `defaults.rateLimit` and `defaults.auth` applied
 * to every route before validation, so each route is validated (and later used) complete.
 *
 * - Route values win, key by key; nested mappings merge the same way (`plan.gate`, `compare.tolerance`);
 *   lists are replaced, never concatenated.
 * - `compare` and `plan` are given to every route; `rateLimit` and `auth` only where they are written (in
 *   the route or in `defaults`). `shadow` only to routes that have a `shadow` block or are in stage
 *   `shadow` or `canary` (a canary step is judged on pairs compared at the step, both ways: what the
 *   monolith serves is mirrored to the service, what the service serves to the monolith); elsewhere the
 *   block is what turns mirroring on, so a default must not.
 * - Values of the wrong shape are left alone for the schema to report.
 */

type Plain = Record<string, unknown>;

/** Returns a new raw document with defaults applied to `routes`; the input is not modified. */
export function applyDefaults(raw: unknown): unknown {
  if (!isPlain(raw) || !Array.isArray(raw.routes)) return raw;
  const defaults = isPlain(raw.defaults) ? raw.defaults : {};
  const routes: unknown[] = raw.routes.map((route: unknown) => {
    if (!isPlain(route)) return route;
    const result: Plain = { ...route };
    for (const block of ['shadow', 'compare', 'plan', 'rateLimit', 'auth'] as const) {
      const base = defaults[block];
      const own = route[block];
      const applies =
        block === 'shadow'
          ? own !== undefined || route.stage === 'shadow' || route.stage === 'canary'
          : (block !== 'rateLimit' && block !== 'auth') || own !== undefined || base !== undefined;
      if (!applies || (own !== undefined && !isPlain(own))) continue;
      if (base !== undefined && !isPlain(base)) continue;
      setOwn(result, block, mergeDeep(base ?? {}, own ?? {}));
    }
    return result;
  });
  return setOwn({ ...raw }, 'routes', routes);
}

/** `over`'s keys win; mappings present on both sides merge recursively. */
export function mergeDeep(base: Plain, over: Plain): Plain {
  const result: Plain = {};
  for (const [key, value] of Object.entries(base)) setOwn(result, key, value);
  for (const [key, value] of Object.entries(over)) {
    const under = result[key];
    setOwn(result, key, isPlain(under) && isPlain(value) ? mergeDeep(under, value) : value);
  }
  return result;
}

export function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Defines an own property even for `__proto__`, which a YAML key may be. */
function setOwn(target: Plain, key: string, value: unknown): Plain {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  return target;
}
