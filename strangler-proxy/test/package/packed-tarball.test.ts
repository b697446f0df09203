/**
 * The package as a team installs it: `npm pack`, the tarball installed into an empty folder outside the
 * workspace, and the installed command run there on the Node on PATH (its #! line, as a shell runs it),
 * against two throwaway upstreams: `--version`, then the README's "Your own system in five minutes" as
 * written (`init`, `validate`, `start`, `inventory --suggest`, `promote`, `start`, `report`, through
 * `npx`). Nothing here resolves anything from the workspace.
 *
 * The native SQLite driver is the one exception: its install script downloads a prebuilt binary from
 * GitHub or compiles SQLite (minutes on two cores), which is the driver's business, not this package's.
 * The tarball is installed with --ignore-scripts and the workspace's own build of the driver is copied in.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isBuildFresh } from '../../bin/launch.js';
import { LISTENING, startCli, type CliProcess } from '../faults/support/cli.ts';
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
  expect(() => readFileSync(path.join(installed, 'dist', 'bench', 'lib', 'server-process.js'))).toThrow();
  // The container's health probe (the Dockerfile's HEALTHCHECK and the Kubernetes probes run it).
  expect(() => readFileSync(path.join(installed, 'bin', 'probe.js'))).not.toThrow();
});

it('prints its version', async () => {
  expect((await run(['--version'])).stdout.trim()).toBe(manifest.version);
});

// It installs, starts and stops real processes; its own waits (30 s for the proxy to listen) need room.
it('takes a new user from an empty folder to a first shadow report, as the README says', async () => {
  const steps = readmeSteps();
  // The README's install step is what beforeAll did, from the tarball instead of the registry.
  expect(steps.shift()).toBe(`npm install ${manifest.name}`);
  let proxy: CliProcess | undefined;
  let proxyUrl = '';
  const stop = async () => {
    if (!proxy) return;
    // Ctrl-C: SIGINT to the command's whole process group, npx and the proxy under it. npx ends
    // on the signal itself; the proxy has stopped once it says so and its end of the pipe is closed.
    const closed = once(proxy.child.stdout!, 'close');
    process.kill(-(proxy.child.pid ?? 0), 'SIGINT');
    await closed;
    expect(proxy.stdout()).toContain('strangler proxy stopped');
    expect(proxy.stdout()).toContain('"code":"compiled"');
    proxy = undefined;
  };
  const outputs: string[] = [];
  let starts = 0;
  for (const step of steps) {
    const line = step
      .replaceAll('http://127.0.0.1:3000', legacy.url)
      .replaceAll('http://127.0.0.1:4001', service.url);
    if (line.startsWith('curl ')) {
      // `curl -s URL`: a GET through the running proxy; once a route is shadowed, its mirror is awaited.
      const target = /^curl -s http:\/\/127\.0\.0\.1:8080(\/\S*)$/.exec(line)?.[1];
      expect(target, line).toBeDefined();
      const mirrored = starts > 1 ? service.nextRequest() : undefined;
      const response = await fetch(`${proxyUrl}${target}`);
      expect(await response.json()).toMatchObject({ upstream: 'legacy' });
      await mirrored;
      continue;
    }
    await stop();
    if (line === ['npx', manifest.name, ...PACKAGED_START].join(' ')) {
      starts += 1;
      proxy = startCli(['-c', line], {
        cwd: app,
        // The admin API on an ephemeral port, so that parallel runs do not collide on 9901.
        env: { ...env, STRANGLER_PORT: '0', STRANGLER_ADMIN_PORT: '0' },
        executable: 'bash',
        command: [],
        detached: true,
      });
      [, proxyUrl = ''] = await proxy.waitFor(LISTENING, 30_000);
      continue;
    }
    const result = await execFileAsync('bash', ['-c', line], { cwd: app, env });
    outputs.push(result.stdout);
  }
  await stop();
  expect(starts).toBe(2);
  const report = outputs.at(-1) ?? '';
  expect(report).toMatch(/api-products\s+shadow\s+1\s/);
  const json = await run(['report', '--format', 'json']);
  expect(JSON.parse(json.stdout)).toMatchObject({
    routes: expect.arrayContaining([
      expect.objectContaining({ id: 'api-products', stage: 'shadow', compared: 1 }),
    ]) as unknown,
  });
}, 180_000);

/** The commands of the README's "Your own system in five minutes", in order, comments removed. */
function readmeSteps(): string[] {
  const readme = readFileSync(path.join(PACKAGE_ROOT, '..', 'README.md'), 'utf8');
  const start = readme.indexOf('## Your own system in five minutes');
  expect(start).toBeGreaterThan(0);
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap(([, block]) =>
    (block ?? '')
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, '').trim())
      .filter(Boolean),
  );
}
