/**
 * Bridged credentials kept per incoming credential for their lifetime, so a user's requests are verified
 * and signed once. Bounded (least recently used goes first) and keyed by a hash: the incoming credential
 * itself is not kept.
 */
import { createHash } from 'node:crypto';

export interface TokenCache<Value> {
  get(credential: string, now: number): Value | undefined;
  set(credential: string, value: Value, expiresAt: number): void;
  readonly size: number;
}

/** A token is not reused in its last seconds: it could expire on its way to the service. */
const EXPIRY_MARGIN_MS = 5_000;

export function createTokenCache<Value>(maxEntries = 10_000): TokenCache<Value> {
  const entries = new Map<string, { value: Value; expiresAt: number }>();
  const keyOf = (credential: string) => createHash('sha256').update(credential).digest('base64url');
  return {
    get(credential, now) {
      const key = keyOf(credential);
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      entries.delete(key);
      if (entry.expiresAt - EXPIRY_MARGIN_MS <= now) return undefined;
      entries.set(key, entry);
      return entry.value;
    },
    set(credential, value, expiresAt) {
      const key = keyOf(credential);
      entries.delete(key);
      entries.set(key, { value, expiresAt });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
    },
    get size() {
      return entries.size;
    },
  };
}
