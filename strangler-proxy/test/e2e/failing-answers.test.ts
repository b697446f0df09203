/**
 * A 5xx answer is a failure of the side that gave it, in the store, the report and the gate: a service
 * that answers 500 to every mirror is not "0% errors", and two identical 500s are not a match.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestUpstream, type TestUpstream, type UpstreamHandler } from '../support/test-upstream.ts';
import { runStrangler } from '../support/cli-io.ts';
import { startProxy, type RunningProxy } from '../../src/runtime/start-proxy.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { openRecorder } from '../../src/runtime/open-recorder.ts';
import type { ResultRecorder } from '../../src/store/types.ts';
import type { RouteReport } from '../../src/report/report-model.ts';

const answer =
  (status: number): UpstreamHandler =>
  (_req, res) => {
    const body = JSON.stringify({ error: status >= 500 ? 'boom' : null, id: 1 });
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };

const opened: Array<{ close(): Promise<unknown> }> = [];
let dir = '';
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Running {
  proxy: RunningProxy;
  recorder: ResultRecorder;
  file: string;
  store: string;
}

async function shadowOf(legacyStatus: number, serviceStatus: number): Promise<Running> {
  const legacy: TestUpstream = await startTestUpstream('legacy', answer(legacyStatus));
  const service: TestUpstream = await startTestUpstream('service', answer(serviceStatus));
  opened.push(legacy, service);
  dir = await mkdtemp(path.join(tmpdir(), 'strangler-failing-'));
  const file = path.join(dir, 'routes.yaml');
  const store = `sqlite:${path.join(dir, 'strangler.db')}`;
  await writeFile(
    file,
    `version: 1
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
`,
  );
  const recorder = await openRecorder(store, { cwd: dir, logger: silentLogger, flushInterval: 60_000 });
  const proxy = await startProxy({
    configFile: file,
    port: 0,
    admin: { port: 0 },
    recorder,
    logger: silentLogger,
    reloadInterval: 0,
  });
  opened.push(proxy);
  return { proxy, recorder, file, store };
}

async function traffic(running: Running, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const response = await fetch(`${running.proxy.url}/api/products/${i}`);
    await response.arrayBuffer();
    statuses.push(response.status);
  }
  await running.proxy.mirror.idle();
  await running.recorder.flush();
  return statuses;
}

async function reportOf(running: Running): Promise<RouteReport> {
  const result = await runStrangler(
    ['report', '--format', 'json', '--config', running.file, '--store', running.store],
    { cwd: dir },
  );
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
    expect(route.verdictReason).toMatch(/service error rate 100% \(30 of 30\)/);

    const table = await runStrangler(['report', '--config', running.file, '--store', running.store], {
      cwd: dir,
    });
    expect(table.stdout).toMatch(/service failed 30, legacy failed 0/);

    const check = await runStrangler(['check', '--config', running.file, '--store', running.store], {
      cwd: dir,
    });
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

    const check = await runStrangler(
      ['check', '--json', '--config', running.file, '--store', running.store],
      { cwd: dir },
    );
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
    const markdown = await runStrangler(
      ['report', '--format', 'markdown', '--config', running.file, '--store', running.store],
      { cwd: dir },
    );
    expect(markdown.stdout).toMatch(/service failed 0, legacy failed 4/);
  });
});
