import { describe, expect, it } from 'vitest';
import { describeRevisionGroups, fleetDisagrees, revisionsOfRoute } from './revision-agreement.ts';

const proxy = (id: string, routeRevisions: Record<string, string>) => ({
  id,
  host: 'h',
  pid: 1,
  routeRevisions,
});

describe('revision agreement', () => {
  it('agrees when every live proxy runs the same revision of the route, whatever the others', () => {
    const groups = revisionsOfRoute(
      [proxy('a', { orders: 'r1', users: 'u1' }), proxy('b', { orders: 'r1', users: 'u2' })],
      'orders',
    );
    expect(groups).toHaveLength(1);
    expect(fleetDisagrees(groups)).toBe(false);
  });

  it('says which proxies run which revision, the route missing counting as one', () => {
    const groups = revisionsOfRoute(
      [
        proxy('a', { orders: 'r1' }),
        proxy('b', { orders: 'r2' }),
        proxy('c', {}),
        proxy('d', { orders: 'r1' }),
      ],
      'orders',
    );
    expect(fleetDisagrees(groups)).toBe(true);
    expect(groups.map((group) => [group.revision, group.instances.map((instance) => instance.id)])).toEqual([
      ['r1', ['a', 'd']],
      [null, ['c']],
      ['r2', ['b']],
    ]);
    expect(describeRevisionGroups(groups)[0]).toBe('r1: a (h, pid 1), d (h, pid 1)');
  });
});
