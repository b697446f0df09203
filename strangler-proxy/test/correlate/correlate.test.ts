/**
 * Identity correlation and read-after-write, end to end: a monolith and a service that sign tokens with
 * different keys and give a created record different ids; the proxy bridges the token, learns which ids
 * correspond from the two answers to a mirrored create, reads the record back from both sides and
 * compares through the map.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startHarness, type ProxyHarness } from '../support/proxy-harness.ts';
import type { TestUpstream } from '../support/test-upstream.ts';
import type { ShadowSettled } from '../../src/shadow/shadow-mirror.ts';
import { startProxy, type RunningProxy } from '../../src/runtime/start-proxy.ts';
import { openRecorder } from '../../src/runtime/open-recorder.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { createKnexStore } from '../../src/store/knex-store.ts';
import { buildReport } from '../../src/report/build-report.ts';
import type { ResultRecorder } from '../../src/store/types.ts';
import { BRIDGE_ENV, JWT_BRIDGE, monolithToken } from '../auth/token-servers.ts';
import { startArticleServers } from './article-servers.ts';

let monolith: TestUpstream;
let service: TestUpstream;
let authorization: string;

beforeAll(async () => {
  ({ monolith, service } = await startArticleServers());
  authorization = `Bearer ${await monolithToken(7)}`;
});
afterAll(async () => {
  await monolith.close();
  await service.close();
});

function routesFile(shadow: string, proxy = ''): string {
  return `
version: 1
legacy: ${monolith.url}
${proxy}services:
  articles:
    url: ${service.url}
    auth:${JWT_BRIDGE}
routes:
  - id: articles
    path: /api/articles
    service: articles
    stage: shadow
    shadow: { unsafe: true, noiseSample: 0, timeout: 2s${shadow} }
`;
}

const CORRELATE = `, correlate: ['$.article.slug', '$.article.id']`;
const VERIFY = `, verify: { read: 'GET /api/articles/{$.article.slug}' }`;

/** Sends one request through the proxy and waits for its mirror to settle. */
async function send(
  proxy: RunningProxy,
  method: 'GET' | 'POST',
  url: string,
  body?: unknown,
): Promise<{ status: number; json: unknown; settled: ShadowSettled }> {
  const settled = new Promise<ShadowSettled>((resolve) => {
    const stop = proxy.mirror.onSettled((event) => {
      stop();
      resolve(event);
    });
  });
  const response = await fetch(`${proxy.url}${url}`, {
    method,
    headers: { authorization, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // a text answer
  }
  return { status: response.status, json, settled: await settled };
}

const slugOf = (answer: unknown) => (answer as { article: { slug: string } }).article.slug;

async function withProxy<T>(yaml: string, run: (harness: ProxyHarness) => Promise<T>): Promise<T> {
  const harness = await startHarness(yaml, { env: { ...process.env, ...BRIDGE_ENV } });
  try {
    return await run(harness);
  } finally {
    await harness.close();
  }
}

describe('identity correlation (shadow.correlate)', () => {
  it('a mirrored create and later reads of the record compare through the correlation map', async () => {
    await withProxy(routesFile(CORRELATE), async ({ proxy }) => {
      const created = await send(proxy, 'POST', '/api/articles', { title: 'Hello', body: 'first' });
      expect(created.status).toBe(201);
      // The slugs and ids differ, and correspond: the create itself matches.
      expect(created.settled.verdict?.outcome).toBe('match');
      const slug = slugOf(created.json);
      const read = await send(proxy, 'GET', `/api/articles/${slug}`);
      expect(read.status).toBe(200);
      expect(read.settled.verdict?.outcome).toBe('match');
      // The mirror asked the service for its own copy.
      expect(service.received.at(-1)?.url).toMatch(/^\/api\/articles\/hello-s\d+$/);
    });
  });

  it('without correlate the same create and read mismatch', async () => {
    await withProxy(routesFile(''), async ({ proxy }) => {
      const created = await send(proxy, 'POST', '/api/articles', { title: 'Hello', body: 'first' });
      expect(created.settled.verdict?.outcome).toBe('mismatch');
      const read = await send(proxy, 'GET', `/api/articles/${slugOf(created.json)}`);
      expect(read.settled.verdict?.outcome).toBe('mismatch');
      expect(read.settled.verdict?.differences.map((d) => d.path)).toContain('status');
    });
  });

  it('a restarted proxy keeps the map (loaded from the results store at start)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'strangler-correlate-'));
    const configFile = path.join(dir, 'routes.yaml');
    await writeFile(configFile, routesFile(CORRELATE));
    const start = async (): Promise<{ proxy: RunningProxy; recorder: ResultRecorder }> => {
      const recorder = await openRecorder(`sqlite:${path.join(dir, 'strangler.db')}`, {
        cwd: dir,
        logger: silentLogger,
        flushInterval: 60_000,
      });
      const proxy = await startProxy({
        configFile,
        port: 0,
        admin: false,
        recorder,
        logger: silentLogger,
        reloadInterval: 0,
        env: { ...process.env, ...BRIDGE_ENV },
      });
      return { proxy, recorder };
    };
    try {
      const first = await start();
      const created = await send(first.proxy, 'POST', '/api/articles', { title: 'Kept', body: 'b' });
      expect(created.settled.verdict?.outcome).toBe('match');
      await first.proxy.close();
      await first.recorder.close();

      const second = await start();
      try {
        const read = await send(second.proxy, 'GET', `/api/articles/${slugOf(created.json)}`);
        expect(read.settled.verdict?.outcome).toBe('match');
      } finally {
        await second.proxy.close();
        await second.recorder.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('bad answers and a full map are counted skips, never a lost comparison', async () => {
    const yaml = routesFile(
      `, correlate: ['$.article.slug', '$.article.missing']`,
      'proxy: { maxCorrelations: 1 }\n',
    );
    await withProxy(yaml, async ({ proxy }) => {
      const outcomes: (string | undefined)[] = [];
      for (const title of ['no slug', 'plain text', 'huge id', 'one', 'two']) {
        const created = await send(proxy, 'POST', '/api/articles', { title, body: 'b' });
        expect(created.status).toBe(201);
        outcomes.push(created.settled.verdict?.outcome);
      }
      // Every create was compared; what could not be correlated was counted.
      expect(outcomes.every((outcome) => outcome !== undefined)).toBe(true);
      const metrics = await proxy.metrics.registry
        .getSingleMetric('strangler_correlation_skipped_total')
        ?.get();
      const counted = Object.fromEntries(
        (metrics?.values ?? []).map((value) => [String(value.labels.reason), value.value]),
      );
      expect(counted).toEqual({
        // The slug of "no slug", and $.article.missing on each JSON answer.
        path_missing: 1 + 4,
        // Both paths of the text answer.
        not_json: 2,
        too_long: 1,
        evicted: 1, // "two" pushed "one" out of a map of one
      });
    });
  });
});

describe('read-after-write (shadow.verify.read)', () => {
  it('reads the created record from both sides and finds a planted sync gap', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'strangler-sync-'));
    const url = `sqlite:${path.join(dir, 'strangler.db')}`;
    const recorder = await openRecorder(url, { cwd: dir, logger: silentLogger, flushInterval: 60_000 });
    const harness = await startHarness(routesFile(CORRELATE + VERIFY), {
      env: { ...process.env, ...BRIDGE_ENV },
      recorder,
    });
    try {
      const inSync = await send(harness.proxy, 'POST', '/api/articles', { title: 'Synced', body: 'b' });
      expect(inSync.status).toBe(201);
      const gap = await send(harness.proxy, 'POST', '/api/articles', { title: 'lagging', body: 'new' });
      expect(gap.status).toBe(201);
      // The client's answer is the monolith's own, whatever the reads found.
      expect(slugOf(gap.json)).toMatch(/^lagging-m\d+$/);
      await recorder.flush();
      const store = await createKnexStore({ url, cwd: dir });
      try {
        const report = await buildReport(store, { now: Date.now() + 60_000 });
        const route = report.routes.find((r) => r.id === 'articles');
        expect(route?.sync).toMatchObject({ checked: 2, inSync: 1, outOfSync: 1, skipped: 0 });
        expect(route?.sync.examples).toEqual([
          expect.objectContaining({
            read: `/api/articles/${slugOf(gap.json)}`,
            legacyStatus: 200,
            serviceStatus: 200,
            differences: [{ path: '$.article.body', kind: 'value' }],
          }),
        ]);
      } finally {
        await store.close();
      }
    } finally {
      await harness.close();
      await recorder.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
