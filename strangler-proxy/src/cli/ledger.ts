/**
 * Writing the decision ledger from the CLI: who is deciding (the operating-system user and host), and
 * the entry stored in the same results store the evidence is read from.
 */
import { hostname, userInfo } from 'node:os';
import type { StoredDecision } from '../store/result-store.ts';
import { emptyBatch } from '../store/result-store.ts';
import { createKnexStore } from '../store/knex-store.ts';
import type { CliIo } from './io.ts';
import { storeLocation } from './evidence.ts';

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

/** Appends one decision to the ledger of the store `--store` (or its default) names. */
export async function recordDecision(
  io: CliIo,
  source: { readonly file: string; readonly store?: string },
  decision: StoredDecision,
): Promise<void> {
  const store = await createKnexStore(storeLocation(io, source));
  try {
    await store.write({ ...emptyBatch(), decisions: [decision] });
  } finally {
    await store.close();
  }
}
