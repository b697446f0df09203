import { describe, expect, it } from 'vitest';
import { createReconnectingStore } from '../../src/store/reconnecting-store.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { emptyBatch, type ResultStore } from '../../src/store/result-store.ts';

describe('a store that is not reachable yet', () => {
  it('opens on first use, retries no sooner than retryAfter after a failure, then serves every call', async () => {
    let now = 0;
    let attempts = 0;
    let reachable = false;
    const real = createMemoryStore();
    const store = createReconnectingStore(
      () => {
        attempts += 1;
        return reachable ? Promise.resolve(real) : Promise.reject(new Error('connect ECONNREFUSED'));
      },
      { retryAfter: 1_000, clock: () => now },
    );
    await expect(store.write(emptyBatch())).rejects.toThrow('ECONNREFUSED');
    await expect(store.comparisons()).rejects.toThrow('ECONNREFUSED');
    expect(attempts).toBe(1);
    expect(store.connected).toBe(false);

    reachable = true;
    now = 999;
    await expect(store.write(emptyBatch())).rejects.toThrow('ECONNREFUSED');
    expect(attempts).toBe(1);
    now = 1_000;
    await store.write(emptyBatch());
    expect(attempts).toBe(2);
    expect(store.connected).toBe(true);
    expect(await store.comparisons()).toEqual([]);
    await store.close();
    await expect(store.write(emptyBatch())).rejects.toThrow('closed');
  });

  it('opens once for calls that arrive together', async () => {
    let attempts = 0;
    let release: (store: ResultStore) => void = () => undefined;
    const store = createReconnectingStore(() => {
      attempts += 1;
      return new Promise<ResultStore>((resolve) => (release = resolve));
    });
    const calls = [store.comparisons(), store.diffs(), store.write(emptyBatch())];
    release(createMemoryStore());
    await Promise.all(calls);
    expect(attempts).toBe(1);
  });
});
