/**
 * The demo, end to end: the real monolith and catalog-service (the catalog filled from the monolith by
 * the real data migration), the proxy on the top-level routes.yaml, the demo traffic script through it,
 * then the shadow report. It must find exactly the differences catalog-service's README documents, and
 * `meta.generated_at` as noise, nothing else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Express } from 'express';
import type { Knex } from 'knex';
import { createApp as createMonolith } from '../../legacy-monolith/src/app.ts';
import {
  migrateDatabase as migrateMonolith,
  openDatabase as openMonolith,
} from '../../legacy-monolith/src/db/open-database.ts';
import { seedDatabase } from '../../legacy-monolith/src/seed/seed-database.ts';
import { createApp as createCatalog } from '../../extracted-services/catalog-service/src/app.ts';
import { openDatabase as openCatalog } from '../../extracted-services/catalog-service/src/db/open-database.ts';
import { migrateCatalogData } from '../../extracted-services/catalog-service/src/data-migration/migrate-catalog-data.ts';
import { runDemoTraffic } from '../../scripts/demo-traffic.ts';
import { startProxy, type RunningProxy } from '../../strangler-proxy/src/runtime/start-proxy.ts';
import { silentLogger } from '../../strangler-proxy/src/logging/logger.ts';
import { createMemoryStore } from '../../strangler-proxy/src/store/memory-store.ts';
import { createBatchingRecorder } from '../../strangler-proxy/src/store/batching-recorder.ts';
import { buildReport } from '../../strangler-proxy/src/report/build-report.ts';
import type { Report } from '../../strangler-proxy/src/report/report-model.ts';

const ROUTES_FILE = new URL('../../routes.yaml', import.meta.url).pathname;
const CATALOG_README = new URL('../../extracted-services/catalog-service/README.md', import.meta.url);

async function listen(app: Express): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    );
  });
}

/** `| \`GET /api/products\` | \`$.items[*].slug\` | extra |` rows of the README's table. */
async function documentedDifferences(): Promise<Array<{ endpoint: string; path: string; kind: string }>> {
  const readme = await readFile(CATALOG_README, 'utf8');
  const section = readme.split('## Deliberate differences from the monolith')[1]?.split('\n## ')[0] ?? '';
  return [...section.matchAll(/^\|\s*`GET ([^`]+)`\s*\|\s*`([^`]+)`\s*\|\s*(\w+)\s*\|/gm)].map((match) => ({
    endpoint: match[1] ?? '',
    path: match[2] ?? '',
    kind: match[3] ?? '',
  }));
}

/** Which route of routes.yaml serves a documented endpoint. */
const ROUTE_OF: Record<string, string> = {
  '/api/products': 'products',
  '/api/products/:id': 'products',
  '/api/products/:id/reviews': 'product-reviews',
};

let monolithDb: Knex;
let catalogDb: Knex;
const servers: Server[] = [];
let proxy: RunningProxy;
let report: Report;

beforeAll(async () => {
  monolithDb = openMonolith(':memory:');
  await migrateMonolith(monolithDb);
  await seedDatabase(monolithDb);
  catalogDb = openCatalog(':memory:');
  await migrateCatalogData({ source: monolithDb, target: catalogDb });
  const monolith = await listen(createMonolith({ db: monolithDb }));
  const catalog = await listen(createCatalog({ db: catalogDb }));
  servers.push(monolith.server, catalog.server);

  const store = createMemoryStore();
  const recorder = createBatchingRecorder(store, { flushInterval: 60_000 });
  proxy = await startProxy({
    configFile: ROUTES_FILE,
    port: 0,
    admin: false,
    recorder,
    logger: silentLogger,
    reloadInterval: 0,
    // orders stays at legacy in routes.yaml; order-placement's mirrors find nothing listening there and are
    // counted as the service's failures, which no client sees.
    env: { LEGACY_URL: monolith.url, CATALOG_URL: catalog.url, ORDERS_URL: 'http://127.0.0.1:9' },
  });
  const tally = await runDemoTraffic({ base: proxy.url, requests: 400, concurrency: 2, seed: 42 });
  expect(tally.failures).toBe(0);
  await proxy.mirror.idle();
  await recorder.flush();
  report = await buildReport(store, { routes: proxy.snapshot().config.routes });
}, 120_000);

afterAll(async () => {
  await proxy?.close();
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
  await monolithDb?.destroy();
  await catalogDb?.destroy();
});

describe('the demo shadow report', () => {
  it('finds exactly the deliberate differences the catalog README lists, per route', async () => {
    const documented = await documentedDifferences();
    expect(documented.length).toBeGreaterThan(0);
    for (const routeId of ['products', 'product-reviews', 'categories']) {
      const expected = documented
        .filter((entry) => ROUTE_OF[entry.endpoint] === routeId)
        .map((entry) => `${entry.path} ${entry.kind}`)
        .sort();
      const route = report.routes.find((entry) => entry.id === routeId);
      expect(route, routeId).toBeDefined();
      expect(route!.compared, routeId).toBeGreaterThan(10);
      const found = route!.diffs.map((diff) => `${diff.path} ${diff.kind}`).sort();
      expect(found, routeId).toEqual(expected);
    }
  });

  it('reports the monolith’s changing timestamp as noise, never as a mismatch', () => {
    const categories = report.routes.find((entry) => entry.id === 'categories')!;
    expect(categories.noisy).toContain('$.meta.generated_at');
    expect(categories.mismatched).toBe(0);
    expect(categories.verdict).not.toBe('mismatching');
    const products = report.routes.find((entry) => entry.id === 'products')!;
    expect(products.noisy).toContain('$.meta.generated_at');
  });

  it('keeps the orders route on the monolith, unmirrored', () => {
    const orders = report.routes.find((entry) => entry.id === 'orders');
    expect(orders?.compared ?? 0).toBe(0);
  });
});
