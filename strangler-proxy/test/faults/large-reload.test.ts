/**
 * A reload of 10,000 routes in the real `strangler start`: requests sent once the reload has begun are
 * answered before it ends, every one of them by the table being replaced (never by a part-built new one),
 * and the new table is the whole of the new file. Order is read from the process's own log, where the
 * access-log lines and the reload's lines are written in the order things happened.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestUpstream, type TestUpstream } from '../support/test-upstream.ts';
import { LISTENING, startArgs, startCli } from './support/cli.ts';
import { send } from './support/http-client.ts';

const ROUTES = 10_000;

let legacy: TestUpstream;
let catalog: TestUpstream;
let dir: string;

const routes = (stage: string) =>
  [
    'version: 1',
    `legacy: ${legacy.url}`,
    'services:',
    `  catalog: ${catalog.url}`,
    'proxy:',
    '  reloadInterval: 0',
    'routes:',
    ...Array.from(
      { length: ROUTES },
      (_, i) => `  - { id: r${i}, path: /api/r${i}, service: catalog, stage: ${stage} }`,
    ),
    '',
  ].join('\n');

/** Routes at the start, the middle and the end of the file. */
const PROBES = ['/api/r0/x', `/api/r${ROUTES / 2}/x`, `/api/r${ROUTES - 1}/x`];

const RELOADING = /"msg":"reloading routes"/;
const RELOADED = /"msg":"routes reloaded"/;

beforeAll(async () => {
  legacy = await startTestUpstream('legacy');
  catalog = await startTestUpstream('catalog');
  dir = await mkdtemp(path.join(tmpdir(), 'strangler-large-reload-'));
});
afterAll(async () => {
  await legacy.close();
  await catalog.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a reload of 10,000 routes', () => {
  it('answers requests while it runs, each by the old table, and swaps the new one in whole', async () => {
    const configFile = path.join(dir, 'routes.yaml');
    await writeFile(configFile, routes('migrated'));
    const cli = startCli(startArgs(configFile, '--store', 'none', '--log-format', 'json'), { cwd: dir });
    const agent = new Agent({ keepAlive: true });
    try {
      const [, url = ''] = await cli.waitFor(LISTENING, 30_000);
      for (const probe of PROBES)
        expect(JSON.parse((await send(url, probe)).body)).toMatchObject({ upstream: 'catalog' });

      await writeFile(configFile, routes('legacy'));
      cli.child.kill('SIGHUP');
      await cli.waitFor(RELOADING, 30_000);
      // Requests one after another until the process says the reload is done (bounded in number).
      const during: string[] = [];
      for (let i = 0; i < 20_000 && !RELOADED.test(cli.stdout()); i += 1) {
        const outcome = await send(url, PROBES[i % PROBES.length] as string, { agent });
        expect(outcome.status).toBe(200);
        during.push((JSON.parse(outcome.body) as { upstream: string }).upstream);
      }
      await cli.waitFor(RELOADED, 30_000);
      for (const probe of PROBES)
        expect(JSON.parse((await send(url, probe)).body)).toMatchObject({ upstream: 'legacy' });

      // The log, in the order things happened in the proxy: what was answered between the two lines.
      const lines = cli.stdout().split('\n');
      const from = lines.findIndex((line) => RELOADING.test(line));
      const to = lines.findIndex((line) => RELOADED.test(line));
      const answeredMeanwhile = lines
        .slice(from + 1, to)
        .filter((line) => line.includes('"msg":"request"'))
        .map((line) => (JSON.parse(line) as { upstream: string }).upstream);
      expect(answeredMeanwhile.length).toBeGreaterThan(0);
      expect(new Set(answeredMeanwhile)).toEqual(new Set(['catalog']));
      expect(during.length).toBeGreaterThan(0);
    } finally {
      agent.destroy();
      cli.child.kill('SIGTERM');
      expect(await cli.exited(30_000)).toBe(0);
    }
  });
});
