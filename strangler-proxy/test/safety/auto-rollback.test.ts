import { describe, expect, it } from 'vitest';
import { createAutoRollback, type AutoRollbackEvent } from '../../src/safety/auto-rollback.ts';

const config = { errorRate: 0.2, window: 30_000, minRequests: 20 };

describe('createAutoRollback', () => {
  it('trips when the error rate reaches the limit with enough requests, and stays tripped', () => {
    const rollback = createAutoRollback(config);
    const events: AutoRollbackEvent[] = [];
    rollback.onChange((event) => events.push(event));
    for (let i = 0; i < 16; i++) rollback.onSuccess(i);
    for (let i = 0; i < 3; i++) rollback.onFailure(100 + i);
    expect(rollback.state).toBe('watching'); // 19 requests: below minRequests
    rollback.onFailure(200); // 4 of 20 = 20%
    expect(rollback.state).toBe('tripped');
    expect(rollback.tripped).toBe(true);
    expect(rollback.trip).toEqual({ kind: 'tripped', at: 200, requests: 20, failures: 4, errorRate: 0.2 });
    for (let i = 0; i < 100; i++) rollback.onSuccess(300 + i);
    expect(rollback.state).toBe('tripped');
    expect(events).toHaveLength(1);
  });

  it('does not trip below the error rate', () => {
    const rollback = createAutoRollback(config);
    for (let i = 0; i < 100; i++) {
      if (i % 10 === 0) rollback.onFailure(i);
      else rollback.onSuccess(i);
    }
    expect(rollback.state).toBe('watching');
  });

  it('forgets outcomes older than the window', () => {
    const rollback = createAutoRollback(config);
    for (let i = 0; i < 19; i++) rollback.onFailure(i);
    for (let i = 0; i < 20; i++) rollback.onSuccess(60_000 + i);
    rollback.onFailure(60_100);
    expect(rollback.state).toBe('watching');
  });

  it('goes back to watching on reset (a reload changed the route), with an empty window', () => {
    const rollback = createAutoRollback(config);
    const events: AutoRollbackEvent[] = [];
    rollback.onChange((event) => events.push(event));
    for (let i = 0; i < 20; i++) rollback.onFailure(i);
    rollback.reset(1_000);
    expect(rollback.state).toBe('watching');
    expect(rollback.trip).toBeUndefined();
    rollback.onFailure(1_001);
    expect(rollback.state).toBe('watching');
    expect(events.map((event) => event.kind)).toEqual(['tripped', 'reset']);
    rollback.reset(2_000);
    expect(events).toHaveLength(2); // nothing to clear
  });
});
