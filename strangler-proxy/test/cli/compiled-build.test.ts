/**
 * The compiled build, which `strangler` runs after `npm install`: tsc's output of the sources starts the
 * proxy, starts the shadow worker from its compiled module and mirrors. Compiled here into a folder of
 * the test's own, so the test never races the project's dist/ (nor needs it to be fresh).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launcherNodeFlags } from '../../bin/launch.js';
import { LISTENING, startArgs, startCli } from '../faults/support/cli.ts';
import { startTestUpstream, type TestUpstream } from '../support/test-upstream.ts';

const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Runs the compiled CLI as bin/strangler.js runs it (a file: the shadow worker inherits Node's flags). */
const RUN_COMPILED_CLI = `const cli = await import('./src/cli/main.js');
process.exitCode = await cli.runCli(process.argv.slice(2), cli.processIo());
`;

let outDir: string;
let dir: string;
let legacy: TestUpstream;
let service: TestUpstream;

beforeAll(async () => {
  // Inside the package, so the compiled modules resolve their dependencies as dist/ does.
  const cache = path.join(PACKAGE_ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  outDir = mkdtempSync(path.join(cache, 'strangler-compiled-'));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await promisify(execFile)(process.execPath, [
    tsc,
    '-p',
    path.join(PACKAGE_ROOT, 'tsconfig.build.json'),
    '--outDir',
    outDir,
  ]);
  writeFileSync(path.join(outDir, 'run-cli.mjs'), RUN_COMPILED_CLI);
  dir = mkdtempSync(path.join(tmpdir(), 'strangler-compiled-run-'));
  legacy = await startTestUpstream('legacy');
  service = await startTestUpstream('catalog');
}, 120_000);

afterAll(async () => {
  await legacy.close();
  await service.close();
  rmSync(outDir, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

it('serves from the compiled build and mirrors through its shadow worker', async () => {
  const configFile = path.join(dir, 'routes.yaml');
  writeFileSync(
    configFile,
    `version: 1
legacy: ${legacy.url}
services:
  catalog: ${service.url}
routes:
  - id: products
    path: /api/products
    service: catalog
    stage: shadow
    shadow: { percent: 100 }
`,
  );
  const cli = startCli(startArgs(configFile, '--no-access-log', '--log-format', 'json'), {
    cwd: dir,
    command: [...launcherNodeFlags(), path.join(outDir, 'run-cli.mjs')],
  });
  try {
    const [, url] = await cli.waitFor(LISTENING, 20_000);
    const [, code] = await cli.waitFor(/"code":"(\w+)","msg":"strangler proxy listening"/, 20_000);
    expect(code).toBe('compiled');

    const mirrored = service.nextRequest();
    const response = await fetch(`${url}/api/products?page=2`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ upstream: 'legacy', url: '/api/products?page=2' });
    // Mirrors are sent from the shadow worker: its compiled module started. If it could not, say so
    // at once rather than at the test's timeout.
    const workerFailed = cli.waitFor(/"msg":"(shadow worker [^"]*)"/, 15_000).then(
      ([line]) => Promise.reject(new Error(`${line}\n${cli.stdout()}`)),
      () => new Promise<never>(() => undefined),
    );
    expect((await Promise.race([mirrored, workerFailed])).url).toBe('/api/products?page=2');
  } finally {
    cli.child.kill('SIGTERM');
    expect(await cli.exited(10_000)).toBe(0);
  }
  expect(cli.stderr()).toBe('');
});
