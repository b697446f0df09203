/**
 * Password hashing as the shop has always done it: SHA-256 of salt + password. Weak by today's standards
 * (documented in the README); kept because the data being migrated uses it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export function hashPassword(salt: string, password: string): string {
  return createHash('sha256')
    .update(salt + password)
    .digest('hex');
}

/** Compares in constant time. */
export function isPasswordCorrect(salt: string, expectedHash: string, password: string): boolean {
  const actual = Buffer.from(hashPassword(salt, password), 'hex');
  const expected = Buffer.from(expectedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
