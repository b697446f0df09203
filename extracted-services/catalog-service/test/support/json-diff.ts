/**
 * A structural JSON diff with the proxy's vocabulary (value, type, missing, extra, length), used by the
 * contract parity test to list where the catalog differs from the monolith. Paths are JSONPath with
 * array indices, e.g. `$.items[3].created_at`; {@link foldIndices} turns them into `$.items[*].created_at`.
 */

export type DiffKind = 'value' | 'type' | 'missing' | 'extra' | 'length';

export interface JsonDifference {
  readonly path: string;
  readonly kind: DiffKind;
  readonly legacy?: unknown;
  readonly service?: unknown;
}

function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

function child(path: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}['${key}']`;
}

/** Every difference from `legacy` to `service`. */
export function diffJson(legacy: unknown, service: unknown, path = '$'): JsonDifference[] {
  const legacyType = typeOf(legacy);
  if (legacyType !== typeOf(service)) return [{ path, kind: 'type', legacy, service }];
  if (legacyType === 'array') {
    const [a, b] = [legacy as unknown[], service as unknown[]];
    const shared = Math.min(a.length, b.length);
    const inner = Array.from({ length: shared }, (_, i) => diffJson(a[i], b[i], `${path}[${i}]`)).flat();
    return a.length === b.length
      ? inner
      : [{ path, kind: 'length', legacy: a.length, service: b.length }, ...inner];
  }
  if (legacyType === 'object') {
    const [a, b] = [legacy as Record<string, unknown>, service as Record<string, unknown>];
    const differences: JsonDifference[] = [];
    for (const key of Object.keys(a)) {
      if (!(key in b)) differences.push({ path: child(path, key), kind: 'missing', legacy: a[key] });
      else differences.push(...diffJson(a[key], b[key], child(path, key)));
    }
    for (const key of Object.keys(b)) {
      if (!(key in a)) differences.push({ path: child(path, key), kind: 'extra', service: b[key] });
    }
    return differences;
  }
  return Object.is(legacy, service) ? [] : [{ path, kind: 'value', legacy, service }];
}

export function foldIndices(path: string): string {
  return path.replace(/\[\d+\]/g, '[*]');
}
