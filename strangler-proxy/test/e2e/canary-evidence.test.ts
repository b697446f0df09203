/**
 * A canary step needs evidence of its own: pairs compared at the step (mirrored both ways), requests the
 * service served, and time at the step. Promoting again right after a promotion holds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestUpstream } from '../support/test-upstream.ts';
import { startRecordedProxy } from '../support/recorded-proxy.ts';

const opened: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close();
});

interface CheckRoute {
  verdict: string;
  reason: string;
  conditions: Array<{ name: string; state: string; message: string }>;
}

describe('canary steps need canary evidence', () => {
  it('cannot walk to the next step without served traffic and time at the step', async () => {
    const legacy = await startTestUpstream('legacy');
    const service = await startTestUpstream('service');
    opened.push(legacy, service);
    // The upstreams echo their own name: ignore it, so the two sides answer alike.
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
    canary: { percent: 10, sticky: header:x-user-id }
    compare: { ignore: ['$.upstream'] }
    plan:
      steps: [10, 50, 100]
      gate: { maxMismatchRate: 0.1, maxErrorRate: 0.1, maxLatencyRatio: 1000 }
`);
    opened.push(running);
    await running.traffic('/api/products', 40);
    expect((await running.cli(['promote', 'products'])).code).toBe(0);
    await running.proxy.reload();
    expect(running.proxy.snapshot().routes.get('products')?.stage).toBe('canary');

    // Straight away: nothing was served or compared at the step.
    const early = await running.cli(['promote', 'products']);
    expect(early.code).toBe(1);
    expect(early.stdout).toContain('time at canary 10% unknown: no pair compared at this step yet');
    expect(early.stdout).toMatch(/0 requests served by the service at this step < 29 needed/);

    // Traffic at the step: compared both ways, and some of it served by the service; still too soon.
    await running.traffic('/api/products', 60);
    const check = await running.cli(['check', '--json']);
    expect(check.code).toBe(1);
    const route = (JSON.parse(check.stdout) as { routes: CheckRoute[] }).routes[0]!;
    expect(route.verdict).toBe('hold');
    const byName = Object.fromEntries(route.conditions.map((condition) => [condition.name, condition]));
    expect(byName['min_step_duration']).toMatchObject({ state: 'hold' });
    expect(byName['min_step_duration']?.message).toMatch(/^at canary 10% for [\d.]+ min < 10 min needed$/);
    expect(byName['mismatch_rate']?.message).toMatch(/\(0 of 60\)/);
    expect(byName['sample_ratio']).toMatchObject({ state: 'pass' });

    const report = await running.cli(['report', '--format', 'json']);
    const reported = (
      JSON.parse(report.stdout) as { routes: Array<{ served: { service: { requests: number } } }> }
    ).routes[0]!;
    expect(reported.served.service.requests).toBeGreaterThan(0);
    expect(running.proxy.snapshot().routes.get('products')?.config.canary?.percent).toBe(10);
  });
});
