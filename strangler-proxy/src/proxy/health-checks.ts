/**
 * Active health checks of an upstream's endpoints: every `interval`, each endpoint's check path is asked
 * (GET, no credentials: those in an upstream URL are never sent); `unhealthyThreshold` failures in a row
 * take it out of the balancing, `healthyThreshold` passes in a row bring it back. A check is a 2xx answer
 * within `timeout`. Probes use connections of their own, never the pool clients' requests share.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { HealthCheckConfig } from '../config/schema.ts';
import { withoutUserinfo } from '../compare/redact-url.ts';
import type { Endpoint, EndpointSet } from './endpoint-set.ts';

export interface HealthChecks {
  stop(): void;
}

export function startHealthChecks(
  endpoints: EndpointSet,
  config: Readonly<HealthCheckConfig>,
  path: string,
): HealthChecks {
  const streaks = new WeakMap<Endpoint, { passed: number; failed: number; probing: boolean }>();
  let stopped = false;

  const check = (endpoint: Endpoint): void => {
    let streak = streaks.get(endpoint);
    if (streak === undefined) {
      streak = { passed: 0, failed: 0, probing: false };
      streaks.set(endpoint, streak);
    }
    // A probe slower than the interval is not doubled: the next round waits for it.
    if (streak.probing) return;
    streak.probing = true;
    const counts = streak;
    void probeHealth(new URL(path, endpoint.url), config.timeout).then((passed) => {
      counts.probing = false;
      if (stopped || endpoint.retired) return;
      if (passed) {
        counts.failed = 0;
        counts.passed += 1;
        if (!endpoint.healthy && counts.passed >= config.healthyThreshold)
          endpoints.setHealthy(endpoint, true);
      } else {
        counts.passed = 0;
        counts.failed += 1;
        if (endpoint.healthy && counts.failed >= config.unhealthyThreshold)
          endpoints.setHealthy(endpoint, false);
      }
    });
  };
  const round = () => {
    for (const endpoint of endpoints.current) check(endpoint);
  };
  const timer = setInterval(round, config.interval);
  timer.unref();
  round();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}

/** One health request: a 2xx answer within `timeout`, on a connection of its own. */
export function probeHealth(url: URL, timeout: number): Promise<boolean> {
  const target = withoutUserinfo(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const outgoing = send(target, { method: 'GET', agent: false, timeout }, (response) => {
      const status = response.statusCode ?? 0;
      response.resume();
      response.on('end', () => resolve(status >= 200 && status < 300));
      response.on('error', () => resolve(false));
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('health check timed out')));
    outgoing.on('error', () => resolve(false));
    outgoing.end();
  });
}
