/**
 * Writing the decision ledger from the CLI: who is deciding (the operating-system user and host), and
 * the entry stored in the same results store the evidence is read from.
 */
import { hostname, userInfo } from 'node:os';
import type { StoredDecision } from '../store/result-store.ts';
import { emptyBatch } from '../store/result-store.ts';
import { createKnexStore } from '../store/knex-store.ts';
import type { CliIo } from './io.ts';
import { readStoreKey } from './read-store-key.ts';
import { resolveStore, type ResolvedStore } from './store-resolver.ts';

/** The user and host a decision is recorded under. */
export function whoIsDeciding(io: CliIo): { readonly user: string; readonly host: string } {
  return { user: currentUser(io), host: hostname() };
}

function currentUser(io: CliIo): string {
  try {
    return userInfo().username;
  } catch {
    // A container user without a passwd entry has no name: fall back to what the shell says.
    return io.env.USER ?? io.env.USERNAME ?? 'unknown';
  }
}

/** The store a move is recorded in: the one its evidence is read from (`store-resolver.ts`). */
export async function ledgerStore(
  io: CliIo,
  source: { readonly file: string; readonly store?: string },
): Promise<ResolvedStore> {
  const routesStore =
    source.store === undefined ? await readStoreKey(io, source.file, { quiet: true }) : undefined;
  return resolveStore({ flag: source.store, env: io.env, routesFile: source.file, routesStore, cwd: io.cwd });
}

/** Appends one decision to the ledger of `store` (created when the proxy has not yet made it). */
export async function recordDecision(ledger: ResolvedStore, decision: StoredDecision): Promise<void> {
  const store = await createKnexStore({ url: ledger.url });
  try {
    await store.write({ ...emptyBatch(), decisions: [decision] });
  } finally {
    await store.close();
  }
}
