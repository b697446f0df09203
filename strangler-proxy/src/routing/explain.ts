/**
 * `explain`: why a request goes where it goes. Lists every route whose pattern covers the normalised path and
 * what accepted or rejected it, the winner and why it wins, and the destination (legacy, service, canary
 * split, mirror). The winner is the route table's own answer, so the explanation cannot drift from routing.
 */
import type { RoutesConfig } from '../config/routes-config.ts';
import type { Stage } from '../config/schema.ts';
import { bucketOf, isInSplit } from './bucket.ts';
import type { TrafficSplit } from './choose-side.ts';
import { SAFE_METHODS } from '../config/http-methods.ts';
import type { Side } from '../config/side.ts';
import type { CompiledRoute } from './compile-route.ts';
import { isPathError, normalizePath, type PathErrorCode } from './normalize-path.ts';
import { foldSegments } from './path-case.ts';
import { describePrecedence } from './precedence.ts';
import type { RouteTable } from './route-table.ts';
import { readStickyKey } from './sticky-key.ts';
import { describeUpstreamTarget } from '../compare/describe-upstream-target.ts';
import { describeMirrorRequest } from '../config/describe-mirror-request.ts';

export interface ExplainRequest {
  readonly method: string;
  /** The request target: path and optional query, as a client would send it. */
  readonly path: string;
  /** Header names in any case; repeated values as arrays. */
  readonly headers?: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly remoteAddress?: string;
}

export interface Check {
  readonly kind: 'method' | 'header';
  readonly ok: boolean;
  readonly detail: string;
}

export interface CandidateExplanation {
  readonly id: string;
  /** Position in routes.yaml, 0-based. */
  readonly index: number;
  readonly template: string;
  /** Methods and every header condition accept the request. */
  readonly accepted: boolean;
  readonly checks: readonly Check[];
  /** For accepted routes other than the winner: why the winner beats them. */
  readonly outranked?: string;
}

export interface SplitExplanation {
  readonly percent: number;
  /** `cookie:uid`, `header:x-user`, `ip`, or null. */
  readonly sticky: string | null;
  /** The sticky key found in the request, or null (then each request is drawn at random). */
  readonly key: string | null;
  readonly bucket: number | null;
  /** Known when keyed (or at 0 and 100 %); null when drawn at random per request. */
  readonly included: boolean | null;
}

export interface Destination {
  /** null: no route matched. */
  readonly stage: Stage | null;
  /** `split`: a canary drawn at random per request. */
  readonly serve: Side | 'split';
  readonly legacyUrl: string;
  readonly service: { readonly name: string; readonly url: string } | null;
  readonly canary: SplitExplanation | null;
  /** Mirror target (`other`: the side not serving, for a random canary split). */
  readonly mirror: {
    readonly to: Side | 'other';
    readonly sample: SplitExplanation;
    /** False when the method is not mirrored (unsafe without `shadow.unsafe`). */
    readonly methodMirrored: boolean;
    /** How a mirror to the service is rewritten (`shadow.request`): header names, never values. */
    readonly request: string | null;
  } | null;
  readonly summary: string;
}

export interface Explanation {
  readonly method: string;
  readonly target: string;
  /** `proxy.caseSensitive`: false when `/API/x` takes the routes of `/api/x` (the path is forwarded as sent). */
  readonly caseSensitive: boolean;
  readonly normalized:
    | {
        readonly ok: true;
        readonly path: string;
        readonly query: string;
        readonly segments: readonly string[];
      }
    | { readonly ok: false; readonly code: PathErrorCode; readonly message: string };
  /** Routes whose pattern covers the path, in file order. */
  readonly candidates: readonly CandidateExplanation[];
  readonly winner: {
    readonly id: string;
    readonly index: number;
    readonly template: string;
    readonly reason: string;
  } | null;
  /** null when the target is refused (the proxy answers 400 or 414). */
  readonly destination: Destination | null;
}

/**
 * Explains the routing of one request against a table built from `config.routes`.
 *
 * @example explainRoute(table, config, { method: 'GET', path: '/api/products/7', headers: { cookie: 'uid=42' } })
 */
export function explainRoute(table: RouteTable, config: RoutesConfig, request: ExplainRequest): Explanation {
  const headers = lowercaseHeaders(request.headers ?? {});
  const header = (name: string) => headers.get(name);
  let normalized: Explanation['normalized'];
  try {
    normalized = { ok: true, ...normalizePath(request.path) };
  } catch (error) {
    if (!isPathError(error)) throw error;
    normalized = { ok: false, code: error.code, message: error.message };
  }
  const base = {
    method: request.method,
    target: request.path,
    caseSensitive: table.caseSensitive,
    normalized,
  };
  if (!normalized.ok) return { ...base, candidates: [], winner: null, destination: null };

  const { segments } = normalized;
  const winner = table.match({ method: request.method, segments, header });
  const compared = foldSegments(segments, table.caseSensitive);
  const candidates = table.routes
    .filter((route) => coversPath(route, compared))
    .map((route) => explainCandidate(route, request.method, header, winner));
  const rivals = candidates.filter((candidate) => candidate.accepted && candidate.id !== winner?.id);
  return {
    ...base,
    candidates,
    winner:
      winner === null
        ? null
        : {
            id: winner.id,
            index: winner.index,
            template: winner.template,
            reason:
              rivals.length === 0
                ? 'the only route whose pattern, methods and headers accept the request'
                : rivals.map((rival) => `beats "${rival.id}": ${rival.outranked ?? ''}`).join('; '),
          },
    destination: describeDestination(winner, config, request, header),
  };
}

function coversPath(route: CompiledRoute, segments: readonly string[]): boolean {
  const pattern = route.pattern.segments;
  if (pattern.length > segments.length) return false;
  return pattern.every((segment, i) => segment.kind === 'param' || segment.value === segments[i]);
}

function explainCandidate(
  route: CompiledRoute,
  method: string,
  header: (name: string) => string | undefined,
  winner: CompiledRoute | null,
): CandidateExplanation {
  const checks: Check[] = [];
  if (route.methods !== null) {
    const ok = route.methods.has(method);
    const allowed = [...route.methods].join(', ');
    checks.push({
      kind: 'method',
      ok,
      detail: ok ? `method ${method} allowed` : `method ${method} not in ${allowed}`,
    });
  }
  for (const condition of route.headers) {
    const value = header(condition.name);
    const wanted = condition.value === null ? 'present' : JSON.stringify(condition.value);
    const ok = value !== undefined && (condition.value === null || value === condition.value);
    const got = value === undefined ? 'absent' : JSON.stringify(value);
    checks.push({ kind: 'header', ok, detail: `header ${condition.name}: wants ${wanted}, got ${got}` });
  }
  const accepted = checks.every((check) => check.ok);
  const outranked =
    accepted && winner !== null && winner.id !== route.id ? describePrecedence(winner, route) : undefined;
  return {
    id: route.id,
    index: route.index,
    template: route.template,
    accepted,
    checks,
    ...(outranked === undefined ? {} : { outranked }),
  };
}

function describeDestination(
  route: CompiledRoute | null,
  config: RoutesConfig,
  request: ExplainRequest,
  header: (name: string) => string | undefined,
): Destination {
  const legacyUrl = describeUpstreamTarget(config.legacy);
  if (route === null) {
    return {
      stage: null,
      serve: 'legacy',
      legacyUrl,
      service: null,
      canary: null,
      mirror: null,
      summary: `no route matches: legacy monolith (${legacyUrl})`,
    };
  }
  const { sides } = route;
  const name = route.route.service;
  const declared = config.services[name];
  const service = { name, url: declared === undefined ? '(undeclared)' : describeUpstreamTarget(declared) };
  const sticky = { header, remoteAddress: request.remoteAddress };
  const canary =
    sides.canary === null ? null : explainSplit(sides.canary, route.route.canary?.sticky, sticky);
  const serve: Side | 'split' =
    sides.stage === 'migrated'
      ? 'service'
      : sides.stage === 'canary' && canary !== null
        ? canary.included === null
          ? 'split'
          : canary.included
            ? 'service'
            : 'legacy'
        : 'legacy';
  const mirrorTo: Side | 'other' | null =
    sides.shadow === null || sides.stage === 'legacy'
      ? null
      : serve === 'split'
        ? 'other'
        : serve === 'service'
          ? 'legacy'
          : 'service';
  const mirror =
    mirrorTo === null || sides.shadow === null
      ? null
      : {
          to: mirrorTo,
          sample: explainSplit(sides.shadow, route.route.shadow?.sticky, sticky),
          methodMirrored: sides.mirrorsUnsafe || SAFE_METHODS.has(request.method),
          request: describeMirrorRequest(route.route.shadow?.request),
        };
  return {
    stage: sides.stage,
    serve,
    legacyUrl,
    service,
    canary,
    mirror,
    summary: summarize(route, serve, service, legacyUrl, canary, mirror),
  };
}

function explainSplit(
  split: TrafficSplit,
  stickyText: string | undefined,
  request: { header(name: string): string | undefined; remoteAddress?: string | undefined },
): SplitExplanation {
  const key = split.sticky === null ? undefined : readStickyKey(split.sticky, request);
  const bucket = key === undefined ? null : bucketOf(split.seed, key);
  const included =
    split.percent >= 100
      ? true
      : split.percent <= 0
        ? false
        : bucket === null
          ? null
          : isInSplit(bucket, split.percent);
  return { percent: split.percent, sticky: stickyText ?? null, key: key ?? null, bucket, included };
}

function summarize(
  route: CompiledRoute,
  serve: Side | 'split',
  service: { name: string; url: string },
  legacyUrl: string,
  canary: SplitExplanation | null,
  mirror: Destination['mirror'],
): string {
  const serviceText = `service ${service.name} (${service.url})`;
  const legacyText = `legacy monolith (${legacyUrl})`;
  let text = `route "${route.id}", stage ${route.sides.stage}: `;
  if (serve === 'split' && canary !== null) {
    text += `${canary.percent}% to ${serviceText}, the rest to the ${legacyText}, drawn per request`;
    text += canary.sticky === null ? '' : ` (no ${canary.sticky} in the request)`;
  } else {
    text += serve === 'service' ? serviceText : legacyText;
    if (canary?.bucket != null) {
      text += ` (${canary.sticky} bucket ${canary.bucket} ${canary.included ? '<' : '>='} ${canary.percent * 100})`;
    }
  }
  if (mirror !== null) {
    const target =
      mirror.to === 'other' ? 'the other side' : mirror.to === 'service' ? serviceText : legacyText;
    text += mirror.methodMirrored
      ? `; mirrored to ${target} for ${mirror.sample.percent}% of requests` +
        (mirror.sample.included === null
          ? ''
          : mirror.sample.included
            ? ' (this one included)'
            : ' (not this one)')
      : '; not mirrored (unsafe method without shadow.unsafe)';
    if (mirror.methodMirrored && mirror.request !== null) text += ` (mirror request: ${mirror.request})`;
  }
  return text;
}

function lowercaseHeaders(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    const text = typeof value === 'string' ? value : value.join(lower === 'cookie' ? '; ' : ', ');
    const previous = map.get(lower);
    map.set(lower, previous === undefined ? text : `${previous}${lower === 'cookie' ? '; ' : ', '}${text}`);
  }
  return map;
}

export { formatExplanation, type FormatExplanationOptions } from './format-explanation.ts';
