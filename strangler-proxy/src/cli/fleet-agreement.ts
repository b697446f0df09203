/**
 * Before `promote` moves a route: the live proxies of the fleet must run one revision of it. Evidence is
 * pooled per revision, so a fleet part-way through a reload would be judged on mixed figures and end up
 * running two positions of the route. `--force` (and `--dry-run`, which changes nothing) only warn.
 */
import pc from 'picocolors';
import type { CliIo } from './io.ts';
import { readRoutesFile } from './read-routes-file.ts';
import { CliExit } from './io.ts';
import { ledgerStore } from './ledger.ts';
import { describeStore, openStoreForReading } from './store-resolver.ts';
import { readFleet } from '../fleet/read-fleet.ts';
import { describeRevisionGroups, fleetDisagrees, revisionsOfRoute } from '../fleet/revision-agreement.ts';
import { PromoteError } from '../promote/errors.ts';
import type { ResultStore } from '../store/result-store.ts';

export async function checkFleetAgreement(
  io: CliIo,
  source: { readonly file: string; readonly store?: string | undefined },
  routeId: string,
  options: { readonly refuse: boolean; readonly now: number },
): Promise<void> {
  // An invalid file names no store to trust; the promotion itself reports it (PROMOTE_INVALID_CONFIG).
  if (!(await readRoutesFile(io, source.file, { unsetUpstreams: 'warn' })).ok) return;
  const resolved = await ledgerStore(io, {
    file: source.file,
    ...(source.store ? { store: source.store } : {}),
  });
  let store: ResultStore;
  try {
    store = await openStoreForReading(resolved);
  } catch (error) {
    // No store yet, no fleet registered in it: the evidence step says what is missing.
    if (error instanceof CliExit) return;
    throw error;
  }
  let groups;
  try {
    groups = revisionsOfRoute((await readFleet(store, options.now)).live, routeId);
  } finally {
    await store.close();
  }
  if (!fleetDisagrees(groups)) return;
  const details = [`live proxies in ${describeStore(resolved)}:`, ...describeRevisionGroups(groups)];
  if (options.refuse)
    throw new PromoteError(
      'PROMOTE_FLEET_DISAGREES',
      `the live proxies run ${groups.length} different revisions of ${routeId}: wait until they have all reloaded (--force promotes anyway)`,
      details,
    );
  io.stderr.write(
    `${pc.createColors(io.color).yellow('warning')}: the live proxies run ${groups.length} different revisions of ${routeId}\n${details.map((line) => `  ${line}\n`).join('')}`,
  );
}
