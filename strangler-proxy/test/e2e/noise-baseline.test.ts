/**
 * The monolith's disagreement with itself as the mismatch rate's baseline, through the real proxy, real
 * upstreams and a real SQLite store. The monolith answers a stock figure as plain text and gets it wrong
 * in one answer of five (a text body is never learned as noise: silencing it would silence the route).
 * A service that always answers the right figure differs from it about as often as the monolith differs
 * from itself, and passes; a service that answers a wrong figure every time still fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordedProxy, type RecordedProxy } from '../support/recorded-proxy.ts';
import { startTestUpstream, type TestUpstream, type UpstreamHandler } from '../support/test-upstream.ts';

const REQUESTS = 80;
const ODD_ONE_IN = 5;

let calls = 0;
const text = (res: Parameters<UpstreamHandler>[1], body: string) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(body);
};
const monolith: UpstreamHandler = (_req, res) => {
  calls += 1;
  text(res, calls % ODD_ONE_IN === 0 ? 'stock: 4' : 'stock: 5');
};
const service: UpstreamHandler = (req, res) =>
  text(res, req.url?.startsWith('/wrong') ? 'stock: 3' : 'stock: 5');

const gate = '{ minCompared: 40, maxMismatchRate: 0.1, maxErrorRate: 0.2, maxLatencyIncreaseMs: 1000 }';
const routesYaml = (legacy: string, serviceUrl: string) => `version: 1
legacy: ${legacy}
services:
  stock: ${serviceUrl}
routes:
  - { id: stock, path: /stock, service: stock, stage: shadow, shadow: { noiseSample: 1 }, plan: { gate: ${gate} } }
  - { id: wrong, path: /wrong, service: stock, stage: shadow, shadow: { noiseSample: 1 }, plan: { gate: ${gate} } }
`;

interface Condition {
  readonly name: string;
  readonly state: string;
  readonly method: string | null;
  readonly message: string;
}
interface Entry {
  readonly id: string;
  readonly noiseBaseline: { probes: number; disagreed: number };
  readonly mismatched: number;
  readonly decision: { verdict: string; conditions: Condition[] };
}

let legacy: TestUpstream;
let stock: TestUpstream;
let recorded: RecordedProxy;
let routes: Record<string, Entry>;

beforeAll(async () => {
  legacy = await startTestUpstream('legacy', monolith);
  stock = await startTestUpstream('service', service);
  recorded = await startRecordedProxy(routesYaml(legacy.url, stock.url));
  await recorded.traffic('/stock', REQUESTS);
  await recorded.traffic('/wrong', REQUESTS);
  const report = await recorded.cli(['report', '--format', 'json']);
  const entries = (JSON.parse(report.stdout) as { routes: Entry[] }).routes;
  routes = Object.fromEntries(entries.map((entry) => [entry.id, entry]));
});

afterAll(async () => {
  await recorded.close();
  await legacy.close();
  await stock.close();
});

const mismatchCondition = (entry: Entry) =>
  entry.decision.conditions.find((condition) => condition.name === 'mismatch_rate')!;

describe('the monolith’s own noise as the baseline', () => {
  it('counts every probe of the monolith and the ones whose two answers disagreed', () => {
    const { probes, disagreed } = routes.stock!.noiseBaseline;
    expect(probes).toBe(REQUESTS);
    expect(disagreed).toBeGreaterThan(0);
    expect(disagreed).toBeLessThan(probes);
    expect(routes.stock!.mismatched).toBeGreaterThan(0);
  });

  it('passes a service that differs no more often than the monolith differs from itself', () => {
    const condition = mismatchCondition(routes.stock!);
    expect(condition).toMatchObject({ state: 'pass', method: 'newcombe' });
    expect(condition.message).toMatch(
      /against the monolith's own \d+(\.\d+)?% \(\d+ of 80 noise probes disagreed\)/,
    );
    expect(routes.stock!.decision.verdict).toBe('ready');
  });

  it('still fails a service that differs on every answer', () => {
    expect(mismatchCondition(routes.wrong!)).toMatchObject({ state: 'fail', method: 'newcombe' });
    expect(routes.wrong!.decision.verdict).toBe('mismatching');
  });

  it('gives check the same verdicts', async () => {
    const check = await recorded.cli(['check', '--json']);
    const checked = (JSON.parse(check.stdout) as { routes: { id: string; conditions: Condition[] }[] })
      .routes;
    const stockCheck = checked.find((route) => route.id === 'stock')!;
    expect(stockCheck.conditions.find((condition) => condition.name === 'mismatch_rate')).toMatchObject({
      state: 'pass',
    });
  });
});
