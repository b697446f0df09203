/**
 * Every command takes `-c/--config` and `--json`, through the real CLI: the JSON parses and names the
 * file (and, where a store is read, the store) it read. The older forms stay as aliases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runStrangler } from '../support/cli-io.ts';
import { startCli } from '../faults/support/cli.ts';
import { createKnexStore } from '../../src/store/knex-store.ts';

// Not routes.yaml: each command must find it through -c.
const FILE = 'shop-routes.yaml';
const STORE = /sqlite:\S*\/shop\.db \(store: in shop-routes\.yaml\)/;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'strangler-flags-'));
  await writeFile(
    path.join(dir, FILE),
    `version: 1
store: sqlite:./shop.db
legacy: http://127.0.0.1:3000
services:
  catalog: http://127.0.0.1:4001
routes:
  - { id: products, path: /api/products, service: catalog, stage: shadow }
  - { id: orders, path: /api/orders, service: catalog, stage: legacy }
`,
  );
  const store = await createKnexStore({ url: `sqlite:${path.join(dir, 'shop.db')}` });
  await store.close();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Json = Record<string, unknown>;

const COMMANDS: readonly (readonly [string, readonly string[], (json: Json) => void])[] = [
  ['init', ['init', '--legacy', 'http://127.0.0.1:3000'], (json) => expect(json.file).toBe('new.yaml')],
  ['validate', ['validate'], (json) => expect(json).toMatchObject({ file: FILE, valid: true })],
  ['routes', ['routes'], (json) => expect(json).toMatchObject({ source: 'file', from: FILE })],
  ['explain', ['explain', 'GET', '/api/products'], (json) => expect(json).toMatchObject({ from: FILE })],
  ['status', ['status'], (json) => expect(json).toMatchObject({ source: 'file', from: FILE })],
  [
    'report',
    ['report'],
    (json) => {
      expect(json.routesFile).toBe(FILE);
      expect(json.store).toMatch(STORE);
    },
  ],
  [
    'check',
    ['check'],
    (json) => expect(json).toMatchObject({ file: FILE, routes: [{ id: 'products' }, { id: 'orders' }] }),
  ],
  [
    'promote',
    ['promote', 'orders', '--dry-run'],
    (json) => expect(json).toMatchObject({ file: FILE, to: 'shadow' }),
  ],
  [
    'rollback',
    ['rollback', 'products', '--dry-run'],
    (json) => expect(json).toMatchObject({ file: FILE, to: 'legacy' }),
  ],
  ['history', ['history'], (json) => expect(json.store).toMatch(STORE)],
  ['inventory', ['inventory'], (json) => expect(json.store).toMatch(STORE)],
  [
    'status --fleet',
    ['status', '--fleet'],
    (json) => expect(json).toMatchObject({ file: FILE, store: expect.stringMatching(STORE), live: [] }),
  ],
  [
    'roll-up',
    ['roll-up'],
    (json) => expect(json).toMatchObject({ file: FILE, store: expect.stringMatching(STORE), hoursRolled: 0 }),
  ],
  [
    'retire',
    ['retire', 'products'],
    (json) => expect(json).toMatchObject({ file: FILE, store: expect.stringMatching(STORE) }),
  ],
];

describe('-c and --json on every command', () => {
  it.each(COMMANDS)('%s', async (name, argv, check) => {
    const file = name === 'init' ? 'new.yaml' : FILE;
    for (const flag of ['-c', '--config']) {
      await rm(path.join(dir, 'new.yaml'), { force: true });
      const result = await runStrangler([...argv, flag, file, '--json'], { cwd: dir });
      expect(result.code, result.stderr).toBeLessThan(2);
      check(JSON.parse(result.stdout) as Json);
    }
  });

  it('covers every command the CLI has', async () => {
    const help = await runStrangler(['--help'], { cwd: dir });
    const listed = [...help.stdout.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((match) => match[1]);
    expect(listed.filter((name) => name !== 'help').sort()).toEqual(
      // publish takes a PostgreSQL store only: test/e2e/published-routes.test.ts runs it with -c and --json.
      [...new Set([...COMMANDS.map(([, argv]) => argv[0]), 'start', 'publish'])].sort(),
    );
  });

  it('start: -c and --json give the start line as JSON, naming the routes file and the store', async () => {
    const started = startCli(['start', '-c', FILE, '--json', '--port', '0', '--admin-port', '0'], {
      cwd: dir,
    });
    try {
      const [line] = await started.waitFor(/^\{.*\}$/m, 20_000);
      expect(JSON.parse(line)).toMatchObject({
        proxy: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        config: FILE,
        store: expect.stringMatching(STORE),
      });
    } finally {
      started.child.kill('SIGTERM');
      await started.exited(20_000);
    }
  });
});

describe('the older forms stay', () => {
  it('validate FILE and routes FILE, and the same file twice', async () => {
    for (const argv of [
      ['validate', FILE, '--json'],
      ['routes', FILE, '--json'],
      ['validate', FILE, '-c', FILE, '--json'],
    ]) {
      const result = await runStrangler(argv, { cwd: dir });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(FILE);
    }
  });

  it('refuses two different files', async () => {
    const result = await runStrangler(['validate', FILE, '-c', 'other.yaml'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('two routes files');
  });

  it('report --format json is report --json; --json with another format is refused', async () => {
    const format = await runStrangler(['report', '-c', FILE, '--format', 'json'], { cwd: dir });
    const json = await runStrangler(['report', '-c', FILE, '--json'], { cwd: dir });
    const shape = (text: string) => Object.keys(JSON.parse(text) as Json).sort();
    expect(shape(json.stdout)).toEqual(shape(format.stdout));
    const both = await runStrangler(['report', '-c', FILE, '--json', '--format', 'markdown'], { cwd: dir });
    expect(both.code).toBe(2);
  });
});
