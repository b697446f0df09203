/**
 * Each mirror ends in one record, written in one place: a compared pair, an error verdict, or a skip with
 * its reason. A shadow worker that dies with mirrors in flight leaves each of them recorded as abandoned.
 */
import { discardingRecorder } from '../../src/store/discarding-recorder.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestUpstream, deadPort, type TestUpstream } from '../support/test-upstream.ts';
import { startHarness, type ProxyHarness } from '../support/proxy-harness.ts';
import type { ComparisonEvent, ResultRecorder, SkipReason } from '../../src/store/types.ts';

type MirrorRecord =
  | { readonly kind: 'comparison'; readonly routeId: string; readonly outcome: string }
  | { readonly kind: 'skip'; readonly routeId: string; readonly reason: SkipReason };

/** A recorder that keeps what the shadow records of its mirrors, in order. */
function createMirrorRecords(): { recorder: ResultRecorder; records: MirrorRecord[] } {
  const records: MirrorRecord[] = [];
  const recorder: ResultRecorder = {
    ...discardingRecorder,
    recordComparison: (event: ComparisonEvent) =>
      records.push({ kind: 'comparison', routeId: event.routeId, outcome: event.verdict.outcome }),
    recordSkip: (routeId, reason) => records.push({ kind: 'skip', routeId, reason }),
  };

  return { recorder, records };
}

const routes = (legacyUrl: string, serviceUrl: string) => `
version: 1
legacy: ${legacyUrl}
services:
  catalog: ${serviceUrl}
routes:
  - id: products
    path: /api/products
    service: catalog
    stage: shadow
    shadow: { timeout: 2s, noiseSample: 0, pauseAfterFailures: 0 }
`;

let legacy: TestUpstream;
let service: TestUpstream;
let harness: ProxyHarness | null = null;

beforeAll(async () => {
  legacy = await startTestUpstream('legacy');
  service = await startTestUpstream('service');
});
afterAll(async () => {
  await Promise.all([legacy.close(), service.close()]);
});
afterEach(async () => {
  await harness?.close();
  harness = null;
});

async function getThrough(proxy: ProxyHarness, path: string): Promise<number> {
  const response = await fetch(`${proxy.proxy.url}${path}`);
  await response.arrayBuffer();
  return response.status;
}

describe('one record per mirror', () => {
  it('records a mirror to a dead service once, as an error verdict', async () => {
    const { recorder, records } = createMirrorRecords();
    harness = await startHarness(routes(legacy.url, await deadPort()), { recorder });
    expect(await getThrough(harness, '/api/products/1')).toBe(200);
    await harness.proxy.mirror.idle();
    expect(records).toEqual([{ kind: 'comparison', routeId: 'products', outcome: 'error' }]);
  });
});

describe('a shadow worker that dies', () => {
  it('records each mirror it held as abandoned, and the next mirror is compared', async () => {
    const { recorder, records } = createMirrorRecords();
    harness = await startHarness(routes(legacy.url, service.url), {
      recorder,
      shadowWorkerScript: new URL('./fixtures/crashing-worker.ts', import.meta.url),
    });
    // The fixture's worker ends its thread on a job whose path contains `/crash`.
    expect(await getThrough(harness, '/api/products/crash')).toBe(200);
    await harness.proxy.mirror.idle();
    expect(records).toEqual([{ kind: 'skip', routeId: 'products', reason: 'abandoned' }]);

    expect(await getThrough(harness, '/api/products/2')).toBe(200);
    await harness.proxy.mirror.idle();
    expect(records).toHaveLength(2);
    expect(records[1]).toMatchObject({ kind: 'comparison', routeId: 'products' });
  });
});

describe('a proxy that stops with mirrors in flight', () => {
  it('records each of them as abandoned before it closes', async () => {
    const hanging = await startTestUpstream('hanging', () => undefined);
    const { recorder, records } = createMirrorRecords();
    const yaml = routes(legacy.url, hanging.url)
      .replace('timeout: 2s', 'timeout: 60s')
      .replace('routes:', 'proxy: { drainTimeout: 50ms }\nroutes:');
    harness = await startHarness(yaml, { recorder });
    // The mirror is in the worker's hands once the hanging service has its request.
    const mirrored = hanging.nextRequest();
    expect(await getThrough(harness, '/api/products/1')).toBe(200);
    await mirrored;
    await harness.close();
    expect(records).toEqual([{ kind: 'skip', routeId: 'products', reason: 'abandoned' }]);
    await hanging.close();
  });
});
