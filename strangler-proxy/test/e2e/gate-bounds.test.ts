/**
 * The gate judges rates on their 95% confidence bounds: too few pairs hold the gate, with how many more
 * are needed and about how long that takes; a mismatch rate at the limit never passes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestUpstream, type TestUpstream, type UpstreamHandler } from '../support/test-upstream.ts';
import { startRecordedProxy, type RecordedProxy } from '../support/recorded-proxy.ts';

/** The same product; the service tells one request (the 51st) a different price. */
const product =
  (oddOneOut: string | null): UpstreamHandler =>
  (req, res) => {
    const price = oddOneOut !== null && req.url?.endsWith(oddOneOut) ? 13 : 12.5;
    const body = JSON.stringify({ id: 1, name: 'Lamp', price });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };

const opened: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close();
});

async function shadowRoute(serviceHandler: UpstreamHandler): Promise<RecordedProxy> {
  const legacy: TestUpstream = await startTestUpstream('legacy', product(null));
  const service: TestUpstream = await startTestUpstream('service', serviceHandler);
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
      gate: { maxLatencyRatio: 1000 }
`);
  opened.push(running);
  return running;
}

interface CheckJsonRoute {
  verdict: string;
  outcome: string;
  reason: string;
  more: number | null;
  etaMs: number | null;
  conditions: Array<{ name: string; state: string; message: string }>;
}

async function checkOf(running: RecordedProxy): Promise<CheckJsonRoute> {
  const result = await running.cli(['check', '--json']);
  expect(result.code).toBe(1);
  const route = (JSON.parse(result.stdout) as { routes: CheckJsonRoute[] }).routes[0];
  if (!route) throw new Error('no route in check --json');
  return route;
}

describe('gates on confidence bounds', () => {
  it('holds a route with 1 mismatch in 100 pairs: 1% seen is not under 1% shown', async () => {
    const running = await shadowRoute(product('/50'));
    await running.traffic('/api/products', 100);

    const check = await checkOf(running);
    expect(check).toMatchObject({ verdict: 'hold', outcome: 'hold', more: null });
    const mismatch = check.conditions.find((condition) => condition.name === 'mismatch_rate');
    expect(mismatch?.state).toBe('hold');
    expect(mismatch?.message).toMatch(
      /^mismatch rate 1% \(1 of 100\), 95% upper bound 4\.\d+% \(Clopper–Pearson\) > 1%: hold: at the rate seen so far the bound never gets under 1%$/,
    );

    const promote = await running.cli(['promote', 'products']);
    expect(promote.code).toBe(1);
    expect(promote.stdout).toContain('verdict: hold: ');
    expect(promote.stderr).toContain('promotion refused');
    expect(running.proxy.snapshot().routes.get('products')?.stage).toBe('shadow');
  });

  it('holds 100 clean pairs with how many more the bound needs and about how long at the recent pace', async () => {
    const running = await shadowRoute(product(null));
    await running.traffic('/api/products', 100);

    const check = await checkOf(running);
    expect(check).toMatchObject({ verdict: 'hold', more: 199 });
    expect(check.etaMs).toBeGreaterThan(0);
    expect(check.reason).toMatch(/— 199 more needed, about .+ at the recent pace$/);

    const table = await running.cli(['report']);
    expect(table.stdout).toMatch(/^products\s+shadow\s+100\s+0%\s+0%.*\shold$/m);
    expect(table.stdout).toContain(
      '95% upper bound 2.95% (Clopper–Pearson) > 1%: hold: about 199 more pairs',
    );
  });
});
