import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runStrangler } from '../support/cli-io.ts';
import { createKnexStore } from '../../src/store/knex-store.ts';
import {
  createBatchingRecorder,
  MAX_UNMATCHED_TEMPLATES_PER_MINUTE,
} from '../../src/store/batching-recorder.ts';

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, '../../bin/strangler.js');
let dir: string;

const valid = `version: 1
legacy: http://127.0.0.1:3000
services:
  catalog: \${CATALOG_URL:-http://127.0.0.1:4001}
routes:
  - id: products
    path: /api/products
    methods: [GET, HEAD]
    service: catalog
    stage: canary
    canary: { percent: 10, sticky: header:x-user-id }
  - id: product
    path: /api/products/:id
    service: catalog
    stage: migrated
`;

const broken = `version: 1
legacy: http://127.0.0.1:3000
services:
  catalog: not a url
routes:
  - id: products
    path: /api/products
    service: katalog
    stage: canary
    canary: { percent: 140 }
  - id: products
    path: /api/products
    service: catalog
    stage: legacy
    colour: blue
`;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'strangler-cli-'));
  await writeFile(path.join(dir, 'routes.yaml'), valid);
  await writeFile(path.join(dir, 'broken.yaml'), broken);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('strangler-proxy --version', () => {
  it('prints the package version', async () => {
    const { default: manifest } = (await import('../../package.json', { with: { type: 'json' } })) as {
      default: { version: string };
    };
    const result = await runStrangler(['--version'], { cwd: dir });
    expect(result).toMatchObject({ code: 0, stdout: `${manifest.version}\n` });
  });
});

describe('strangler validate', () => {
  it('exits 0 on a valid file', async () => {
    const result = await runStrangler(['validate'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('routes.yaml: valid, 2 routes');
    expect(result.stdout).toMatch(/path case ignored: .*\(proxy\.caseSensitive: false\)/);
    const json = await runStrangler(['validate', '--json'], { cwd: dir });
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: true, routes: 2, caseSensitive: false });
  });

  it('lists every problem at once with file:line:column and exits 1', async () => {
    const result = await runStrangler(['validate', 'broken.yaml'], { cwd: dir });
    expect(result.code).toBe(1);
    const lines = result.stderr;
    expect(lines).toMatch(/broken\.yaml:4:\d+ .*URL/);
    expect(lines).toMatch(/broken\.yaml:8:\d+ .*CONFIG_UNKNOWN_SERVICE/);
    expect(lines).toMatch(/broken\.yaml:10:\d+ /); // percent out of range
    expect(lines).toMatch(/broken\.yaml:11:\d+ .*CONFIG_DUPLICATE_ROUTE_ID/);
    expect(lines).toMatch(/broken\.yaml:15:\d+ .*colour/);
  });

  it('speaks JSON for machines', async () => {
    const result = await runStrangler(['validate', 'broken.yaml', '--json'], { cwd: dir });
    expect(result.code).toBe(1);
    const parsed = JSON.parse(result.stdout) as {
      valid: boolean;
      problems: Array<{ code: string; line: number }>;
    };
    expect(parsed.valid).toBe(false);
    expect(parsed.problems.map((problem) => problem.code)).toContain('CONFIG_DUPLICATE_ROUTE_ID');
  });

  it('runs as a real command and has no color when piped', async () => {
    const result = await run(process.execPath, [bin, 'validate', path.join(dir, 'routes.yaml')], {
      cwd: dir,
    });
    expect(result.stdout).toContain('valid, 2 routes');
    expect(result.stdout).not.toContain(String.fromCharCode(27));
    const failed = await run(process.execPath, [bin, 'validate', path.join(dir, 'broken.yaml')], {
      cwd: dir,
    }).catch((error: { code: number; stderr: string }) => error);
    expect((failed as { code: number }).code).toBe(1);
    // Two cold starts of the real command: room for a busy machine.
  }, 60_000);
});

describe('strangler validate: warnings', () => {
  const unused = `version: 1
legacy: http://127.0.0.1:3000
services:
  catalog: http://127.0.0.1:4001
  orders: http://127.0.0.1:4002
routes:
  - { id: products, path: /api/products, service: catalog, stage: legacy }
`;

  it('prints CONFIG_UNUSED_SERVICE at the service, exit 0, and lists it in --json', async () => {
    await writeFile(path.join(dir, 'unused.yaml'), unused);
    const result = await runStrangler(['validate', 'unused.yaml'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('unused.yaml: valid, 1 route, 1 warning');
    expect(result.stderr).toMatch(
      /^unused\.yaml:5:3 {2}CONFIG_UNUSED_SERVICE {2}service "orders" is used by no route$/m,
    );
    const json = await runStrangler(['validate', 'unused.yaml', '--json'], { cwd: dir });
    expect(JSON.parse(json.stdout)).toMatchObject({
      valid: true,
      warnings: [{ code: 'CONFIG_UNUSED_SERVICE', line: 5, column: 3, path: 'services.orders' }],
    });
  });

  it('shows warnings beside the errors of an invalid file', async () => {
    await writeFile(path.join(dir, 'unused-broken.yaml'), unused.replace('stage: legacy', 'stage: legasy'));
    const result = await runStrangler(['validate', 'unused-broken.yaml'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/:5:3 {2}CONFIG_UNUSED_SERVICE/);
    expect(result.stderr).toMatch(/:7:\d+ {2}CONFIG_INVALID_VALUE/);
    const json = await runStrangler(['validate', 'unused-broken.yaml', '--json'], { cwd: dir });
    expect(JSON.parse(json.stdout)).toMatchObject({
      valid: false,
      warnings: [{ code: 'CONFIG_UNUSED_SERVICE' }],
    });
  });
});

describe('strangler routes and explain', () => {
  it('prints the route table with stages and upstreams, env expanded', async () => {
    const result = await runStrangler(['routes'], {
      cwd: dir,
      env: { CATALOG_URL: 'http://127.0.0.1:4999' },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /products\s+\/api\/products\s+GET,HEAD\s+canary 10%\s+catalog http:\/\/127\.0\.0\.1:4999/,
    );
    expect(result.stdout).toContain('anything else → legacy http://127.0.0.1:3000');
  });

  it('explains which route wins and where the request goes', async () => {
    const result = await runStrangler(['explain', 'GET', '/api/products/7', '-H', 'x-user-id: 42'], {
      cwd: dir,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('product');
    expect(result.stdout).toMatch(/migrated|catalog/);
    const json = await runStrangler(['explain', 'GET', '/api/products/7', '--json'], { cwd: dir });
    const parsed = JSON.parse(json.stdout) as { winner: { id: string } | null };
    expect(parsed.winner?.id).toBe('product');
  });

  it('explains that case is ignored: /API/PRODUCTS/7 takes the product route, its path kept as sent', async () => {
    const result = await runStrangler(['explain', 'GET', '/API/PRODUCTS/7'], { cwd: dir });
    expect(result.stdout).toMatch(/path\s+\/API\/PRODUCTS\/7/);
    expect(result.stdout).toMatch(/case\s+ignored: .*\(proxy\.caseSensitive: false\)/);
    expect(result.stdout).toMatch(/winner\s+product:/);
  });

  it('explains that an unmatched path goes to legacy', async () => {
    const json = await runStrangler(['explain', 'GET', '/api/orders/1', '--json'], { cwd: dir });
    expect((JSON.parse(json.stdout) as { winner: unknown }).winner).toBeNull();
  });

  it('rejects a malformed -H with a usage error', async () => {
    const result = await runStrangler(['explain', 'GET', '/', '-H', 'nocolon'], { cwd: dir });
    expect(result.code).toBe(2);
  });
});

describe('strangler inventory', () => {
  it('groups what the monolith still serves into templates, by traffic', async () => {
    const url = `sqlite:${path.join(dir, 'inventory.db')}`;
    const store = await createKnexStore({ url });
    const recorder = createBatchingRecorder(store);
    for (let id = 0; id < 5; id += 1) recorder.recordUnmatched('GET', `/api/users/${id + 100}`);
    recorder.recordUnmatched('POST', '/api/carts');
    await recorder.close();
    await store.close();
    const result = await runStrangler(['inventory', '--store', url], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/GET\s+\/api\/users\/:id\s+5\s+83\.3%/);
    expect(result.stdout).toMatch(/POST\s+\/api\/carts\s+1/);
  });

  it('bounds what a scanner of unique paths leaves, and gives shares of all unmatched traffic', async () => {
    const url = `sqlite:${path.join(dir, 'scanner.db')}`;
    const store = await createKnexStore({ url });
    // One minute for the whole scan: the bound is per minute.
    const now = Date.now();
    const recorder = createBatchingRecorder(store, { clock: () => now });
    for (let i = 0; i < 30; i += 1) recorder.recordUnmatched('GET', '/api/users');
    for (let i = 0; i < 10; i += 1) recorder.recordUnmatched('GET', '/api/orders');
    const scanned = 3_000;
    for (let i = 0; i < scanned; i += 1) recorder.recordUnmatched('GET', `/probe-${i.toString(36)}.php`);
    await recorder.close();
    const rows = await store.unmatched();
    await store.close();
    expect(rows.length).toBeLessThanOrEqual(MAX_UNMATCHED_TEMPLATES_PER_MINUTE + 1);
    const total = 30 + 10 + scanned;
    expect(rows.reduce((sum, row) => sum + row.count, 0)).toBe(total);

    const result = await runStrangler(['inventory', '--store', url, '--limit', '3'], { cwd: dir });
    expect(result.code).toBe(0);
    const share = (count: number) => `${((count / total) * 100).toFixed(1)}%`;
    expect(result.stdout).toMatch(new RegExp(`GET\\s+/api/users\\s+30\\s+${share(30)}`));
    expect(result.stdout).toMatch(new RegExp(`GET\\s+/api/orders\\s+10\\s+${share(10)}`));
    const json = await runStrangler(['inventory', '--store', url, '--limit', '3', '--json'], { cwd: dir });
    expect(JSON.parse(json.stdout)).toMatchObject({ total });
  });
});
