/**
 * A route's revision: a stable hash of everything that decides what its evidence means. Evidence is
 * recorded with the revision it was gathered under and counted by revision, so changing a compare rule,
 * the service (its URL or its declared build), the stage or the canary step, or what requests the route
 * takes starts fresh evidence without deleting any. Pure (hashing only).
 */
import { createHash } from 'node:crypto';
import { UNSET_UPSTREAM_URL } from './expand-env.ts';

/** What of a route decides its evidence (a loaded route fits). */
export interface RevisionedRoute {
  readonly path: string;
  readonly methods?: readonly string[] | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly service: string;
  readonly stage: string;
  readonly canary?: { readonly percent: number } | undefined;
  readonly compare?: unknown;
}

/** What of the route's service decides its evidence: where its instances are, and its build. */
export interface RevisionedService {
  /** One URL or a list of them; absent when the instances are found by DNS. */
  readonly url?: string | readonly string[] | undefined;
  readonly discovery?: unknown;
  /** The service's declared build identity (`services.X.build`). */
  readonly build?: string | undefined;
}

/** Hex characters kept of the hash: enough that two revisions of a route never collide in practice. */
const REVISION_HEX = 12;

export function routeRevision(route: RevisionedRoute, service: RevisionedService | undefined): string {
  const decides = {
    path: route.path,
    methods: route.methods ?? null,
    headers: route.headers ?? null,
    service: route.service,
    url: service?.url ?? null,
    discovery: service?.discovery ?? null,
    build: service?.build ?? null,
    stage: route.stage,
    percent: route.stage === 'canary' ? (route.canary?.percent ?? 0) : null,
    compare: route.compare ?? null,
  };
  return createHash('sha256').update(canonicalJson(decides)).digest('hex').slice(0, REVISION_HEX);
}

/** JSON with object keys sorted, so the same content always hashes the same whatever its key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, child]) => child !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonicalJson(child)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Each route's current revision, by route id, from a loaded config. A route whose service URL was an
 * unset variable (loaded for a command that needs no URLs) has no knowable revision and is left out:
 * its evidence is then counted over all revisions.
 */
export function currentRevisions(config: {
  readonly routes: readonly (RevisionedRoute & { readonly id: string })[];
  readonly services: Readonly<Record<string, RevisionedService>>;
}): Map<string, string> {
  return new Map(
    config.routes
      .filter((route) => !hasUnsetUrl(config.services[route.service]))
      .map((route) => [route.id, routeRevision(route, config.services[route.service])]),
  );
}

function hasUnsetUrl(service: RevisionedService | undefined): boolean {
  const url = service?.url;
  return Array.isArray(url) ? url.includes(UNSET_UPSTREAM_URL) : url === UNSET_UPSTREAM_URL;
}
