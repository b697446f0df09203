import { defineConfig } from 'vitest/config';

// One project per workspace; `faults` holds the slower hostile-condition tests (also run by `npm test`).
const project = (name: string, root: string, include = ['test/**/*.test.ts', 'src/**/*.test.ts']) => ({
  test: { name, root, include, exclude: ['test/faults/**'], testTimeout: 20_000, hookTimeout: 30_000 },
});

export default defineConfig({
  test: {
    projects: [
      project('legacy-monolith', './legacy-monolith'),
      project('service-kit', './extracted-services/service-kit'),
      project('catalog-service', './extracted-services/catalog-service'),
      project('orders-service', './extracted-services/orders-service'),
      project('strangler-proxy', './strangler-proxy'),
      // The whole demo system: monolith, catalog-service and proxy on the top-level routes.yaml.
      project('system', './test', ['system/**/*.test.ts']),
      {
        test: {
          name: 'faults',
          root: './strangler-proxy',
          include: ['test/faults/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
