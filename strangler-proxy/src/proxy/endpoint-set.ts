/**
 * The instances of one upstream and which of them a request goes to. Each endpoint has its own
 * keep-alive pool (its origin's in the upstream's agent), its requests in flight, its outlier state and,
 * with active health checks, its health. A request picks among the healthy, non-ejected endpoints by the
 * balancing policy; when none is left it picks among the others rather than fail without trying.
 *
 * Endpoints come and go (a DNS answer, a reload): one that leaves gets no new request, and its pool is
 * closed only once its last request in flight has ended, so a change never fails a request under way.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BalancePolicy, OutlierConfig } from '../config/schema.ts';
import { redactUrl } from '../compare/redact-url.ts';
import { createOutlierTracker, type OutlierTracker } from '../safety/outlier-ejection.ts';
import type { AttemptOutcome, Settle } from './upstream-guard.ts';

/** How requests reach one endpoint: made by the upstream, closed when the endpoint leaves. */
export interface EndpointTransport {
  forward(req: IncomingMessage, res: ServerResponse): void;
  /** Closes the endpoint's pooled connections (called once nothing is in flight to it). */
  close(): void;
}

export type EndpointState = 'healthy' | 'unhealthy' | 'ejected';

export interface Endpoint {
  /** The instance's URL: the upstream's base path and query on this address. */
  readonly url: URL;
  /** `url.origin`, read once (the getter builds a new string at every read). */
  readonly origin: string;
  readonly transport: EndpointTransport;
  readonly outlier: OutlierTracker;
  /** Requests in flight to it (the balancing's measure). */
  outstanding: number;
  /** The active health checks' verdict (true until a check says otherwise). */
  healthy: boolean;
  /** Left the set: no new request; closed when `outstanding` reaches 0. */
  retired: boolean;
}

export interface EndpointStatus {
  readonly url: string;
  readonly state: EndpointState;
  readonly outstanding: number;
  readonly consecutiveFailures: number;
  readonly ejections: number;
  readonly ejectedUntil: string | null;
}

export interface EndpointSet {
  readonly events: EventEmitter<{ change: []; ejected: [EndpointStatus] }>;
  /** The endpoints requests may go to now (retired ones excluded). */
  readonly current: readonly Endpoint[];
  /** Makes `urls` the set: new ones join, missing ones leave (closed once idle). Order is kept. */
  replace(urls: readonly URL[]): void;
  /** The endpoint a request should go to, avoiding `tried` when another exists; null when the set is empty. */
  choose(tried?: readonly Endpoint[] | null): Endpoint | null;
  /** Whether an endpoint `tried` does not hold is left to try. */
  hasUntried(tried: readonly Endpoint[] | null): boolean;
  /** Counts a request in flight to `endpoint`; settled once, with its outcome (feeds outlier ejection). */
  begin(endpoint: Endpoint): Settle;
  /** Sets an endpoint's health as the active checks see it. */
  setHealthy(endpoint: Endpoint, healthy: boolean): void;
  stateOf(endpoint: Endpoint, now?: number): EndpointState;
  status(): EndpointStatus[];
  /** Retires every endpoint (each closed once idle). */
  dispose(): void;
}

export interface EndpointSetOptions {
  readonly balance: BalancePolicy;
  readonly outlier: Readonly<OutlierConfig>;
  readonly transport: (url: URL) => EndpointTransport;
}

export function createEndpointSet(options: EndpointSetOptions): EndpointSet {
  const events = new EventEmitter<{ change: []; ejected: [EndpointStatus] }>();
  let current: Endpoint[] = [];
  let cursor = 0;

  const stateOf = (endpoint: Endpoint, now = Date.now()): EndpointState =>
    endpoint.outlier.isEjected(now) ? 'ejected' : endpoint.healthy ? 'healthy' : 'unhealthy';

  const describe = (endpoint: Endpoint, now = Date.now()): EndpointStatus => {
    const until = endpoint.outlier.ejectedUntil(now);
    return {
      url: redactUrl(endpoint.url.href),
      state: stateOf(endpoint, now),
      outstanding: endpoint.outstanding,
      consecutiveFailures: endpoint.outlier.consecutiveFailures,
      ejections: endpoint.outlier.ejections,
      ejectedUntil: until === null ? null : new Date(until).toISOString(),
    };
  };

  const closeIfIdle = (endpoint: Endpoint) => {
    if (endpoint.retired && endpoint.outstanding === 0) endpoint.transport.close();
  };

  /** Never all at once: at most the configured share, and always one endpoint left in the balancing. */
  const mayEject = (now: number): boolean => {
    const ejected = current.filter((endpoint) => endpoint.outlier.isEjected(now)).length + 1;
    return ejected < current.length && ejected * 100 <= current.length * options.outlier.maxEjectedPercent;
  };

  /** Fewest in flight, ties broken in turn; or each in turn. */
  const pick = (candidates: readonly Endpoint[]): Endpoint | null => {
    const count = candidates.length;
    if (count === 0) return null;
    const start = cursor++ % count;
    if (options.balance === 'round-robin') return candidates[start] ?? null;
    let best: Endpoint | null = null;
    for (let offset = 0; offset < count; offset++) {
      const candidate = candidates[(start + offset) % count] as Endpoint;
      if (best === null || candidate.outstanding < best.outstanding) best = candidate;
    }
    return best;
  };

  return {
    events,
    get current() {
      return current;
    },
    replace(urls) {
      const kept = new Map(current.map((endpoint) => [endpoint.url.href, endpoint]));
      const next: Endpoint[] = [];
      for (const url of urls) {
        if (next.some((endpoint) => endpoint.url.href === url.href)) continue;
        const existing = kept.get(url.href);
        kept.delete(url.href);
        next.push(
          existing ?? {
            url,
            origin: url.origin,
            transport: options.transport(url),
            outlier: createOutlierTracker(options.outlier),
            outstanding: 0,
            healthy: true,
            retired: false,
          },
        );
      }
      const changed = kept.size > 0 || next.length !== current.length;
      current = next;
      for (const leaving of kept.values()) {
        leaving.retired = true;
        closeIfIdle(leaving);
      }
      if (changed) events.emit('change');
    },
    choose(tried = null) {
      if (current.length === 1) return current[0] ?? null;
      const now = Date.now();
      const untried =
        tried === null || tried.length === 0 ? current : current.filter((e) => !tried.includes(e));
      const pool = untried.length > 0 ? untried : current;
      const inService = pool.filter((endpoint) => stateOf(endpoint, now) === 'healthy');
      if (inService.length > 0) return pick(inService);
      // Every one failing its checks: the ones not ejected, else any, rather than no attempt at all.
      const notEjected = pool.filter((endpoint) => !endpoint.outlier.isEjected(now));
      return pick(notEjected.length > 0 ? notEjected : pool);
    },
    hasUntried(tried) {
      return current.some((endpoint) => tried === null || !tried.includes(endpoint));
    },
    begin(endpoint) {
      endpoint.outstanding += 1;
      let settled = false;
      return (outcome: AttemptOutcome) => {
        if (settled) return;
        settled = true;
        endpoint.outstanding -= 1;
        const now = Date.now();
        if (outcome === 'success') endpoint.outlier.onSuccess(now);
        else if (outcome === 'failure' && !endpoint.retired) {
          if (endpoint.outlier.onFailure(now, () => mayEject(now))) {
            events.emit('ejected', describe(endpoint, now));
            events.emit('change');
          }
        }
        closeIfIdle(endpoint);
      };
    },
    setHealthy(endpoint, healthy) {
      if (endpoint.healthy === healthy) return;
      endpoint.healthy = healthy;
      events.emit('change');
    },
    stateOf,
    status: () => {
      const now = Date.now();
      return current.map((endpoint) => describe(endpoint, now));
    },
    dispose() {
      const leaving = current;
      current = [];
      for (const endpoint of leaving) {
        endpoint.retired = true;
        closeIfIdle(endpoint);
      }
    },
  };
}
