/**
 * Evidence belongs to the route's revision: after a compare rule accepts a difference, the gate counts
 * only what was compared under the new rule, says how much earlier evidence it left out, and nothing is
 * deleted (`--revision all` still counts it).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestUpstream, type UpstreamHandler } from '../support/test-upstream.ts';
import { startRecordedProxy } from '../support/recorded-proxy.ts';
import type { RouteReport } from '../../src/report/report-model.ts';

const order =
  (createdAt: string): UpstreamHandler =>
  (_req, res) => {
    const body = JSON.stringify({ id: 7, total: '12.50', created_at: createdAt });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };

const opened: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close();
});

const routes = (legacyUrl: string, serviceUrl: string, compare: string) => `version: 1
legacy: ${legacyUrl}
services:
  orders: ${serviceUrl}
routes:
  - id: orders
    path: /api/orders
    service: orders
    stage: shadow
    shadow: { percent: 100, noiseSample: 0 }${compare}
    plan:
      gate: { maxMismatchRate: 0.1, maxErrorRate: 0.1, maxLatencyRatio: 1000 }
`;

describe('evidence per route revision', () => {
  it('counts only the current rule’s evidence after a rule change, says what it left out, deletes nothing', async () => {
    const legacy = await startTestUpstream('legacy', order('2024-01-01 10:00:00'));
    const service = await startTestUpstream('service', order('2024-01-01T10:00:00Z'));
    opened.push(legacy, service);
    const running = await startRecordedProxy(routes(legacy.url, service.url, ''));
    opened.push(running);

    await running.traffic('/api/orders', 40);
    const before = await running.cli(['check', '--json']);
    expect(before.code).toBe(1);
    expect(JSON.parse(before.stdout)).toMatchObject({ routes: [{ verdict: 'mismatching' }] });

    // The difference is accepted: a new rule, so a new revision of the route.
    const reload = await running.rewrite(
      routes(legacy.url, service.url, "\n    compare: { ignore: ['$.created_at'] }"),
    );
    expect(reload.ok).toBe(true);
    await running.traffic('/api/orders', 40);

    const after = await running.cli(['check', '--json']);
    expect(after.code).toBe(0);
    const checked = JSON.parse(after.stdout) as { routes: Array<{ verdict: string; reason: string }> };
    expect(checked.routes[0]?.verdict).toBe('ready');
    expect(checked.routes[0]?.reason).toContain(
      'left out: 40 pairs and 40 served requests of earlier revisions of the route',
    );

    const report = async (args: string[]) => {
      const result = await running.cli(['report', '--format', 'json', ...args]);
      return (JSON.parse(result.stdout) as { routes: RouteReport[] }).routes[0]!;
    };
    const current = await report([]);
    expect(current).toMatchObject({ compared: 40, mismatched: 0, leftOut: { compared: 40, served: 40 } });
    expect(current.revision).toMatch(/^[0-9a-f]{12}$/);
    expect(current.diffs).toEqual([]);

    // Nothing was deleted: every revision still counts when asked.
    const all = await report(['--revision', 'all']);
    expect(all).toMatchObject({ compared: 80, mismatched: 40, revision: null, leftOut: { compared: 0 } });
    const allCheck = await running.cli(['check', '--revision', 'all']);
    expect(allCheck.code).toBe(1);
    expect(allCheck.stdout).toMatch(/FAIL\s+mismatching: mismatch rate 50% \(40 of 80\)/);

    const promote = await running.cli(['promote', 'orders']);
    expect(promote.code).toBe(0);
    expect((await running.proxy.reload()).ok).toBe(true);
    expect(running.proxy.snapshot().routes.get('orders')?.stage).toBe('canary');
  });

  it('counts evidence newer than --since in check and promote', async () => {
    const legacy = await startTestUpstream('legacy', order('2024-01-01 10:00:00'));
    const service = await startTestUpstream('service', order('2024-01-01 10:00:00'));
    opened.push(legacy, service);
    const running = await startRecordedProxy(routes(legacy.url, service.url, ''));
    opened.push(running);
    await running.traffic('/api/orders', 40);

    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const later = await running.cli(['check', '--json', '--since', tomorrow]);
    expect(later.code).toBe(1);
    expect(JSON.parse(later.stdout)).toMatchObject({ routes: [{ verdict: 'hold' }] });
    const promote = await running.cli(['promote', 'orders', '--since', tomorrow]);
    expect(promote.code).toBe(1);
    expect((await running.cli(['check', '--since', '1h'])).code).toBe(0);
  });
});
