/**
 * Routes published to the fleet's PostgreSQL store: a running proxy applies a new version when NOTIFY
 * tells it, by polling when its LISTEN connection is gone, and refuses a bad version while it keeps
 * serving the last good one. Every applied version is acknowledged.
 */
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type ReloadResult, type RunningProxy } from '../../src/runtime/start-proxy.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import {
  openPublishedRoutesSource,
  type NoticedBy,
  type PublishedRoutesSource,
} from '../../src/runtime/published-routes-source.ts';
import { listenerName, openRoutesPublication } from '../../src/store/published-routes.ts';
import { hashBytes } from '../../src/runtime/config-source.ts';
import { startTestUpstream, type TestUpstream } from '../support/test-upstream.ts';
import { runStrangler } from '../support/cli-io.ts';
import { adminConnection, postgresUnreachable, throwawaySchema } from '../support/shared-postgres.ts';

const unreachable = await postgresUnreachable();

let legacy: TestUpstream;
let catalog: TestUpstream;
let dir: string;

const routes = (stage: 'legacy' | 'migrated') => `
version: 1
legacy: ${legacy.url}
services:
  catalog: ${catalog.url}
routes:
  - id: products
    path: /api/products
    service: catalog
    stage: ${stage}
`;

describe.skipIf(unreachable !== null)('routes published to PostgreSQL', { timeout: 30_000 }, () => {
  let schema: ReturnType<typeof throwawaySchema>;
  let proxy: RunningProxy | undefined;

  beforeAll(async () => {
    legacy = await startTestUpstream('legacy');
    catalog = await startTestUpstream('catalog');
    dir = await mkdtemp(path.join(tmpdir(), 'strangler-publish-'));
  });
  afterAll(async () => {
    await legacy.close();
    await catalog.close();
    await rm(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    await schema.drop();
  });

  async function publish(text: string) {
    await writeFile(path.join(dir, 'routes.yaml'), text);
    return runStrangler(['publish', '-c', 'routes.yaml', '--store', schema.url, '--json'], { cwd: dir });
  }

  /** Publishes the legacy stage, starts a proxy on the store, and waits until it listens. */
  async function startOnStore(
    reloadInterval: number,
  ): Promise<{ proxy: RunningProxy; source: PublishedRoutesSource; noticed: NoticedBy[] }> {
    schema = throwawaySchema('publish');
    expect((await publish(routes('legacy'))).code).toBe(0);
    const source = await openPublishedRoutesSource(schema.url, {
      env: {},
      instance: 'proxy-a',
      relistenAfter: 600_000,
    });
    const noticed: NoticedBy[] = [];
    source.events.on('noticed', (by) => noticed.push(by));
    const listening = once(source.events, 'listening');
    proxy = await startProxy({
      routesSource: source,
      port: 0,
      admin: { port: 0 },
      logger: silentLogger,
      reloadInterval,
    });
    await listening;
    expect(await servedBy(proxy)).toBe('legacy');
    return { proxy, source, noticed };
  }

  async function servedBy(running: RunningProxy): Promise<string> {
    const response = await fetch(`${running.url}/api/products`);
    return ((await response.json()) as { upstream: string }).upstream;
  }

  async function acknowledged() {
    const publication = await openRoutesPublication(schema.url);
    try {
      return (await publication.applied()).map(({ instance, version }) => ({ instance, version }));
    } finally {
      await publication.close();
    }
  }

  it('applies a published version as soon as NOTIFY tells the proxy, and acknowledges it', async () => {
    // Polls are ten minutes apart: only the notification can bring the new version in time.
    const { proxy: running, noticed } = await startOnStore(600_000);
    expect(await acknowledged()).toEqual([{ instance: 'proxy-a', version: 1 }]);

    const reloaded = once(running.events, 'reload') as Promise<[ReloadResult]>;
    const published = await publish(routes('migrated'));
    expect(published.code).toBe(0);
    expect(JSON.parse(published.stdout)).toMatchObject({ version: 2, routes: 1 });
    const [result] = await reloaded;

    expect(result.ok).toBe(true);
    expect(noticed).toEqual(['notify']);
    expect(await servedBy(running)).toBe('catalog');
    expect(await acknowledged()).toEqual([{ instance: 'proxy-a', version: 2 }]);
  });

  it('applies it by polling when the LISTEN connection is gone', async () => {
    const { proxy: running, source, noticed } = await startOnStore(100);
    const lost = once(source.events, 'lost');
    const db = adminConnection();
    try {
      const killed = await db.raw<{ rows: unknown[] }>(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ?',
        [listenerName(schema.schema)],
      );
      expect(killed.rows).toHaveLength(1);
    } finally {
      await db.destroy();
    }
    await lost;

    const reloaded = once(running.events, 'reload') as Promise<[ReloadResult]>;
    expect((await publish(routes('migrated'))).code).toBe(0);
    const [result] = await reloaded;

    expect(result.ok).toBe(true);
    expect(noticed).toEqual(['poll']);
    expect(await servedBy(running)).toBe('catalog');
    expect(await acknowledged()).toEqual([{ instance: 'proxy-a', version: 2 }]);
  });

  it('refuses a bad version at publish, and in the proxy when forced into the table', async () => {
    const { proxy: running } = await startOnStore(600_000);

    const refusedByPublish = await publish(`${routes('migrated')}\n    colour: blue\n`);
    expect(refusedByPublish.code).toBe(1);
    expect(refusedByPublish.stderr).toContain('CONFIG_UNKNOWN_KEY');

    // Written past `publish`, as a script or an older tool could.
    const bad = 'version: 1\nroutes: [unclosed\n';
    const publication = await openRoutesPublication(schema.url);
    const reloaded = once(running.events, 'reload') as Promise<[ReloadResult]>;
    try {
      const forced = await publication.publish({
        text: bad,
        revision: hashBytes(Buffer.from(bad)),
        publishedAt: Date.now(),
        publishedBy: 'test',
      });
      expect(forced.version).toBe(2); // the refused publish stored nothing
    } finally {
      await publication.close();
    }
    const [result] = await reloaded;

    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems.map((problem) => problem.code)).toContain('CONFIG_YAML_SYNTAX');
    expect(await servedBy(running)).toBe('legacy');
    expect(await acknowledged()).toEqual([{ instance: 'proxy-a', version: 1 }]);

    // The next good version applies: a refused one does not stop the proxy from listening.
    const next = once(running.events, 'reload') as Promise<[ReloadResult]>;
    expect((await publish(routes('migrated'))).code).toBe(0);
    expect((await next)[0].ok).toBe(true);
    expect(await servedBy(running)).toBe('catalog');
    expect(await acknowledged()).toEqual([{ instance: 'proxy-a', version: 3 }]);
  });
});
