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
