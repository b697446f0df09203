import { describe, expect, it } from 'vitest';
import { formatKeyPath, leafLabel } from './key-path.ts';

describe('key paths', () => {
  it('formats identifiers, indices and other keys', () => {
    expect(formatKeyPath([])).toBe('');
    expect(formatKeyPath(['routes', 2, 'canary', 'percent'])).toBe('routes[2].canary.percent');
    expect(formatKeyPath(['routes', 0, 'compare', 'arrays', '$.items'])).toBe(
      'routes[0].compare.arrays["$.items"]',
    );
    expect(formatKeyPath(['services', 'my-service'])).toBe('services.my-service');
    expect(formatKeyPath(['routes', 0, 'headers', 'x beta'])).toBe('routes[0].headers["x beta"]');
  });

  it('labels the leaf with its trailing indices', () => {
    expect(leafLabel(['routes', 2, 'canary', 'percent'])).toBe('percent');
    expect(leafLabel(['routes', 0, 'compare', 'ignore', 3])).toBe('ignore[3]');
    expect(leafLabel(['routes', 1])).toBe('routes[1]');
  });
});
