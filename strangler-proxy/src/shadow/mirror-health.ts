/**
 * A circuit breaker on the mirror path, per route. A shadow service that keeps timing out would otherwise
 * hold every mirror slot for the whole timeout and then open a burst of new connections each time they
 * expire, stealing CPU from the primary. After `failures` mirrors in a row fail, the route's mirroring
 * pauses for `pause` ms (skips counted as `shadow_unhealthy`); then one mirror probes, and a success
 * resumes it.
 */
export interface MirrorHealthSettings {
  /** Failures in a row that pause the route (0: never). */
  readonly pauseAfterFailures: number;
  readonly pauseFor: number;
}

export interface MirrorHealth {
  /** Whether a mirror may be sent now (while paused: false, except for one probe after the pause). */
  allow(routeId: string, settings: MirrorHealthSettings, now: number): boolean;
  record(routeId: string, settings: MirrorHealthSettings, ok: boolean, now: number): void;
}

interface RouteHealth {
  failures: number;
  pausedUntil: number;
  /** When the current probe was let through; a probe that never reports (skipped later) expires. */
  probeSince: number | null;
}

export function createMirrorHealth(): MirrorHealth {
  const routes = new Map<string, RouteHealth>();
  return {
    allow(routeId, { pauseAfterFailures: threshold, pauseFor: pause }, now) {
      const health = routes.get(routeId);
      if (threshold === 0 || !health || health.failures < threshold) return true;
      if (now < health.pausedUntil) return false;
      if (health.probeSince !== null && now - health.probeSince < pause) return false;
      health.probeSince = now;
      return true;
    },
    record(routeId, { pauseAfterFailures: threshold, pauseFor: pause }, ok, now) {
      let health = routes.get(routeId);
      if (!health) {
        if (ok) return;
        health = { failures: 0, pausedUntil: 0, probeSince: null };
        routes.set(routeId, health);
      }
      health.probeSince = null;
      if (ok) {
        routes.delete(routeId);
        return;
      }
      health.failures += 1;
      if (health.failures >= threshold) health.pausedUntil = now + pause;
    },
  };
}
