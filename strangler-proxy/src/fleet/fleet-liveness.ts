/**
 * When a registered proxy counts as live: its last heartbeat is no older than its own interval times its
 * own missed-heartbeat limit (both kept in its row, so every reader agrees without a setting). A proxy
 * stopped cleanly removes its row; one killed outright leaves it, and drops out of the live set here; a
 * day later a live proxy removes it. Pure.
 */

/** How often a proxy beats, and after how many missed beats readers take it as gone, unless configured. */
export const FLEET_HEARTBEAT_DEFAULTS = { interval: 10_000, missedHeartbeats: 3 } as const;

/** What of a registered proxy decides whether it is live. */
export interface Heartbeating {
  readonly heartbeatAt: number;
  readonly heartbeatInterval: number;
  readonly missedHeartbeats: number;
}

/** The moment after which `instance` is gone, unless it beats again. */
export function goneAfter(instance: Heartbeating): number {
  return instance.heartbeatAt + instance.heartbeatInterval * instance.missedHeartbeats;
}

/** How long the row of a proxy gone without a clean stop stays listed (as gone) before it is removed. */
export const GONE_ROWS_KEPT_MS = 24 * 60 * 60_000;

/** A gone proxy's row kept long enough: any live proxy may remove it. */
export function isForgotten(instance: Heartbeating, now: number): boolean {
  return now > goneAfter(instance) + GONE_ROWS_KEPT_MS;
}

export function isLive(instance: Heartbeating, now: number): boolean {
  return now <= goneAfter(instance);
}

/** The rows split into live and gone, each in the order given. */
export function splitByLiveness<T extends Heartbeating>(
  instances: readonly T[],
  now: number,
): { readonly live: T[]; readonly gone: T[] } {
  return {
    live: instances.filter((instance) => isLive(instance, now)),
    gone: instances.filter((instance) => !isLive(instance, now)),
  };
}
