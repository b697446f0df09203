/**
 * The safety net works together: a canary protected by `fallback: legacy` whose service fails is rolled
 * back automatically, although every client was answered by the monolith.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { deadPort, startTestUpstream } from '../support/test-upstream.ts';
import { startRecordedProxy } from '../support/recorded-proxy.ts';
import type { HistoryJson } from '../../src/cli/commands/history.ts';

const opened: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close();
});

describe('breaker, fallback and automatic rollback together', () => {
  it('rolls back a failing canary whose clients the fallback protects, and the verdict says so', async () => {
    const legacy = await startTestUpstream('legacy');
    opened.push(legacy);
    const dead = await deadPort();
    const running = await startRecordedProxy(`version: 1
legacy: ${legacy.url}
services:
  catalog: ${dead}
routes:
  - id: products
    path: /api/products
    service: catalog
    stage: canary
    canary: { percent: 100 }
    fallback: legacy
    autoRollback: { errorRate: 0.5, minRequests: 10, window: 1m }
`);
    opened.push(running);

    // Every client is answered by the monolith: refused connections first, then the open breaker's.
    const statuses = await running.traffic('/api/products', 30);
    expect(statuses.every((status) => status === 200)).toBe(true);

    const status = (await (await fetch(`${running.proxy.adminUrl}/status`)).json()) as {
      autoRollbacks: Array<{ routeId: string; reason: string }>;
      verdicts: Array<{ route: string; verdict: string }>;
    };
    expect(status.autoRollbacks.map((entry) => entry.routeId)).toEqual(['products']);
    expect(status.autoRollbacks[0]?.reason).toMatch(/^service error rate 100\.0% \(10\/10\)/);
    expect(status.verdicts).toEqual([expect.objectContaining({ route: 'products', verdict: 'rolled_back' })]);

    const check = await running.cli(['check', '--json']);
    expect(JSON.parse(check.stdout)).toMatchObject({ routes: [{ verdict: 'rolled_back', outcome: 'fail' }] });
  });

  it('leaves one entry in the decision ledger, with the evidence and limits it tripped on', async () => {
    const legacy = await startTestUpstream('legacy');
    opened.push(legacy);
    const dead = await deadPort();
    const running = await startRecordedProxy(`version: 1
legacy: ${legacy.url}
services:
  catalog: ${dead}
routes:
  - id: products
    path: /api/products
    service: catalog
    stage: canary
    canary: { percent: 100 }
    fallback: legacy
    autoRollback: { errorRate: 0.5, minRequests: 10, window: 1m }
`);
    opened.push(running);

    // Traffic past the trip: a rolled-back route goes on serving from legacy and records no second entry.
    await running.traffic('/api/products', 30);

    const history = await running.cli(['history', 'products', '--json']);
    expect(history.code).toBe(0);
    const parsed = JSON.parse(history.stdout) as HistoryJson;
    expect(parsed.decisions).toHaveLength(1);
    expect(parsed.decisions[0]).toMatchObject({
      routeId: 'products',
      kind: 'auto_rollback',
      from: 'canary 100%',
      to: 'legacy',
      revision: expect.stringMatching(/^[0-9a-f]+$/),
      evidence: { serviceRequests: 10, serviceErrors: 10, errorRate: 1 },
      bounds: { errorRate: 0.5, minRequests: 10, window: 60_000 },
      user: 'proxy',
    });
    const table = await running.cli(['history']);
    expect(table.stdout).toMatch(/products +auto rollback +canary 100% → legacy /);
  });
});

describe('the breaker of a fallback-protected route probes with a health request', () => {
  it('never sends a user to the failing service as its half-open probe, and closes once health passes', async () => {
    const legacy = await startTestUpstream('legacy');
    opened.push(legacy);
    let healthy = false;
    const healthChecked: Array<() => void> = [];
    const service = await startTestUpstream('service', (req, res) => {
      if (req.url === '/health') {
        res.writeHead(healthy ? 200 : 503).end();
        healthChecked.shift()?.();
        return;
      }
      if (healthy) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      res.socket?.destroy(); // a failing service: the connection drops without an answer
    });
    opened.push(service);
    const running = await startRecordedProxy(`version: 1
legacy: ${legacy.url}
services:
  catalog:
    url: ${service.url}
    breaker: { consecutiveFailures: 2, openFor: 1ms }
routes:
  - id: products
    path: /api/products
    service: catalog
    stage: migrated
    fallback: legacy
`);
    opened.push(running);
    const get = async (): Promise<number> => {
      const response = await fetch(`${running.proxy.url}/api/products/1`);
      await response.arrayBuffer();
      return response.status;
    };
    const userRequestsAtService = () => service.received.filter((r) => r.url !== '/health').length;

    // Two dropped connections open the breaker; the monolith answers both clients.
    expect([await get(), await get()]).toEqual([200, 200]);
    const beforeProbes = userRequestsAtService();
    expect(beforeProbes).toBe(2);

    // Clients keep coming while the breaker is open and its probe is due: each is served by the monolith,
    // and the probes that fail keep it open. None of them reaches the service.
    for (let failedProbes = 0; failedProbes < 3;) {
      const probed = new Promise<void>((resolve) => healthChecked.push(resolve));
      let answered = true;
      void probed.then(() => {
        answered = false;
      });
      while (answered) {
        expect(await get()).toBe(200);
        expect(userRequestsAtService()).toBe(beforeProbes);
      }
      failedProbes += 1;
    }

    // A passing health request closes the breaker: the service serves again.
    healthy = true;
    let servedByService = false;
    while (!servedByService) {
      expect(await get()).toBe(200);
      servedByService = userRequestsAtService() > beforeProbes;
    }
    expect(service.received.some((r) => r.url === '/health')).toBe(true);
  });
});
