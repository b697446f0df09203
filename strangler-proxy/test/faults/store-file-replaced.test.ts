/**
 * The SQLite results file is deleted (`rm`) or replaced (`mv` over it) while the proxy runs. The open
 * connection would go on writing to the old inode, where `strangler report` never looks, with the admin
 * API saying all is well. The store notices at its next write, reports the problem on /status and
 * /health, and opens a new file at the path, where the evidence then lands.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rename, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestUpstream, jsonEcho, type TestUpstream } from '../support/test-upstream.ts';
import { startHarness, type ProxyHarness } from '../support/proxy-harness.ts';
import { openRecorder } from '../../src/runtime/open-recorder.ts';
import { createKnexStore } from '../../src/store/knex-store.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import type { ObservableRecorder, RecorderStatus } from '../../src/store/types.ts';

let legacy: TestUpstream;
let catalog: TestUpstream;
let dir: string;
let file: string;
let recorder: ObservableRecorder;
let harness: ProxyHarness;

beforeAll(async () => {
  legacy = await startTestUpstream('legacy');
  catalog = await startTestUpstream('catalog', jsonEcho('legacy'));
  dir = await mkdtemp(path.join(tmpdir(), 'strangler-replaced-'));
  file = path.join(dir, 'results.db');
  recorder = (await openRecorder(`sqlite:${file}`, {
    cwd: dir,
    logger: silentLogger,
    flushInterval: 60_000,
  })) as ObservableRecorder;
  harness = await startHarness(
    `
version: 1
legacy: ${legacy.url}
services:
  catalog: ${catalog.url}
routes:
  - id: products
    path: /api/products
    service: catalog
    stage: shadow
    shadow: { noiseSample: 0 }
`,
    { recorder },
  );
});
afterAll(async () => {
  await harness?.close();
  await recorder?.close();
  await legacy?.close();
  await catalog?.close();
  await rm(dir, { recursive: true, force: true });
});

/** `n` mirrored requests, compared and written. */
async function mirrored(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const response = await fetch(`${harness.proxy.url}/api/products/${i}`);
    expect(response.status).toBe(200);
    await response.arrayBuffer();
  }
  await harness.proxy.mirror.idle();
  await recorder.flush();
}

/** Comparisons of the route in the file at the path, as `strangler report` would read them. */
async function comparedAtPath(): Promise<number> {
  const store = await createKnexStore({ url: `sqlite:${file}` });
  try {
    return (await store.comparisons({ routeId: 'products' })).reduce((sum, row) => sum + row.compared, 0);
  } finally {
    await store.close();
  }
}

async function admin<T>(endpoint: string): Promise<T> {
  return (await (await fetch(`${harness.proxy.adminUrl}${endpoint}`)).json()) as T;
}

describe('SQLite results file deleted or replaced while the proxy runs', () => {
  it('reports the problem on /status and /health and writes to a new file at the path', async () => {
    await mirrored(4);
    expect(await comparedAtPath()).toBe(4);
    expect((await admin<{ store: RecorderStatus }>('/status')).store.healthy).toBe(true);
    expect(await admin<{ status: string }>('/health')).toMatchObject({ status: 'ok' });

    // `rm results.db`: the WAL and shared-memory files stay, as they do after a plain rm.
    await unlink(file);
    await mirrored(3);
    const status = (await admin<{ store: RecorderStatus }>('/status')).store;
    expect(status).toMatchObject({
      healthy: false,
      problem: { code: 'STRANGLER_ERR_STORE_FILE_REPLACED' },
      dropped: 0,
    });
    expect(status.problem?.message).toContain(file);
    expect(await admin<{ status: string; store: RecorderStatus }>('/health')).toMatchObject({
      status: 'degraded',
      store: { healthy: false, problem: { code: 'STRANGLER_ERR_STORE_FILE_REPLACED' } },
    });
    expect(await comparedAtPath()).toBe(3);

    // A file moved over the path (a restored copy, an empty one): the next evidence lands in it.
    const other = path.join(dir, 'other.db');
    await (await createKnexStore({ url: `sqlite:${other}` })).close();
    await rename(other, file);
    await mirrored(2);
    expect(await comparedAtPath()).toBe(2);
    expect((await admin<{ store: RecorderStatus }>('/status')).store).toMatchObject({
      healthy: false,
      problem: { code: 'STRANGLER_ERR_STORE_FILE_REPLACED' },
      pending: 0,
      dropped: 0,
    });
  });
});
