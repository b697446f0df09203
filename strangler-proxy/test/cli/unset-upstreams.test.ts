/**
 * Commands that send nothing upstream (check, report, promote, rollback, history, validate) run with the
 * upstream URLs' variables unset, and name them; the commands that show or use the URLs still refuse.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runStrangler } from '../support/cli-io.ts';
import { createKnexStore } from '../../src/store/knex-store.ts';

const routes = `version: 1
legacy: \${LEGACY_URL}
services:
  catalog: \${CATALOG_URL}
  orders: { url: "http://\${ORDERS_HOST}:4002" }
routes:
  - { id: products, path: /api/products, service: catalog, stage: shadow }
  - { id: orders, path: /api/orders, service: orders, stage: legacy }
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'strangler-unset-'));
  await writeFile(path.join(dir, 'routes.yaml'), routes);
  const store = await createKnexStore({ url: `sqlite:${path.join(dir, 'strangler.db')}` });
  await store.close();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const UNSET = /CONFIG_ENV_UNSET_UPSTREAM .*CATALOG_URL/;

describe('commands that need no upstream URL', () => {
  it('validate: valid, with a warning per unset variable', async () => {
    const result = await runStrangler(['validate', '--json'], { cwd: dir });
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as { valid: boolean; warnings: { code: string; path: string }[] };
    expect(json.valid).toBe(true);
    expect(json.warnings.map((warning) => [warning.code, warning.path])).toEqual([
      ['CONFIG_ENV_UNSET_UPSTREAM', 'legacy'],
      ['CONFIG_ENV_UNSET_UPSTREAM', 'services.catalog'],
      ['CONFIG_ENV_UNSET_UPSTREAM', 'services.orders.url'],
    ]);
  });

  it('check, report and history run and say which variables were unset', async () => {
    const check = await runStrangler(['check', '--json'], { cwd: dir });
    expect(check.code).not.toBe(2);
    expect(JSON.parse(check.stdout)).toMatchObject({ routes: [{ id: 'products' }, { id: 'orders' }] });
    expect(check.stderr).toMatch(UNSET);

    const report = await runStrangler(['report', '--json'], { cwd: dir });
    expect(report.code).toBe(0);
    expect(report.stderr).toMatch(UNSET);

    const history = await runStrangler(['history'], { cwd: dir });
    expect(history.code).toBe(0);
    expect(history.stderr).toMatch(UNSET);
  });

  it('promote and rollback edit the file', async () => {
    const promoted = await runStrangler(['promote', 'orders'], { cwd: dir });
    expect(promoted.code).toBe(0);
    expect(promoted.stderr).toMatch(/CONFIG_ENV_UNSET_UPSTREAM .*ORDERS_HOST/);
    expect(await readFile(path.join(dir, 'routes.yaml'), 'utf8')).toContain(
      'service: orders, stage: shadow }',
    );
    const rolledBack = await runStrangler(['rollback', 'orders'], { cwd: dir });
    expect(rolledBack.code).toBe(0);
    // The variables are kept as written: the file never gets a stand-in URL.
    expect(await readFile(path.join(dir, 'routes.yaml'), 'utf8')).toBe(routes);
  });
});

describe('commands that show or use the URLs', () => {
  it('routes, explain and start still refuse an unset variable', async () => {
    for (const argv of [['routes'], ['explain', 'GET', '/api/products']]) {
      const result = await runStrangler(argv, { cwd: dir });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/CONFIG_ENV_UNSET .*CATALOG_URL/);
    }
  });
});
