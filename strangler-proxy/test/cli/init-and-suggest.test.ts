/**
 * `init` writes a starter routes.yaml that validates as written; `inventory --suggest` turns the
 * monolith's recorded traffic into route entries that, appended to it, still validate.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKnexStore } from '../../src/store/knex-store.ts';
import { createBatchingRecorder } from '../../src/store/batching-recorder.ts';
import { runStrangler } from '../support/cli-io.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'strangler-init-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const cli = (argv: string[]) => runStrangler(argv, { cwd: dir });

/** A store holding what the proxy records for requests no route took. */
async function recordUnmatched(requests: readonly [string, string][]): Promise<string> {
  const url = `sqlite:${path.join(dir, 'strangler.db')}`;
  const store = await createKnexStore({ url });
  const recorder = createBatchingRecorder(store);
  for (const [method, target] of requests) recorder.recordUnmatched(method, target);
  await recorder.close();
  await store.close();
  return url;
}

describe('strangler-proxy init', () => {
  it('writes a commented routes.yaml for the monolith and services that validates as written', async () => {
    const init = await cli([
      'init',
      '--legacy',
      'http://127.0.0.1:3000',
      '--service',
      'catalog=http://127.0.0.1:4001',
    ]);
    expect(init.code).toBe(0);
    const text = await readFile(path.join(dir, 'routes.yaml'), 'utf8');
    expect(text).toContain('legacy: ${LEGACY_URL:-http://127.0.0.1:3000}');
    expect(text).toContain('  catalog: ${CATALOG_URL:-http://127.0.0.1:4001}');
    expect(text).toMatch(/^# /m);
    const validated = await cli(['validate', '--json']);
    expect(validated.code).toBe(0);
    expect(JSON.parse(validated.stdout)).toMatchObject({ valid: true, routes: 0 });
    const routes = await runStrangler(['routes'], { cwd: dir, env: { LEGACY_URL: 'http://127.0.0.1:3999' } });
    expect(routes.stdout).toContain('anything else → legacy http://127.0.0.1:3999');
  });

  it('works without services, and refuses to replace a file unless told to', async () => {
    expect((await cli(['init', '--legacy', 'http://127.0.0.1:3000'])).code).toBe(0);
    expect((await cli(['validate'])).code).toBe(0);
    const again = await cli(['init', '--legacy', 'http://127.0.0.1:3001']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('routes.yaml exists; --force replaces it');
    expect(await readFile(path.join(dir, 'routes.yaml'), 'utf8')).toContain('127.0.0.1:3000');
    expect((await cli(['init', '--legacy', 'http://127.0.0.1:3001', '--force'])).code).toBe(0);
    expect(await readFile(path.join(dir, 'routes.yaml'), 'utf8')).toContain('127.0.0.1:3001');
  });

  it('refuses what would not validate, writing nothing', async () => {
    const bad = await cli(['init', '--legacy', 'ftp://monolith']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('CONFIG_INVALID_VALUE');
    const badService = await cli(['init', '--legacy', 'http://127.0.0.1:3000', '--service', 'no-url']);
    expect(badService.code).toBe(2);
    await expect(readFile(path.join(dir, 'routes.yaml'))).rejects.toThrow();
  });
});

describe('strangler-proxy inventory --suggest', () => {
  it('proposes one legacy route per template, most requested first, that appended still validates', async () => {
    await cli(['init', '--legacy', 'http://127.0.0.1:3000', '--service', 'catalog=http://127.0.0.1:4001']);
    const store = await recordUnmatched([
      ['GET', '/api/products/17'],
      ['GET', '/api/products/18'],
      ['PUT', '/api/products/18'],
      ['GET', '/api/products?page=2'],
      ['POST', '/api/carts'],
    ]);
    const suggested = await cli(['inventory', '--suggest', '--store', store]);
    expect(suggested.code).toBe(0);
    expect(suggested.stdout).toContain(
      [
        'routes:',
        '  - id: api-products-id',
        '    path: /api/products/:id',
        '    methods: [GET, PUT]   # 3 requests',
        '    service: catalog',
        '    stage: legacy',
        '  - id: api-carts',
        '    path: /api/carts',
        '    methods: [POST]   # 1 request',
        '    service: catalog',
        '    stage: legacy',
        '  - id: api-products',
      ].join('\n'),
    );
    const file = path.join(dir, 'routes.yaml');
    await writeFile(file, (await readFile(file, 'utf8')) + suggested.stdout);
    const validated = await cli(['validate', '--json']);
    expect(JSON.parse(validated.stdout)).toMatchObject({ valid: true, routes: 3, warnings: [] });

    // Run again on the longer file: what its routes take now is not proposed twice.
    const again = await cli(['inventory', '--suggest', '--store', store]);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain('nothing to suggest');
  });

  it('appends under an existing routes: key, with ids that do not clash, naming the service chosen', async () => {
    await writeFile(
      path.join(dir, 'routes.yaml'),
      `version: 1
legacy: http://127.0.0.1:3000
services:
  catalog: http://127.0.0.1:4001
  orders: http://127.0.0.1:4002
routes:
  - { id: api-orders, path: /api/orders/:id/items, service: orders, stage: shadow }
`,
    );
    const store = await recordUnmatched([
      ['GET', '/api/orders'],
      ['GET', '/api/orders/7/items'],
    ]);
    const suggested = await cli(['inventory', '--suggest', '--store', store, '--service', 'orders']);
    expect(suggested.stdout).not.toContain('routes:');
    expect(suggested.stdout).toContain('  - id: api-orders-2\n    path: /api/orders\n');
    expect(suggested.stdout).toContain('    service: orders\n');
    expect(suggested.stdout).not.toContain('items');
    const file = path.join(dir, 'routes.yaml');
    await writeFile(file, (await readFile(file, 'utf8')) + suggested.stdout);
    expect((await cli(['validate'])).code).toBe(0);
  });

  it('refuses to add to a routes file that does not load', async () => {
    await writeFile(path.join(dir, 'routes.yaml'), 'version: 1\nlegacy: nowhere\n');
    const store = await recordUnmatched([['GET', '/api/x']]);
    const suggested = await cli(['inventory', '--suggest', '--store', store]);
    expect(suggested.code).toBe(1);
    expect(suggested.stderr).toContain('fix them before adding routes');
  });
});
