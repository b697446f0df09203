/**
 * A proxy's place in the fleet: it registers in the shared store at start, beats on an interval (and at
 * once after a reload, so the revision it runs shows without waiting), and removes its row when it stops
 * cleanly; once an hour it also removes the rows of proxies gone (killed) for a day. A store that does
 * not answer costs a failed beat, logged once, never a request or the stop.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { FleetMethods, StoredInstance } from '../store/result-store.ts';
import type { Logger } from '../logging/logger.ts';
import { tableRevision } from './table-revision.ts';
import { FLEET_HEARTBEAT_DEFAULTS, isForgotten } from './fleet-liveness.ts';

/** How often a proxy looks for the rows of proxies gone long enough to remove ({@link isForgotten}). */
const FORGET_EVERY_MS = 60 * 60_000;

/** What the proxy runs now: each route's revision, since when, and a published config's version. */
export interface AppliedRoutes {
  readonly routeRevisions: Readonly<Record<string, string>>;
  readonly appliedAt: number;
  readonly configVersion?: string | null;
}

export interface FleetHeartbeatOptions {
  readonly store: Pick<FleetMethods, 'putInstance' | 'removeInstance' | 'instances'>;
  /** The package version the proxy runs. */
  readonly version: string;
  readonly applied: () => AppliedRoutes;
  readonly logger: Logger;
  /** ms between beats. */
  readonly interval?: number;
  /** Beats missed before readers take the proxy as gone. */
  readonly missedHeartbeats?: number;
  readonly clock?: () => number;
}

export interface BeatResult {
  readonly ok: boolean;
  readonly at: number;
  readonly error?: string;
}

export interface FleetHeartbeat {
  /** This process's id in the fleet. */
  readonly id: string;
  readonly events: EventEmitter<{ beat: [BeatResult] }>;
  /** Writes the row now; resolves once written (or failed, never rejects). */
  beat(): Promise<BeatResult>;
  /** Stops beating and removes the row (a failure to remove is logged: readers then see it go stale). */
  stop(): Promise<void>;
}

export function startFleetHeartbeat(options: FleetHeartbeatOptions): FleetHeartbeat {
  const clock = options.clock ?? Date.now;
  const interval = options.interval ?? FLEET_HEARTBEAT_DEFAULTS.interval;
  const missedHeartbeats = options.missedHeartbeats ?? FLEET_HEARTBEAT_DEFAULTS.missedHeartbeats;
  const host = hostname();
  const id = `${host}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const startedAt = clock();
  const events = new EventEmitter<{ beat: [BeatResult] }>();
  let stopped = false;
  let failing = false;
  let forgottenAt = -Infinity;
  // Beats are serialised: a beat after a reload never lands before an older one still on its way.
  let chain: Promise<unknown> = Promise.resolve();

  const row = (): StoredInstance => {
    const applied = options.applied();
    return {
      id,
      host,
      pid: process.pid,
      version: options.version,
      routesRevision: tableRevision(applied.routeRevisions),
      routeRevisions: applied.routeRevisions,
      configVersion: applied.configVersion ?? null,
      startedAt,
      appliedAt: applied.appliedAt,
      heartbeatAt: clock(),
      heartbeatInterval: interval,
      missedHeartbeats,
    };
  };

  const write = async (): Promise<BeatResult> => {
    if (stopped) return { ok: false, at: clock(), error: 'stopped' };
    const instance = row();
    try {
      await options.store.putInstance(instance);
      if (failing) options.logger.info({ fleetId: id }, 'fleet heartbeat stored again');
      failing = false;
      if (instance.heartbeatAt - forgottenAt >= FORGET_EVERY_MS) {
        forgottenAt = instance.heartbeatAt;
        await forgetGone(instance.heartbeatAt);
      }
      return { ok: true, at: instance.heartbeatAt };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!failing)
        options.logger.warn(
          { fleetId: id, err: message },
          'fleet heartbeat not stored: other proxies and status --fleet will take this one as gone if it lasts',
        );
      failing = true;
      return { ok: false, at: instance.heartbeatAt, error: message };
    }
  };

  // Rows of proxies killed long ago would otherwise stay for ever: each run has an id of its own.
  const forgetGone = async (now: number): Promise<void> => {
    try {
      for (const row of await options.store.instances()) {
        if (row.id !== id && isForgotten(row, now)) await options.store.removeInstance(row.id);
      }
    } catch (error) {
      options.logger.warn(
        { fleetId: id, err: error instanceof Error ? error.message : String(error) },
        'could not remove the rows of proxies gone for a day; the next hour tries again',
      );
    }
  };

  const beat = (): Promise<BeatResult> => {
    const next = chain.then(write);
    chain = next;
    return next.then((result) => {
      events.emit('beat', result);
      return result;
    });
  };

  const timer = setInterval(() => void beat(), interval);
  timer.unref();

  return {
    id,
    events,
    beat,
    async stop() {
      clearInterval(timer);
      await chain;
      stopped = true;
      await options.store.removeInstance(id).catch((error: unknown) => {
        options.logger.warn(
          { fleetId: id, err: error instanceof Error ? error.message : String(error) },
          'could not remove this proxy from the fleet: it shows as gone once its heartbeat is stale',
        );
      });
    },
  };
}
