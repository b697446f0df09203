/**
 * A proxy keeps evidence as long as it is told (`start --hours-for`, `--minutes-for`, or their
 * variables), from its start: `roll-up --hours-for 180d` would otherwise be undone by every proxy
 * running the default.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startCli } from '../faults/support/cli.ts';
import { startTestUpstream, type TestUpstream } from '../support/test-upstream.ts';
import { createKnexStore } from '../../src/store/knex-store.ts';
import { HOUR_MS } from '../../src/store/result-store.ts';
import { DAY_MS } from '../../src/store/tiers.ts';
import { batch } from '../store/fixtures.ts';
import { runStrangler } from '../support/cli-io.ts';

let legacy: TestUpstream;
let dir: string;
let storeUrl: string;

beforeAll(async () => {
  legacy = await startTestUpstream('legacy');
  dir = await mkdtemp(path.join(tmpdir(), 'strangler-retention-'));
  storeUrl = `sqlite:${path.join(dir, 'strangler.db')}`;
  await writeFile(
    path.join(dir, 'routes.yaml'),
    `version: 1\nlegacy: ${legacy.url}\nservices:\n  catalog: ${legacy.url}\nroutes:\n  - { id: products, path: /api/products, service: catalog, stage: legacy }\n`,
  );
});
afterAll(async () => {
  await legacy.close();
  await rm(dir, { recursive: true, force: true });
});

const counts = (routeId: string, bucket: number) => ({
  routeId,
  bucket,
  revision: 'r1',
  compared: 5,
  matched: 5,
  mismatched: 0,
  errors: 0,
  legacyErrors: 0,
  serviceErrors: 0,
});

describe('start --hours-for', () => {
  it('removes evidence past the period it was given, at its start, and keeps the rest', async () => {
    const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    const store = await createKnexStore({ url: storeUrl });
    await store.write(
      batch({
        comparisons: [counts('old', today - 5 * DAY_MS + HOUR_MS), counts('recent', Date.now() - HOUR_MS)],
      }),
    );
    await store.close();

    const cli = startCli(['start', '--port', '0', '--admin-port', '0', '--log-format', 'json'], {
      cwd: dir,
      env: { STRANGLER_STORE: storeUrl, STRANGLER_HOURS_FOR: '3d' },
    });
    try {
      const [line] = await cli.waitFor(/\{[^\n]*"msg":"old evidence rolled up"[^\n]*\}/, 30_000);
      expect(JSON.parse(line) as { rowsRemoved: number }).toMatchObject({ rowsRemoved: expect.any(Number) });
    } finally {
      cli.child.kill('SIGTERM');
      expect(await cli.exited(15_000)).toBe(0);
    }

    const after = await createKnexStore({ url: storeUrl });
    try {
      expect((await after.comparisons()).map((row) => row.routeId)).toEqual(['recent']);
    } finally {
      await after.close();
    }
  });

  it('refuses to keep minutes longer than the evidence, naming both settings', async () => {
    for (const argv of [
      ['start', '--minutes-for', '3d', '--hours-for', '2d'],
      ['roll-up', '--store', storeUrl, '--minutes-for', '3d', '--hours-for', '2d'],
    ]) {
      const run = await runStrangler(argv, { cwd: dir });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/--minutes-for.*\(3d\) must not be longer than --hours-for.*\(2d\)/);
    }
  });
});
