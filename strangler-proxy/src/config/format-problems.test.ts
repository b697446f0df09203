import { describe, expect, it } from 'vitest';
import type { ConfigProblem } from './errors.ts';
import { formatProblems } from './format-problems.ts';

const problems: ConfigProblem[] = [
  {
    code: 'CONFIG_UNKNOWN_SERVICE',
    message: 'unknown service "x"',
    file: 'routes.yaml',
    line: 12,
    column: 14,
    routeId: 'products',
    path: 'routes[0].service',
  },
  {
    code: 'CONFIG_UNUSED_SERVICE',
    message: 'service "y" is used by no route',
    file: 'routes.yaml',
    line: 4,
    column: 3,
    path: 'services.y',
  },
];

describe('formatProblems', () => {
  it('prints file:line:column  CODE  message  (route id)', () => {
    expect(formatProblems(problems, { color: false }).split('\n')).toEqual([
      'routes.yaml:12:14  CONFIG_UNKNOWN_SERVICE  unknown service "x"  (products)',
      'routes.yaml:4:3  CONFIG_UNUSED_SERVICE  service "y" is used by no route',
    ]);
  });

  it('colors codes by severity only when asked', () => {
    const colored = formatProblems(problems, { color: true });
    expect(colored).toContain('\u001b[31mCONFIG_UNKNOWN_SERVICE');
    expect(colored).toContain('\u001b[33mCONFIG_UNUSED_SERVICE');
    expect(formatProblems([], { color: true })).toBe('');
  });
});
