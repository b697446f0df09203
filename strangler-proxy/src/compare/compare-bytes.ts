/**
 * Bodies compared as bytes: binary ones, and truncated ones (only a prefix was captured). Equality is a
 * plain byte comparison; the SHA-256 digest is only computed to report a difference.
 */
import { Buffer } from 'node:buffer';
import { hash } from 'node:crypto';
import type { BodyDigest } from './verdict.ts';

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && asBuffer(a).equals(b);
}

/** Offset of the first differing byte (the shorter length when one is a prefix of the other). */
export function firstDifferentByte(a: Uint8Array, b: Uint8Array): number {
  const shorter = Math.min(a.byteLength, b.byteLength);
  let offset = 0;
  while (offset < shorter && a[offset] === b[offset]) offset++;
  return offset;
}

export function digestOf(body: Uint8Array, truncated: boolean): BodyDigest {
  return Object.freeze({ sha256: hash('sha256', asBuffer(body), 'hex'), size: body.byteLength, truncated });
}

// A view over the same memory: no copy.
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
