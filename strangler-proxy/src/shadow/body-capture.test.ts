import { describe, expect, it } from 'vitest';
import { createBodyCapture } from './body-capture.ts';
import { createSharedByteBudget } from './byte-budget.ts';

const chunksOf = (body: Buffer, size: number) => {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < body.length; offset += size)
    chunks.push(Buffer.from(body.subarray(offset, offset + size)));
  return chunks;
};
const pattern = () => Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));

describe('body capture of a declared length', () => {
  it('copies the body into a buffer of its own as it arrives, holding none of the stream’s chunks', () => {
    const budget = createSharedByteBudget(() => 1_000_000);
    const capture = createBodyCapture(100_000, budget, 5000);
    const chunks = chunksOf(pattern(), 700);
    for (const chunk of chunks) capture.push(chunk);
    // The chunks may be freed or reused once written on: the capture does not read them again.
    for (const chunk of chunks) chunk.fill(0);
    expect(capture.chunks).toBe(0);
    expect(capture.ownsMemory).toBe(true);
    const taken = capture.takeBody();
    expect(Buffer.compare(taken, pattern())).toBe(0);
    // Memory of its own, the whole of it, never shared: it can be moved to another thread as it is.
    expect(taken.buffer).toBeInstanceOf(ArrayBuffer);
    expect([taken.byteOffset, taken.buffer.byteLength]).toEqual([0, 5000]);
    expect(budget.used).toBe(5000);
    capture.release();
    expect(budget.used).toBe(0);
  });

  it('gives every body a buffer of its own: a later body never writes into an earlier one', () => {
    const first = createBodyCapture(100_000, undefined, 3000);
    for (const chunk of chunksOf(Buffer.alloc(3000, 1), 1000)) first.push(chunk);
    const kept = first.takeBody();
    first.release();
    const second = createBodyCapture(100_000, undefined, 3000);
    for (const chunk of chunksOf(Buffer.alloc(3000, 2), 1000)) second.push(chunk);
    expect(second.takeBody().buffer).not.toBe(kept.buffer);
    expect(kept.every((byte) => byte === 1)).toBe(true);
  });

  it('keeps every byte when more arrive than were declared', () => {
    const capture = createBodyCapture(100_000, undefined, 3000);
    for (const chunk of chunksOf(pattern(), 700)) capture.push(chunk);
    expect(Buffer.compare(capture.takeBody(), pattern())).toBe(0);
    capture.release();
  });

  it('says its memory is not its own while fewer bytes than declared came', () => {
    const capture = createBodyCapture(100_000, undefined, 5000);
    capture.push(Buffer.alloc(700, 1));
    expect(capture.ownsMemory).toBe(false);
  });

  it('holds to its limit and to the budget', () => {
    const budget = createSharedByteBudget(() => 2000);
    const capture = createBodyCapture(100_000, budget, 5000);
    for (const chunk of chunksOf(pattern(), 700)) capture.push(chunk);
    expect(capture.overBudget).toBe(true);
    expect(capture.bytes).toBe(5000);
    capture.release();
    expect(budget.used).toBe(0);
  });
});

describe('body capture by reference', () => {
  it('keeps the stream’s chunks and joins several into a buffer of its own', () => {
    const capture = createBodyCapture(100_000);
    const chunks = chunksOf(pattern(), 700);
    for (const chunk of chunks) capture.push(chunk);
    expect(capture.chunks).toBe(chunks.length);
    expect(capture.ownsMemory).toBe(true);
    expect(Buffer.compare(capture.takeBody(), pattern())).toBe(0);
  });

  it('does not own a single chunk, which the stream allocated', () => {
    const capture = createBodyCapture(100_000);
    capture.push(Buffer.alloc(10, 1));
    expect(capture.ownsMemory).toBe(false);
  });
});
