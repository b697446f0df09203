/**
 * One resolver for the results store, through the real CLI in-process: `--store`, then STRANGLER_STORE,
 * then routes.yaml's `store:`, then strangler.db beside routes.yaml. Read-only commands never create a
 * store, and every command names the store it used.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { createKnexStore } from '../../src/store/knex-store.ts';
import { runStrangler } from '../support/cli-io.ts';

let project: string;
let elsewhere: string;
let routesFile: string;

const ROUTES = [
  'version: 1',
  'legacy: http://127.0.0.1:9',
  'services:',
  '  orders: http://127.0.0.1:9',
  'routes:',
  '  - { id: orders, path: /api/orders, service: orders, stage: shadow }',
  '',
].join('\n');

beforeEach(async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'strangler-store-resolver-'));
  project = path.join(root, 'project');
  elsewhere = path.join(root, 'elsewhere');
  await mkdir(project);
  await mkdir(elsewhere);
  routesFile = path.join(project, 'routes.yaml');
  await writeFile(routesFile, ROUTES);
});

afterEach(async () => {
  await rm(path.dirname(project), { recursive: true, force: true });
});

async function makeStore(file: string): Promise<void> {
  const store = await createKnexStore({ url: `sqlite:${file}` });
  await store.close();
}

async function report(cwd: string, args: string[] = [], env: Record<string, string> = {}) {
  return runStrangler(['report', '--config', routesFile, ...args], { cwd, env });
}

describe('the results store, resolved the same way by every command', () => {
  it('takes --store first, then STRANGLER_STORE, then store: in routes.yaml, then strangler.db beside it', async () => {
    for (const name of ['flag.db', 'env.db', 'key.db', 'strangler.db'])
      await makeStore(path.join(project, name));
    await writeFile(routesFile, `${ROUTES}store: sqlite:./key.db\n`);
    const env = { STRANGLER_STORE: `sqlite:${path.join(project, 'env.db')}` };

    const flag = await report(project, ['--store', 'sqlite:./flag.db'], env);
    expect(flag.stdout).toContain(`store sqlite:${path.join(project, 'flag.db')} (--store)`);
    const variable = await report(project, [], env);
    expect(variable.stdout).toContain(`store sqlite:${path.join(project, 'env.db')} (STRANGLER_STORE)`);
    // The key is relative to the routes file, wherever the command runs.
    const key = await report(elsewhere);
    expect(key.stdout).toContain(`store sqlite:${path.join(project, 'key.db')} (store: in routes.yaml)`);
    await writeFile(routesFile, ROUTES);
    const fallback = await report(elsewhere);
    expect(fallback.stdout).toContain(
      `store sqlite:${path.join(project, 'strangler.db')} (default, beside routes.yaml)`,
    );
    for (const run of [flag, variable, key, fallback]) expect(run.code).toBe(0);
  });

  it.each([
    ['report', ['report', '--config']],
    ['check', ['check', '--config']],
    ['promote', ['promote', 'orders', '--config']],
    ['inventory', ['inventory', '--config']],
  ])('%s run from another directory fails with what it looked for and creates no store', async (_, args) => {
    const run = await runStrangler([...args, routesFile], { cwd: elsewhere, env: {} });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `no results store at ${path.join(project, 'strangler.db')} (default, beside routes.yaml)`,
    );
    expect(run.stderr).toContain('Looked for --store, then STRANGLER_STORE, then store: in the routes file');
    expect(await readdir(elsewhere)).toEqual([]);
    expect(await readdir(project)).toEqual(['routes.yaml']);
  });

  it.each([
    ['check', ['check', '--config']],
    ['promote', ['promote', 'orders', '--dry-run', '--config']],
    ['inventory', ['inventory', '--config']],
  ])('%s names the store it read', async (_, args) => {
    await makeStore(path.join(project, 'strangler.db'));
    const run = await runStrangler([...args, routesFile], { cwd: elsewhere, env: {} });

    expect(run.stderr).toContain(
      `store: sqlite:${path.join(project, 'strangler.db')} (default, beside routes.yaml)\n`,
    );
  });

  it('start, run from another directory, records beside routes.yaml, where report reads', async () => {
    let stdout = '';
    let announce: () => void = () => undefined;
    const up = new Promise<void>((resolve) => (announce = resolve));
    const io: CliIo = {
      stdout: {
        write: (text: string) => {
          stdout += text;
          if (stdout.includes('strangler proxy on')) announce();
        },
      },
      stderr: { write: () => undefined },
      color: false,
      cwd: elsewhere,
      env: {},
    };
    const argv = [
      'start',
      '--config',
      routesFile,
      '--port',
      '0',
      '--admin-port',
      '0',
      '--log-level',
      'silent',
    ];
    const running = runCli(argv, io);
    await Promise.race([up, running]);
    // The proxy stops on SIGTERM; emitting it runs the handlers without signalling the test process.
    process.emit('SIGTERM');
    expect(await running).toBe(0);

    const store = path.join(project, 'strangler.db');
    expect(stdout).toContain(`store sqlite:${store} (default, beside routes.yaml)`);
    expect(existsSync(path.join(elsewhere, 'strangler.db'))).toBe(false);
    const read = await report(elsewhere);
    expect(read.code).toBe(0);
    expect(read.stdout).toContain(`store sqlite:${store} (default, beside routes.yaml)`);
  });
});
