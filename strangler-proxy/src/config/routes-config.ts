/**
 * The loaded configuration's types: the schema's output, deeply read-only. {@link loadRoutesConfig} returns
 * it deeply frozen, so what the type promises holds at run time too.
 */
import type { RoutesFile } from './schema.ts';

/** Recursively read-only: arrays become readonly arrays, objects get readonly properties. */
export type DeepReadonly<T> = T extends (infer Item)[]
  ? readonly DeepReadonly<Item>[]
  : T extends object
    ? { readonly [Key in keyof T]: DeepReadonly<T[Key]> }
    : T;

/** A validated routes.yaml, defaults applied, frozen. */
export type RoutesConfig = DeepReadonly<RoutesFile>;

/** One upstream (the monolith or a service) of a {@link RoutesConfig}. */
export type LoadedUpstream = RoutesConfig['legacy'];

/** One route of a {@link RoutesConfig}. */
export type LoadedRoute = RoutesConfig['routes'][number];

/** Freezes a value and everything reachable from it (shared references and cycles included). */
export function deepFreeze<T>(value: T): DeepReadonly<T> {
  const pending: unknown[] = [value];
  const seen = new Set<object>();
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item !== 'object' || item === null || seen.has(item)) continue;
    seen.add(item);
    Object.freeze(item);
    for (const child of Object.values(item)) pending.push(child);
  }
  return value as DeepReadonly<T>;
}
