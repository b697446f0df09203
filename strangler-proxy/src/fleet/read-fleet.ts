/**
 * The fleet as the store holds it, split into the proxies live now and the ones gone (killed, or cut
 * off from the store) whose rows remain.
 */
import type { FleetMethods, StoredInstance } from '../store/result-store.ts';
import { splitByLiveness } from './fleet-liveness.ts';

export interface FleetReading {
  readonly live: readonly StoredInstance[];
  readonly gone: readonly StoredInstance[];
}

export async function readFleet(store: Pick<FleetMethods, 'instances'>, now: number): Promise<FleetReading> {
  return splitByLiveness(await store.instances(), now);
}
