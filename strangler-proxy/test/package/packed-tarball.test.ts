/**
 * The package as a team installs it: `npm pack`, the tarball installed into an empty folder outside the
 * workspace, and the installed command run there on the Node on PATH (its #! line, as a shell runs it),
 * against two throwaway upstreams: `--version`, `validate`, `start`, then `report` on the store `start`
 * wrote. Nothing here resolves anything from the workspace.
 *
 * The native SQLite driver is the one exception: its install script downloads a prebuilt binary from
 * GitHub or compiles SQLite (minutes on two cores), which is the driver's business, not this package's.
 * The tarball is installed with --ignore-scripts and the workspace's own build of the driver is copied in.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isBuildFresh } from '../../bin/launch.js';
import { LISTENING, startCli } from '../faults/support/cli.ts';
import { startTestUpstream, type TestUpstream } from '../support/test-upstream.ts';
import { PACKAGED_START } from './packaged-command.ts';

const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const manifest = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  bin: Record<string, string>;
};
const execFileAsync = promisify(execFile);

let work: string;
let app: string;
let command: string;
let env: NodeJS.ProcessEnv;
let legacy: TestUpstream;
let service: TestUpstream;

/** npm as the test was started with it (`npm test` sets npm_execpath), else the one on PATH. */
function npm(args: readonly string[], cwd: string) {
  const npmCli = process.env.npm_execpath;
  return npmCli?.endsWith('.js')
    ? execFileAsync(process.execPath, [npmCli, ...args], { cwd, env })
    : execFileAsync('npm', args, { cwd, env });
}

function run(args: readonly string[]) {
  return execFileAsync(command, args, { cwd: app, env }).catch(
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'strangler-package-'));
  app = path.join(work, 'app');
  mkdirSync(app);
  // The Node this test runs on comes first on PATH, as for anyone who installed a current Node.
  env = {
    ...process.env,
    PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
    NO_COLOR: '1',
  };
  for (const name of Object.keys(env)) if (name.startsWith('STRANGLER_')) delete env[name];
  // A stale dist/ is run by nobody (the launcher runs the sources then), so rebuilding it races no one.
  if (!isBuildFresh()) await execFileAsync(process.execPath, [path.join(PACKAGE_ROOT, 'scripts/build.ts')]);
  const packed = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], PACKAGE_ROOT);
  const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
  writeFileSync(path.join(app, 'package.json'), '{ "private": true }\n');
  await npm(
    ['install', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', path.join(work, filename)],
    app,
  );
  const driver = path.dirname(createRequire(PACKAGE_ROOT).resolve('sqlite3/package.json'));
  const installedDriver = path.join(app, 'node_modules', 'sqlite3');
  mkdirSync(path.join(installedDriver, 'build', 'Release'), { recursive: true });
  copyFileSync(
    path.join(driver, 'build', 'Release', 'node_sqlite3.node'),
    path.join(installedDriver, 'build', 'Release', 'node_sqlite3.node'),
  );
  command = path.join(app, 'node_modules', '.bin', manifest.name);
  legacy = await startTestUpstream('legacy');
  service = await startTestUpstream('catalog');
}, 180_000);

afterAll(async () => {
  await legacy?.close();
  await service?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

it('names its command after the package and ships only what runs', () => {
  expect(Object.keys(manifest.bin)).toEqual([manifest.name]);
  const installed = path.join(app, 'node_modules', manifest.name);
  const shipped = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as typeof manifest;
  expect(shipped.version).toBe(manifest.version);
  expect(() => readFileSync(path.join(installed, 'schema', 'routes.schema.json'))).not.toThrow();
  expect(() => readFileSync(path.join(installed, 'src', 'cli', 'main.ts'))).toThrow();
  expect(() => readFileSync(path.join(installed, 'dist', 'src', 'cli', 'main.js'))).not.toThrow();
});

it('runs from the installed tarball: --version, validate, start, then report on what start stored', async () => {
  const version = await run(['--version']);
  expect(version.stdout.trim()).toBe(manifest.version);

  writeFileSync(
    path.join(app, 'routes.yaml'),
    `version: 1
legacy: ${legacy.url}
services:
  catalog: ${service.url}
routes:
  - id: products
    path: /api/products
    methods: [GET]
    service: catalog
    stage: shadow
`,
  );
  const validated = await run(['validate']);
  expect(validated.stdout).toContain('routes.yaml: valid, 1 route');

  // Configured through its environment, as a container or supervisor configures it.
  const proxy = startCli([...PACKAGED_START], {
    cwd: app,
    env: { ...env, STRANGLER_PORT: '0', STRANGLER_ADMIN_PORT: '0', STRANGLER_LOG_FORMAT: 'json' },
    executable: command,
    command: [],
  });
  try {
    const [, url] = await proxy.waitFor(LISTENING, 20_000);
    const [, code] = await proxy.waitFor(/"code":"(\w+)","msg":"strangler proxy listening"/, 20_000);
    expect(code).toBe('compiled');
    for (const page of [1, 2, 3]) {
      const mirrored = service.nextRequest();
      const response = await fetch(`${url}/api/products?page=${page}`);
      expect(await response.json()).toMatchObject({ upstream: 'legacy' });
      expect((await mirrored).url).toBe(`/api/products?page=${page}`);
    }
  } finally {
    proxy.child.kill('SIGTERM');
    expect(await proxy.exited(15_000)).toBe(0);
  }

  const report = await run(['report', '--format', 'json']);
  const parsed = JSON.parse(report.stdout) as { routes: { id: string; stage: string; compared: number }[] };
  expect(parsed.routes).toMatchObject([{ id: 'products', stage: 'shadow', compared: 3 }]);
});
