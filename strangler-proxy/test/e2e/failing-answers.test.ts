/**
 * A 5xx answer is a failure of the side that gave it, in the store, the report and the gate: a service
 * that answers 500 to every mirror is not "0% errors", and two identical 500s are not a match.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestUpstream, type TestUpstream, type UpstreamHandler } from '../support/test-upstream.ts';
import { startRecordedProxy, type RecordedProxy } from '../support/recorded-proxy.ts';
import type { RouteReport } from '../../src/report/report-model.ts';

const answer =
  (status: number): UpstreamHandler =>
  (_req, res) => {
    const body = JSON.stringify({ error: status >= 500 ? 'boom' : null, id: 1 });
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };

const opened: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close();
});

async function shadowOf(legacyStatus: number, serviceStatus: number): Promise<RecordedProxy> {
  const legacy: TestUpstream = await startTestUpstream('legacy', answer(legacyStatus));
  const service: TestUpstream = await startTestUpstream('service', answer(serviceStatus));
  opened.push(legacy, service);
  const running = await startRecordedProxy(`version: 1
legacy: ${legacy.url}
services:
  catalog: ${service.url}
routes:
  - id: products
    path: /api/products
    service: catalog
    stage: shadow
    shadow: { percent: 100, noiseSample: 0 }
    plan:
      gate: { minCompared: 20, maxLatencyRatio: 1000 }
`);
  opened.push(running);
  return running;
}

const traffic = (running: RecordedProxy, count: number) => running.traffic('/api/products', count);

async function reportOf(running: RecordedProxy): Promise<RouteReport> {
  const result = await running.cli(['report', '--format', 'json']);
  expect(result.code).toBe(0);
  const report = JSON.parse(result.stdout) as { routes: RouteReport[] };
  const route = report.routes.find((entry) => entry.id === 'products');
  if (!route) throw new Error('products missing from the report');
  return route;
}

describe('5xx answers are failures', () => {
  it('fails the gate of a service that answers 500 to every mirror, with its error rate', async () => {
    const running = await shadowOf(200, 500);
    expect(await traffic(running, 30)).toEqual(Array.from({ length: 30 }, () => 200));

    const route = await reportOf(running);
    expect(route).toMatchObject({
      compared: 30,
      matched: 0,
      errors: 30,
      serviceErrors: 30,
      legacyErrors: 0,
      errorRate: 1,
      verdict: 'mismatching',
    });
    expect(route.decision).toMatchObject({ verdict: 'failing', outcome: 'fail' });
    expect(route.verdictReason).toMatch(
      /^service error rate 100% \(30 of 30 shadow pairs\), 95% lower bound \d+(\.\d+)?% \(Wilson\) > 1%/,
    );

    const table = await running.cli(['report']);
    expect(table.stdout).toMatch(/service failed 30, legacy failed 0/);

    const check = await running.cli(['check']);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/service error rate 100% \(30 of 30 shadow pairs\)/);
  });

  it('never counts two identical 500s as a match', async () => {
    const running = await shadowOf(500, 500);
    // Fewer than the breaker's consecutive failures: every answer is the monolith's own 500.
    expect(await traffic(running, 4)).toEqual([500, 500, 500, 500]);

    const route = await reportOf(running);
    expect(route).toMatchObject({ compared: 4, matched: 0, mismatched: 0, errors: 4 });
    expect(route).toMatchObject({ legacyErrors: 4, serviceErrors: 4 });
    expect(route.verdict).not.toBe('ready');

    const check = await running.cli(['check', '--json']);
    expect(check.code).toBe(1);
    const json = JSON.parse(check.stdout) as {
      routes: Array<{ conditions: Array<{ name: string; ok: boolean; actual: number | null }> }>;
    };
    const conditions = json.routes[0]?.conditions ?? [];
    expect(conditions.find((c) => c.name === 'min_compared')).toMatchObject({ ok: false, actual: 0 });
    expect(conditions.find((c) => c.name === 'error_rate')).toMatchObject({ ok: false, actual: 1 });
  });

  it('shows a monolith that answers 500 as the failing side, not the service', async () => {
    const running = await shadowOf(500, 200);
    expect(await traffic(running, 4)).toEqual([500, 500, 500, 500]);

    const route = await reportOf(running);
    expect(route).toMatchObject({ compared: 4, matched: 0, errors: 4, legacyErrors: 4, serviceErrors: 0 });
    const markdown = await running.cli(['report', '--format', 'markdown']);
    expect(markdown.stdout).toMatch(/service failed 0, legacy failed 4/);
  });
});
