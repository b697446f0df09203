/**
 * What `status --fleet` prints: every proxy registered in the results store, the live ones with the
 * routes revision they applied, and the ones gone (killed, or cut off from the store) whose rows remain.
 * Kept apart from the `status` command so that other views of `status` sit beside it.
 */
import type { CliIo } from './io.ts';
import { formatTable } from './format-table.ts';
import { readStoreKey } from './read-store-key.ts';
import { describeStore, openStoreForReading, resolveStore } from './store-resolver.ts';
import { readFleet, type FleetReading } from '../fleet/read-fleet.ts';
import { goneAfter } from '../fleet/fleet-liveness.ts';
import type { StoredInstance } from '../store/result-store.ts';

/** One proxy as `status --fleet --json` gives it: times as ISO 8601. */
export interface FleetEntry extends Omit<
  StoredInstance,
  'startedAt' | 'appliedAt' | 'heartbeatAt' | 'heartbeatInterval'
> {
  readonly startedAt: string;
  readonly appliedAt: string;
  readonly heartbeatAt: string;
  /** ms between its heartbeats. */
  readonly heartbeatInterval: number;
  /** When it is (or was) taken as gone without a further heartbeat. */
  readonly goneAfter: string;
}

export interface FleetStatusJson {
  /** The store read (credentials masked). */
  readonly store: string;
  readonly at: string;
  readonly live: readonly FleetEntry[];
  readonly gone: readonly FleetEntry[];
}

/** Reads the fleet from the store the routes file (or `--store`, or STRANGLER_STORE) names. */
export async function readFleetStatus(
  io: CliIo,
  source: { readonly file: string; readonly store?: string | undefined },
  now: number,
): Promise<FleetStatusJson> {
  const routesStore = source.store === undefined ? await readStoreKey(io, source.file) : undefined;
  const resolved = resolveStore({
    flag: source.store,
    env: io.env,
    routesFile: source.file,
    routesStore,
    cwd: io.cwd,
  });
  const store = await openStoreForReading(resolved);
  let reading: FleetReading;
  try {
    reading = await readFleet(store, now);
  } finally {
    await store.close();
  }
  return {
    store: describeStore(resolved),
    at: new Date(now).toISOString(),
    live: reading.live.map(toEntry),
    gone: reading.gone.map(toEntry),
  };
}

function toEntry(instance: StoredInstance): FleetEntry {
  const iso = (at: number) => new Date(at).toISOString();
  return {
    ...instance,
    startedAt: iso(instance.startedAt),
    appliedAt: iso(instance.appliedAt),
    heartbeatAt: iso(instance.heartbeatAt),
    goneAfter: iso(goneAfter(instance)),
  };
}

/** The fleet as text: a table of the live proxies, then one line per gone one. */
export function formatFleetStatus(fleet: FleetStatusJson): string {
  const out = [`fleet in ${fleet.store} at ${fleet.at}`, ''];
  if (fleet.live.length === 0) out.push('no live proxy registered');
  else {
    const revisions = new Set(fleet.live.map((entry) => entry.routesRevision));
    out.push(
      formatTable(
        ['instance', 'host', 'pid', 'version', 'routes revision', 'config', 'applied', 'last heartbeat'],
        fleet.live.map((entry) => [
          entry.id,
          entry.host,
          String(entry.pid),
          entry.version,
          entry.routesRevision,
          entry.configVersion ?? '-',
          entry.appliedAt,
          entry.heartbeatAt,
        ]),
      ),
      '',
      revisions.size === 1
        ? `${fleet.live.length} live, all on routes revision ${[...revisions].join('')}`
        : `${fleet.live.length} live on ${revisions.size} routes revisions: ${[...revisions].join(', ')}`,
    );
  }
  for (const entry of fleet.gone)
    out.push(`gone: ${entry.id} (${entry.host}, pid ${entry.pid}), last heartbeat ${entry.heartbeatAt}`);
  return out.map((line) => `${line}\n`).join('');
}
