/**
 * Whether the live proxies of a fleet run the same revision of a route. Evidence is pooled per revision:
 * promoting while proxies disagree would judge one revision on the figures of another, or move a route
 * that part of the fleet does not yet run as the file says. Pure.
 */

/** What of a registered proxy tells which revision of each route it runs. */
export interface RunningRevisions {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly routeRevisions: Readonly<Record<string, string>>;
}

/** The proxies running one revision of the route; `revision` null for those without the route. */
export interface RevisionGroup<T extends RunningRevisions> {
  readonly revision: string | null;
  readonly instances: readonly T[];
}

/** The live proxies grouped by the revision of `routeId` they run, the largest group first. */
export function revisionsOfRoute<T extends RunningRevisions>(
  live: readonly T[],
  routeId: string,
): RevisionGroup<T>[] {
  const groups = new Map<string | null, T[]>();
  for (const instance of live) {
    const revision = Object.hasOwn(instance.routeRevisions, routeId)
      ? (instance.routeRevisions[routeId] ?? null)
      : null;
    const group = groups.get(revision) ?? [];
    group.push(instance);
    groups.set(revision, group);
  }
  return [...groups]
    .map(([revision, instances]) => ({ revision, instances }))
    .sort(
      (a, b) =>
        b.instances.length - a.instances.length || String(a.revision).localeCompare(String(b.revision)),
    );
}

/** True when more than one revision (or the route's absence) is run by the live proxies. */
export function fleetDisagrees(groups: readonly RevisionGroup<RunningRevisions>[]): boolean {
  return groups.length > 1;
}

/** `abc123def456: ops-1 (pid 41), ops-2 (pid 7)`, one line per group. */
export function describeRevisionGroups(groups: readonly RevisionGroup<RunningRevisions>[]): string[] {
  return groups.map(
    (group) =>
      `${group.revision ?? '(route not loaded)'}: ${group.instances
        .map((instance) => `${instance.id} (${instance.host}, pid ${instance.pid})`)
        .join(', ')}`,
  );
}
