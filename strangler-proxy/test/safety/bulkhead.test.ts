import { describe, expect, it } from 'vitest';
import { createBulkhead } from '../../src/safety/bulkhead.ts';

describe('createBulkhead', () => {
  it('admits up to the limit and frees a place on release', () => {
    const bulkhead = createBulkhead({ maxConcurrent: 2 });
    const first = bulkhead.tryAcquire();
    const second = bulkhead.tryAcquire();
    expect(first).not.toBeNull();
    expect(second).not.toBeNull();
    expect(bulkhead.tryAcquire()).toBeNull();
    expect(bulkhead.inFlight).toBe(2);
    first!();
    expect(bulkhead.inFlight).toBe(1);
    expect(bulkhead.tryAcquire()).not.toBeNull();
  });

  it('frees one place only when a release is called twice', () => {
    const bulkhead = createBulkhead({ maxConcurrent: 1 });
    const release = bulkhead.tryAcquire()!;
    release();
    release();
    expect(bulkhead.inFlight).toBe(0);
    bulkhead.tryAcquire();
    expect(bulkhead.tryAcquire()).toBeNull();
  });

  it('rejects a limit that is not a positive integer', () => {
    expect(() => createBulkhead({ maxConcurrent: 0 })).toThrow(RangeError);
  });
});
