/**
 * Noise learned late, through the real proxy, real upstreams and a real SQLite store: mismatches counted
 * at a path before the proxy learned that the monolith's own answers differ there stop counting once it
 * has, and the report says how many were discounted; a pair with a real difference still counts.
 */
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRoutes } from '../../src/runtime/load-routes.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { buildReport } from '../../src/report/build-report.ts';
import type { RouteReport } from '../../src/report/report-model.ts';
import { renderers } from '../../src/report/renderers.ts';
import { openRecorder } from '../../src/runtime/open-recorder.ts';
import { startProxy } from '../../src/runtime/start-proxy.ts';
import { createKnexStore } from '../../src/store/knex-store.ts';
import { startTestUpstream, type TestUpstream, type UpstreamHandler } from '../support/test-upstream.ts';

let calls = 0;
const product = (req: Parameters<UpstreamHandler>[0]) => Number(/\/p\/(\d+)/.exec(req.url ?? '')?.[1] ?? 0);
/** The monolith stamps every answer with when it was built. */
const legacyHandler: UpstreamHandler = (req, res) => {
  calls += 1;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ id: product(req), price: '3.00', generated_at: `t${calls}` }));
};
/** The service too, its own way; product 3 also has its price as a number (a real difference). */
const serviceHandler: UpstreamHandler = (req, res) => {
  const id = product(req);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ id, price: id === 3 ? 3 : '3.00', generated_at: 'service' }));
};

const routesFile = (noiseSample: number, legacyUrl: string, serviceUrl: string) => `version: 1
legacy: ${legacyUrl}
services:
  catalog: ${serviceUrl}
routes:
  - { id: products, path: /p, service: catalog, stage: shadow, shadow: { noiseSample: ${noiseSample} } }
`;

let dir: string;
let legacy: TestUpstream;
let service: TestUpstream;
let route: RouteReport;
let table: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'strangler-noise-'));
  legacy = await startTestUpstream('legacy', legacyHandler);
  service = await startTestUpstream('service', serviceHandler);
  const configFile = path.join(dir, 'routes.yaml');
  // First without noise probes: every difference at generated_at counts.
  await writeFile(configFile, routesFile(0, legacy.url, service.url));
  const store = `sqlite:${path.join(dir, 'strangler.db')}`;
  const recorder = await openRecorder(store, { cwd: dir, logger: silentLogger, flushInterval: 60_000 });
  const proxy = await startProxy({ configFile, port: 0, admin: false, recorder, logger: silentLogger });
  const get = async (url: string) => {
    const answer = await fetch(`${proxy.url}${url}`);
    await answer.arrayBuffer();
    await proxy.mirror.idle();
  };
  for (const id of [1, 2, 3]) await get(`/p/${id}`);
  // Then with probes: the next safe request asks the monolith twice and learns generated_at is noise.
  await writeFile(`${configFile}.tmp`, routesFile(1, legacy.url, service.url));
  await rename(`${configFile}.tmp`, configFile);
  await proxy.reload();
  await get('/p/4');
  await proxy.close();

  const reader = await createKnexStore({ url: store, cwd: dir });
  const config = loadRoutes(await readFile(configFile, 'utf8'), { file: configFile, env: {} });
  if (!config.ok) throw new Error('routes file invalid');
  const report = await buildReport(reader, { routes: config.config.routes, since: 0 });
  await reader.close();
  route = report.routes[0]!;
  table = renderers.table(report, { color: false });
});

afterAll(async () => {
  await legacy.close();
  await service.close();
  await rm(dir, { recursive: true, force: true });
});

describe('noise learned late', () => {
  it('discounts the earlier mismatches whose only difference is now known noise', () => {
    expect(route.noisy).toContain('$.generated_at');
    expect(route).toMatchObject({ compared: 4, matched: 3, mismatched: 1, noiseDiscounted: 2 });
    expect(route.mismatchRate).toBe(0.25);
  });

  it('keeps counting a pair with a real difference, listing only that difference', () => {
    expect(route.diffs.map((diff) => `${diff.path} ${diff.kind} ${diff.count}`)).toEqual(['$.price type 1']);
  });

  it('says how many were discounted', () => {
    expect(table).toContain('2 earlier mismatches discounted: their only differences are now known noise');
  });
});
