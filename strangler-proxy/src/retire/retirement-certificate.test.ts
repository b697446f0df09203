import { describe, expect, it } from 'vitest';
import { certifyRetirement, isUnderPattern } from './retirement-certificate.ts';

describe('retirement certificate', () => {
  it('finds templates under a route pattern by segment, a param taking any segment', () => {
    expect(isUnderPattern('/api/orders', '/api/orders')).toBe(true);
    expect(isUnderPattern('/api/orders/:id/items', '/api/orders')).toBe(true);
    expect(isUnderPattern('/api/orders-old', '/api/orders')).toBe(false);
    expect(isUnderPattern('/api/users/7/orders', '/api/users/:id/orders')).toBe(true);
    expect(isUnderPattern('/api', '/api/orders')).toBe(false);
  });

  it('refuses while a live proxy runs another revision of the route', () => {
    const certificate = certifyRetirement({
      routeId: 'orders',
      path: '/api/orders',
      service: 'orders',
      stage: 'migrated',
      revision: 'r2',
      since: 0,
      until: 1,
      served: { service: 10, legacy: 0, fallbacks: 0 },
      unmatched: [{ method: 'GET', template: '/api/other', count: 3 }],
      fleet: [
        { id: 'a', revision: 'r2' },
        { id: 'b', revision: 'r1' },
      ],
    });
    expect(certificate.retirable).toBe(false);
    expect(certificate.checks.filter((check) => !check.passed)).toEqual([
      { name: 'fleet_on_revision', passed: false, figure: '1 of 2 live proxies on another revision: b (r1)' },
    ]);
  });
});
