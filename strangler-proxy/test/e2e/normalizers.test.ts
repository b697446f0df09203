/**
 * Each normaliser through the real proxy, a real monolith and a real service: the way the two systems
 * write the same thing differently is a match, and a real difference at the same path is still reported.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestUpstream, type TestUpstream, type UpstreamHandler } from '../support/test-upstream.ts';
import { startHarness, type ProxyHarness } from '../support/proxy-harness.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { createBatchingRecorder } from '../../src/store/batching-recorder.ts';
import type { ObservableRecorder } from '../../src/store/types.ts';
import { buildReport } from '../../src/report/build-report.ts';
import type { RouteReport } from '../../src/report/report-model.ts';
import type { ResultStore } from '../../src/store/result-store.ts';

/** Per route: the monolith's answer, the service's way of writing it, and a service answer that differs. */
const CASES = {
  equivalent: { legacy: { note: '' }, same: { note: null }, real: { note: 'x' }, diff: '$.note value' },
  time: {
    legacy: { at: '2024-03-01 10:00:00' },
    same: { at: '2024-03-01T10:00:00.123Z' },
    real: { at: '2024-03-01T10:05:00Z' },
    diff: '$.at value',
  },
  number: { legacy: { price: '12.50' }, same: { price: 12.5 }, real: { price: 13 }, diff: '$.price type' },
  case: {
    legacy: { state: 'SHIPPED' },
    same: { state: 'shipped' },
    real: { state: 'lost' },
    diff: '$.state value',
  },
  trim: { legacy: { name: 'Tea ' }, same: { name: 'Tea' }, real: { name: 'Coffee' }, diff: '$.name value' },
  sortedSet: {
    legacy: { tags: ['a', 'b', 'c'] },
    same: { tags: ['c', 'a', 'b'] },
    real: { tags: ['a', 'b', 'x'] },
    diff: '$.tags[*] value',
  },
} as const;
type CaseName = keyof typeof CASES | 'status';

const send = (res: Parameters<UpstreamHandler>[1], status: number, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};
const caseOf = (url: string | undefined) => /^\/n\/([A-Za-z]+)/.exec(url ?? '')?.[1] as CaseName;

const legacyHandler: UpstreamHandler = (req, res) => {
  const name = caseOf(req.url);
  if (name === 'status') send(res, 201, { id: 1 });
  else send(res, 200, CASES[name].legacy);
};
const serviceHandler: UpstreamHandler = (req, res) => {
  const name = caseOf(req.url);
  const real = req.url?.includes('real=1') === true;
  if (name === 'status') send(res, real ? 400 : 200, { id: 1 });
  else send(res, 200, real ? CASES[name].real : CASES[name].same);
};

const RULES: Record<CaseName, string> = {
  equivalent: `normalize: { '$.note': { equivalent: ['', null] } }`,
  time: `normalize: { '$.at': { time: { formats: [sql, iso], precision: 1s } } }`,
  number: `normalize: { '$.price': { number: { tolerance: 0.001 } } }`,
  case: `normalize: { '$.state': { case: insensitive } }`,
  trim: `normalize: { '$.name': { trim: true } }`,
  sortedSet: `normalize: { '$.tags': { sortedSet: true } }`,
  status: `status: { 201: 200 }`,
};

let legacy: TestUpstream;
let service: TestUpstream;
let harness: ProxyHarness;
let store: ResultStore;
let recorder: ObservableRecorder;
let routes: Map<string, RouteReport>;

beforeAll(async () => {
  legacy = await startTestUpstream('legacy', legacyHandler);
  service = await startTestUpstream('service', serviceHandler);
  store = createMemoryStore();
  recorder = createBatchingRecorder(store, { flushInterval: 60_000 });
  const names = Object.keys(RULES) as CaseName[];
  const routeBlocks = names.map(
    (name) => `
  - id: ${name}
    path: /n/${name}
    service: api
    stage: shadow
    shadow: { percent: 100, unsafe: true, noiseSample: 0 }
    compare: { ${RULES[name]} }`,
  );
  harness = await startHarness(
    `version: 1\nlegacy: ${legacy.url}\nservices:\n  api: ${service.url}\nroutes:${routeBlocks.join('')}\n`,
    { recorder },
  );
  for (const name of names) {
    const method = name === 'status' ? 'POST' : 'GET';
    for (const query of ['', '?real=1']) {
      const response = await fetch(`${harness.proxy.url}/n/${name}${query}`, { method });
      await response.arrayBuffer();
    }
  }
  await harness.proxy.mirror.idle();
  await recorder.flush();
  const report = await buildReport(store, { routes: names.map((id) => ({ id, stage: 'shadow' as const })) });
  routes = new Map(report.routes.map((route) => [route.id, route]));
});

afterAll(async () => {
  await harness.close();
  await legacy.close();
  await service.close();
});

describe('normalisers through real servers', () => {
  for (const name of Object.keys(RULES) as CaseName[]) {
    it(`${name}: the same written differently matches, a real difference is still reported`, () => {
      const route = routes.get(name)!;
      expect(route.compared).toBe(2);
      expect(route.mismatched).toBe(1);
      const expected = name === 'status' ? 'status status' : CASES[name].diff;
      expect(route.diffs.map((diff) => `${diff.path} ${diff.kind}`)).toEqual([expected]);
    });
  }
});
