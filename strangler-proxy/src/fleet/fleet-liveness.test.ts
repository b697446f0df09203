import { describe, expect, it } from 'vitest';
import { goneAfter, isLive, splitByLiveness } from './fleet-liveness.ts';

describe('fleet liveness', () => {
  const row = { id: 'a', heartbeatAt: 1_000, heartbeatInterval: 100, missedHeartbeats: 3 };

  it('keeps a proxy live until its own missed beats are up, then takes it as gone', () => {
    expect(goneAfter(row)).toBe(1_300);
    expect(isLive(row, 1_300)).toBe(true);
    expect(isLive(row, 1_301)).toBe(false);
  });

  it('splits rows by liveness, each by its own interval', () => {
    const slow = { ...row, id: 'b', heartbeatInterval: 1_000 };
    expect(splitByLiveness([row, slow], 2_000)).toEqual({ live: [slow], gone: [row] });
  });
});
