/**
 * Contract parity: the same requests to the monolith and to catalog-service (both real servers, the
 * catalog filled from the monolith by the data migration) must answer alike, except for exactly the
 * differences the README documents. This is what the proxy's shadow report will show: if this test
 * passes, the report lists those differences and nothing else (plus `meta.generated_at` as noise).
 */
import { readFile } from 'node:fs/promises';
import { serve, type RunningServer } from 'service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalogFixture, createMonolithApp, type CatalogFixture } from './support/catalog-fixture.ts';
import { diffJson, foldIndices, type JsonDifference } from './support/json-diff.ts';

interface Documented {
  readonly endpoint: string;
  readonly path: string;
  readonly kind: string;
}

async function documentedDifferences(): Promise<Documented[]> {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.split('## Deliberate differences from the monolith')[1]?.split('\n## ')[0] ?? '';
  return [...section.matchAll(/^\|\s*`GET ([^`]+)`\s*\|\s*`([^`]+)`\s*\|\s*(\w+)\s*\|/gm)].map((match) => ({
    endpoint: match[1] ?? '',
    path: match[2] ?? '',
    kind: match[3] ?? '',
  }));
}

interface Probe {
  /** The route template, as the README names it. */
  readonly endpoint: string;
  readonly url: string;
}

function probes(productIds: readonly number[]): Probe[] {
  const list = (query: string): Probe => ({ endpoint: '/api/products', url: `/api/products?${query}` });
  return [
    ...[1, 2, 3, 4, 5].map((page) => list(`per_page=100&page=${page}`)),
    list('sort=price&dir=desc&per_page=100'),
    list('sort=name&per_page=100&page=2'),
    list('sort=created_at&dir=desc&per_page=50'),
    list('q=oak&per_page=100'),
    list('q=Caf%C3%A9'),
    list('category_id=3'),
    list('page=99'),
    list('sort=stars'),
    list('per_page=0'),
    ...[...productIds, 99_999].map((id) => ({ endpoint: '/api/products/:id', url: `/api/products/${id}` })),
    { endpoint: '/api/products/:id', url: '/api/products/abc' },
    ...[...productIds, 99_999].map((id) => ({
      endpoint: '/api/products/:id/reviews',
      url: `/api/products/${id}/reviews?per_page=100`,
    })),
    { endpoint: '/api/products/:id/reviews', url: '/api/products/3/reviews?page=2&per_page=2' },
    { endpoint: '/api/products/:id/reviews', url: '/api/products/3/reviews?per_page=0' },
    { endpoint: '/api/categories', url: '/api/categories' },
    ...Array.from({ length: 19 }, (_, i) => ({
      endpoint: '/api/categories/:id',
      url: `/api/categories/${i + 1}`,
    })),
    { endpoint: '/api/products/:id/nope', url: '/api/products/1/nope' },
  ];
}

const GENERATED_AT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/;

interface Observation {
  readonly probe: Probe;
  readonly differences: readonly JsonDifference[];
}

let fixture: CatalogFixture;
let monolith: RunningServer;
let catalog: RunningServer;
let observations: Observation[];

async function compare(probe: Probe): Promise<Observation> {
  const [legacyResponse, serviceResponse] = await Promise.all([
    fetch(monolith.url + probe.url),
    fetch(catalog.url + probe.url),
  ]);
  expect(serviceResponse.status, probe.url).toBe(legacyResponse.status);
  expect(serviceResponse.headers.get('content-type'), probe.url).toBe(
    legacyResponse.headers.get('content-type'),
  );
  const [legacy, service] = await Promise.all<unknown>([legacyResponse.json(), serviceResponse.json()]);
  const all = diffJson(legacy, service);
  const noise = all.filter((difference) => difference.path === '$.meta.generated_at');
  if ('meta' in (legacy as object)) {
    // The one noisy field: present on both sides, same format, never equal.
    expect(noise, probe.url).toEqual([
      {
        path: '$.meta.generated_at',
        kind: 'value',
        legacy: expect.stringMatching(GENERATED_AT),
        service: expect.stringMatching(GENERATED_AT),
      },
    ]);
  }
  return { probe, differences: all.filter((difference) => difference.path !== '$.meta.generated_at') };
}

beforeAll(async () => {
  fixture = await createCatalogFixture();
  monolith = await serve(createMonolithApp({ db: fixture.monolithDb }), { port: 0, host: '127.0.0.1' });
  catalog = await serve((await import('../src/app.ts')).createApp({ db: fixture.catalogDb }), {
    port: 0,
    host: '127.0.0.1',
  });
  const productIds = await fixture.monolithDb('products').orderBy('id').pluck<number[]>('id');
  const queue = probes(productIds);
  observations = [];
  // A few at a time: enough to be quick, few enough to keep both servers' single DB connection unhurried.
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let probe = queue.shift(); probe; probe = queue.shift()) observations.push(await compare(probe));
    }),
  );
});

afterAll(async () => {
  await Promise.all([monolith?.close(), catalog?.close()]);
  await fixture?.close();
});

describe('contract parity: monolith vs catalog-service', () => {
  it('differs in exactly the documented (endpoint, JSONPath, kind) triples', async () => {
    const documented = await documentedDifferences();
    expect(documented.length).toBeGreaterThanOrEqual(2);
    const observed = new Set(
      observations.flatMap(({ probe, differences }) =>
        differences.map(
          (difference) => `${probe.endpoint} ${foldIndices(difference.path)} ${difference.kind}`,
        ),
      ),
    );
    expect([...observed].sort()).toEqual(
      documented.map((row) => `${row.endpoint} ${row.path} ${row.kind}`).sort(),
    );
  });

  it('changes created_at to the same instant in ISO-8601, and adds a slug, on every product', () => {
    const productDifferences = observations
      .filter(({ probe }) => probe.endpoint === '/api/products' || probe.endpoint === '/api/products/:id')
      .flatMap(({ differences }) => differences);
    const dates = productDifferences.filter((difference) => difference.path.endsWith('created_at'));
    const slugs = productDifferences.filter((difference) => difference.path.endsWith('slug'));
    expect(dates.length).toBeGreaterThan(480);
    expect(slugs.length).toBe(dates.length);
    for (const { legacy, service } of dates) {
      expect(service).toBe(`${String(legacy).replace(' ', 'T')}.000Z`);
    }
    for (const { service } of slugs) expect(service).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('rounds the average rating differently only where the second decimal matters', () => {
    const reviewPages = observations.filter(
      ({ probe }) => probe.endpoint === '/api/products/:id/reviews' && probe.url.endsWith('?per_page=100'),
    );
    const ratingDifferences = reviewPages.flatMap(({ differences }) => differences);
    expect(ratingDifferences.length).toBeGreaterThan(0);
    // Many products agree (no reviews, or an average like 4.5): the difference is not everywhere.
    expect(ratingDifferences.length).toBeLessThan(reviewPages.length / 2);
    for (const { legacy, service } of ratingDifferences) {
      expect(Math.abs(Number(legacy) - Number(service))).toBeLessThanOrEqual(0.05 + 1e-9);
      expect(Number(service) * 100).toBeCloseTo(Math.round(Number(service) * 100), 9);
    }
  });

  it('answers errors identically', () => {
    const errors = observations.filter(({ probe }) => /99999|abc|nope|stars|per_page=0/.test(probe.url));
    expect(errors.length).toBeGreaterThanOrEqual(6);
    for (const { probe, differences } of errors) expect(differences, probe.url).toEqual([]);
  });
});
