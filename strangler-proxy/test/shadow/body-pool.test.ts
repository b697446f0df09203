import { describe, expect, it } from 'vitest';
import { createBodyPool } from '../../src/shadow/body-pool.ts';
import { createBodyCapture } from '../../src/shadow/body-capture.ts';
import { createSharedByteBudget } from '../../src/shadow/byte-budget.ts';

describe('body pool', () => {
  it('hands out regions of shared memory, lowest address first, and reuses what is given back', () => {
    const pool = createBodyPool(1024);
    const a = pool.reserve(100)!;
    const b = pool.reserve(100)!;
    expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(a.buffer).toBe(b.buffer);
    expect([a.byteOffset, a.length, b.byteOffset, b.length]).toEqual([0, 100, 128, 100]);
    expect(pool.reserved).toBe(256);
    pool.free(a);
    // The lowest free run fits again: the pool's touched pages follow the bodies held at once.
    expect(pool.reserve(64)!.byteOffset).toBe(0);
    expect(pool.reserve(64)!.byteOffset).toBe(64);
    expect(pool.reserve(10)!.byteOffset).toBe(256);
  });

  it('merges neighbouring free runs, so a long body fits again once its space is back', () => {
    const pool = createBodyPool(1024);
    const regions = [0, 1, 2, 3].map(() => pool.reserve(256)!);
    expect(pool.reserve(1)).toBeNull();
    // Freed out of order: the runs on both sides of the last one join it.
    pool.free(regions[1]!);
    pool.free(regions[3]!);
    pool.free(regions[0]!);
    expect(pool.reserve(1024)).toBeNull();
    pool.free(regions[2]!);
    expect(pool.reserved).toBe(0);
    expect(pool.reserve(1024)?.byteOffset).toBe(0);
  });

  it('says no (null) when no free run is long enough, and ignores buffers it did not hand out', () => {
    const pool = createBodyPool(1000);
    expect(pool.reserve(1001)).toBeNull();
    expect(pool.reserve(0)).toBeNull();
    const region = pool.reserve(900)!;
    expect(pool.reserve(200)).toBeNull();
    pool.free(Buffer.alloc(900));
    pool.free(region.subarray(64));
    expect(pool.reserved).toBe(960);
    pool.free(region);
    pool.free(region);
    expect(pool.reserved).toBe(0);
    expect(pool.reserve(1000)).not.toBeNull();
  });
});

describe('body capture into the pool', () => {
  const chunksOf = (body: Buffer, size: number) => {
    const chunks: Buffer[] = [];
    for (let offset = 0; offset < body.length; offset += size)
      chunks.push(body.subarray(offset, offset + size));
    return chunks;
  };
  const body = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));

  it('copies a body of declared length into one region as it arrives, and gives it back on release', () => {
    const pool = createBodyPool(10_000);
    const budget = createSharedByteBudget(() => 1_000_000);
    const capture = createBodyCapture(100_000, budget, { pool, bytes: body.length });
    const chunks = chunksOf(body, 700);
    for (const chunk of chunks) capture.push(chunk);
    // The stream's own chunks are not held: changing them afterwards does not change the capture.
    for (const chunk of chunks) chunk.fill(0);
    expect(capture.pooled).toBe(true);
    const taken = capture.takeBody();
    expect(taken.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Buffer.compare(taken, Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251)))).toBe(0);
    expect(budget.used).toBe(5000);
    expect(pool.reserved).toBeGreaterThanOrEqual(5000);
    capture.release();
    expect(budget.used).toBe(0);
    expect(pool.reserved).toBe(0);
  });

  it('keeps the chunks by reference when the pool has no room', () => {
    const pool = createBodyPool(1000);
    const capture = createBodyCapture(100_000, undefined, { pool, bytes: body.length });
    for (const chunk of chunksOf(body, 700)) capture.push(chunk);
    expect(capture.pooled).toBe(false);
    expect(Buffer.compare(capture.takeBody(), body)).toBe(0);
    capture.release();
    expect(pool.reserved).toBe(0);
  });

  it('keeps every byte when more arrive than were declared, and frees the region still', () => {
    const pool = createBodyPool(10_000);
    const capture = createBodyCapture(100_000, undefined, { pool, bytes: 3000 });
    for (const chunk of chunksOf(body, 700)) capture.push(chunk);
    expect(capture.pooled).toBe(false);
    expect(Buffer.compare(capture.takeBody(), body)).toBe(0);
    expect(pool.reserved).toBeGreaterThan(0);
    capture.release();
    expect(pool.reserved).toBe(0);
  });

  it('holds to its limit and to the budget as without a pool', () => {
    const pool = createBodyPool(10_000);
    const budget = createSharedByteBudget(() => 2000);
    const capture = createBodyCapture(100_000, budget, { pool, bytes: body.length });
    for (const chunk of chunksOf(body, 700)) capture.push(chunk);
    expect(capture.overBudget).toBe(true);
    expect(capture.bytes).toBe(5000);
    capture.release();
    expect(budget.used).toBe(0);
    expect(pool.reserved).toBe(0);
  });
});
