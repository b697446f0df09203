/**
 * A routes.yaml broken by an edit (a route naming a service that is not declared) is refused the same way
 * on every reload path of the real `strangler start`: a poll, SIGHUP and the admin's POST /reload. Each
 * time the problem is logged with its code and place, the failure is counted and shown on `/status`, the
 * last good table keeps serving and the process keeps running.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestUpstream, type TestUpstream } from '../support/test-upstream.ts';
import { LISTENING, startArgs, startCli, type CliProcess } from './support/cli.ts';

let legacy: TestUpstream;
let catalog: TestUpstream;
let dir: string;
const started: CliProcess[] = [];

const routes = (service: string) => `version: 1
legacy: ${legacy.url}
services:
  catalog: ${catalog.url}
proxy:
  reloadInterval: 50ms
routes:
  - id: products
    path: /api/products
    service: ${service}
    stage: migrated
`;

beforeAll(async () => {
  legacy = await startTestUpstream('legacy');
  catalog = await startTestUpstream('catalog');
  dir = await mkdtemp(path.join(tmpdir(), 'strangler-broken-routes-'));
});
afterEach(() => {
  for (const cli of started.splice(0)) if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
});
afterAll(async () => {
  await legacy.close();
  await catalog.close();
  await rm(dir, { recursive: true, force: true });
});

/** The log line of a refused reload, with the problem's code and place (line 10, column 14). */
const REFUSED = /"code":"CONFIG_UNKNOWN_SERVICE"[^\n]*"line":10,"column":14[^\n]*"msg":"routes file invalid/;

async function servedBy(url: string): Promise<string> {
  const response = await fetch(`${url}/api/products/1`);
  return ((await response.json()) as { upstream: string }).upstream;
}

describe('a broken routes.yaml', () => {
  it('is refused alike on a poll, on SIGHUP and on POST /reload; the old table serves on', async () => {
    const configFile = path.join(dir, 'routes.yaml');
    await writeFile(configFile, routes('catalog'));
    const cli = startCli(
      startArgs(configFile, '--store', 'none', '--no-access-log', '--log-format', 'json'),
      {
        cwd: dir,
      },
    );
    started.push(cli);
    const [, url = '', adminUrl = ''] = await cli.waitFor(LISTENING, 20_000);
    expect(await servedBy(url)).toBe('catalog');

    await writeFile(`${configFile}.next`, routes('catalgo'));
    await rename(`${configFile}.next`, configFile);
    await cli.waitFor(REFUSED, 10_000, 1);
    cli.child.kill('SIGHUP');
    await cli.waitFor(REFUSED, 10_000, 2);
    const byAdmin = (await (await fetch(`${adminUrl}/reload`, { method: 'POST' })).json()) as {
      ok: boolean;
      problems: Array<{ code: string; line: number; column: number }>;
    };
    expect(byAdmin.ok).toBe(false);
    expect(byAdmin.problems.map(({ code, line, column }) => [code, line, column])).toEqual([
      ['CONFIG_UNKNOWN_SERVICE', 10, 14],
    ]);
    await cli.waitFor(REFUSED, 10_000, 3);

    const metrics = await (await fetch(`${adminUrl}/metrics`)).text();
    expect(metrics).toMatch(/strangler_reloads_total\{result="failure"\} 3\n/);
    const status = (await (await fetch(`${adminUrl}/status`)).json()) as {
      version: number;
      lastReload: { ok: boolean; problems: Array<{ code: string }> };
    };
    expect([status.version, status.lastReload.ok, status.lastReload.problems[0]?.code]).toEqual([
      1,
      false,
      'CONFIG_UNKNOWN_SERVICE',
    ]);
    expect(await servedBy(url)).toBe('catalog');
    expect(cli.child.exitCode).toBeNull();

    cli.child.kill('SIGTERM');
    expect(await cli.exited(15_000)).toBe(0);
  });
});
