/**
 * `ownBytes`: what a job or a result posts to the other thread holds its own bytes and nothing around
 * them (posting a view copies the whole buffer under it).
 */
import { describe, expect, it } from 'vitest';
import { ownBytes } from '../../src/shadow/mirror-job.ts';

describe('own bytes', () => {
  it('copies a Buffer that is a view into a larger buffer (a socket read) into a buffer of its size', () => {
    const read = Buffer.alloc(65_536, 0x61);
    read.write('{"id":7}', 1_000);
    const body = read.subarray(1_000, 1_008);
    const own = ownBytes(body);
    expect(own.buffer.byteLength).toBe(8);
    expect(Buffer.from(own).toString()).toBe('{"id":7}');
    read[1_000] = 0;
    expect(own[0]).toBe(0x7b);
  });

  it('copies a plain Uint8Array view likewise', () => {
    const view = new Uint8Array(1_024).fill(5).subarray(10, 20);
    expect(ownBytes(view).buffer.byteLength).toBe(10);
  });

  it('keeps bytes that already own their buffer as they are', () => {
    const whole = Buffer.from(new Uint8Array(16).fill(1).buffer);
    expect(ownBytes(whole)).toBe(whole);
  });

  it('copies a view of shared memory, which another thread could write into meanwhile', () => {
    const shared = new Uint8Array(new SharedArrayBuffer(64), 8, 16).fill(1);
    const own = ownBytes(shared);
    shared.fill(2);
    expect(own.buffer).toBeInstanceOf(ArrayBuffer);
    expect([...own]).toEqual(new Array(16).fill(1));
  });
});
