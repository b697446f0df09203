/**
 * Whether the monolith's code for a route can be deleted, from the pooled evidence of every proxy: over
 * the window the monolith served none of the route's requests (fallbacks included), the service served
 * some, no request under the route's path went unclaimed to the monolith (a method or header the route
 * does not take), and every live proxy runs the file's revision of the route, which is migrated. Each
 * check keeps its figure, so a refusal says by how much. Pure.
 */

export interface RetirementInput {
  readonly routeId: string;
  readonly path: string;
  readonly service: string;
  readonly stage: string;
  /** The file's revision of the route (`routeRevision`). */
  readonly revision: string;
  readonly since: number;
  readonly until: number;
  /** Requests served over the window by each side, every proxy and revision pooled. */
  readonly served: { readonly service: number; readonly legacy: number; readonly fallbacks: number };
  /** Requests no route matched, by method and path template, over the window. */
  readonly unmatched: readonly {
    readonly method: string;
    readonly template: string;
    readonly count: number;
  }[];
  /** The live proxies and the revision of the route each runs (null: not loaded). */
  readonly fleet: readonly { readonly id: string; readonly revision: string | null }[];
}

export type CheckName =
  'migrated' | 'service_traffic' | 'monolith_traffic' | 'unclaimed_paths' | 'fleet_on_revision';

export interface RetirementCheck {
  readonly name: CheckName;
  readonly passed: boolean;
  /** What was measured, in words with its figure. */
  readonly figure: string;
}

export interface RetirementCertificate {
  readonly input: RetirementInput;
  readonly unclaimed: RetirementInput['unmatched'];
  readonly checks: readonly RetirementCheck[];
  readonly retirable: boolean;
}

export function certifyRetirement(input: RetirementInput): RetirementCertificate {
  const unclaimed = input.unmatched.filter((row) => isUnderPattern(row.template, input.path));
  const unclaimedRequests = unclaimed.reduce((sum, row) => sum + row.count, 0);
  const offRevision = input.fleet.filter((proxy) => proxy.revision !== input.revision);
  const checks: RetirementCheck[] = [
    {
      name: 'migrated',
      passed: input.stage === 'migrated',
      figure: `stage ${input.stage} in the routes file`,
    },
    {
      name: 'service_traffic',
      passed: input.served.service > 0,
      figure: `${input.served.service} requests served by ${input.service}`,
    },
    {
      name: 'monolith_traffic',
      passed: input.served.legacy === 0,
      figure: `${input.served.legacy} requests served by the monolith (${input.served.fallbacks} of them fallbacks)`,
    },
    {
      name: 'unclaimed_paths',
      passed: unclaimed.length === 0,
      figure: `${unclaimed.length} unclaimed path templates under ${input.path} (${unclaimedRequests} requests)`,
    },
    {
      name: 'fleet_on_revision',
      passed: offRevision.length === 0,
      figure:
        offRevision.length === 0
          ? `${input.fleet.length} live proxies, all on revision ${input.revision}`
          : `${offRevision.length} of ${input.fleet.length} live proxies on another revision: ${offRevision
              .map((proxy) => `${proxy.id} (${proxy.revision ?? 'route not loaded'})`)
              .join(', ')}`,
    },
  ];
  return { input, unclaimed, checks, retirable: checks.every((check) => check.passed) };
}

/**
 * Whether requests grouped under `template` (`/api/orders/:id`) fall under the route pattern `path`
 * (a segment prefix; `:name` takes any one segment).
 */
export function isUnderPattern(template: string, path: string): boolean {
  const segments = (text: string) => (text === '/' ? [] : text.slice(1).split('/'));
  const wanted = segments(path);
  const given = segments(template);
  if (given.length < wanted.length) return false;
  return wanted.every((segment, index) => segment.startsWith(':') || segment === given[index]);
}
