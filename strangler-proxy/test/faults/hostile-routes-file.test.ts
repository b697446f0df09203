/**
 * routes.yaml replaced by something that is not a regular file of a sane size: a symlink to /dev/zero
 * (endless), a sparse file far over the size limit (claims hundreds of MB, stores none) and a FIFO (an open
 * for reading waits for a writer). The real `strangler start` refuses each one, on a poll, on SIGHUP, on
 * the admin's POST /reload and at start, reported the same way every time; the last good table keeps
 * serving, later reloads still work (through a symlink to a regular file, as a ConfigMap mounts it) and
 * SIGTERM still ends the process.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, open, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestUpstream, type TestUpstream } from '../support/test-upstream.ts';
import { LISTENING, startArgs, startCli, type CliProcess } from './support/cli.ts';

const execFileAsync = promisify(execFile);

let legacy: TestUpstream;
let catalog: TestUpstream;
let dir: string;
const started: CliProcess[] = [];

const routes = (stage: string) => `
version: 1
legacy: ${legacy.url}
services:
  catalog: ${catalog.url}
proxy:
  reloadInterval: 50ms
routes:
  - { id: products, path: /api/products, service: catalog, stage: ${stage} }
`;

interface HostileKind {
  readonly name: string;
  readonly code: string;
  make(at: string): Promise<unknown>;
}

const kinds: readonly HostileKind[] = [
  { name: 'a symlink to /dev/zero', code: 'CONFIG_UNREADABLE', make: (at) => symlink('/dev/zero', at) },
  {
    name: 'a sparse file of 600 MiB',
    code: 'CONFIG_FILE_TOO_LARGE',
    make: async (at) => {
      const handle = await open(at, 'w');
      await handle.truncate(600 * 1024 * 1024);
      await handle.close();
    },
  },
  { name: 'a FIFO', code: 'CONFIG_UNREADABLE', make: (at) => execFileAsync('mkfifo', [at]) },
];

beforeAll(async () => {
  legacy = await startTestUpstream('legacy');
  catalog = await startTestUpstream('catalog');
  dir = await mkdtemp(path.join(tmpdir(), 'strangler-hostile-file-'));
});
afterEach(() => {
  // A process left running by a failed assertion must not outlive its test (nor hold memory).
  for (const cli of started.splice(0)) if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
});
afterAll(async () => {
  await legacy.close();
  await catalog.close();
  await rm(dir, { recursive: true, force: true });
});

function strangler(args: string[]): CliProcess {
  const cli = startCli(args, { cwd: dir });
  started.push(cli);
  return cli;
}

/** A log line saying a reload was refused for `code`. */
const refusedLine = (code: string) => new RegExp(`"code":"${code}"[^\\n]*"msg":"routes file invalid`);

async function servedBy(url: string): Promise<string> {
  const response = await fetch(`${url}/api/products/1`);
  return ((await response.json()) as { upstream: string }).upstream;
}

describe.each(kinds)('routes.yaml replaced by $name', (kind) => {
  it('is refused on a poll, on SIGHUP and on POST /reload; the last good table serves; SIGTERM ends it', async () => {
    const home = await mkdtemp(path.join(dir, 'run-'));
    const configFile = path.join(home, 'routes.yaml');
    await writeFile(configFile, routes('migrated'));
    const cli = strangler(
      startArgs(configFile, '--store', 'none', '--no-access-log', '--log-format', 'json'),
    );
    const [, url = '', adminUrl = ''] = await cli.waitFor(LISTENING, 20_000);
    expect(await servedBy(url)).toBe('catalog');

    // Swapped in by a rename, as an editor or a deployment would.
    await kind.make(path.join(home, 'next'));
    await rename(path.join(home, 'next'), configFile);
    await cli.waitFor(refusedLine(kind.code), 10_000, 1);
    cli.child.kill('SIGHUP');
    await cli.waitFor(refusedLine(kind.code), 10_000, 2);
    const byAdmin = (await (await fetch(`${adminUrl}/reload`, { method: 'POST' })).json()) as {
      ok: boolean;
      problems: Array<{ code: string; message: string }>;
    };
    expect([byAdmin.ok, byAdmin.problems.map((problem) => problem.code)]).toEqual([false, [kind.code]]);
    expect(byAdmin.problems[0]?.message).toContain('routes.yaml');
    await cli.waitFor(refusedLine(kind.code), 10_000, 3);

    const metrics = await (await fetch(`${adminUrl}/metrics`)).text();
    expect(metrics).toMatch(/strangler_reloads_total\{result="failure"\} 3\n/);
    const table = (await (await fetch(`${adminUrl}/routes`)).json()) as {
      version: number;
      lastReload: { ok: boolean; problems: Array<{ code: string }> };
    };
    expect([table.version, table.lastReload.ok, table.lastReload.problems[0]?.code]).toEqual([
      1,
      false,
      kind.code,
    ]);
    expect(await servedBy(url)).toBe('catalog');

    // Reloads go on: a symlink to a regular file (a ConfigMap's layout) is read as the file.
    await mkdir(path.join(home, '..v2'));
    await writeFile(path.join(home, '..v2', 'routes.yaml'), routes('legacy'));
    await symlink(path.join('..v2', 'routes.yaml'), path.join(home, 'next'));
    await rename(path.join(home, 'next'), configFile);
    await cli.waitFor(/"msg":"routes reloaded"/, 10_000);
    expect(await servedBy(url)).toBe('legacy');

    cli.child.kill('SIGTERM');
    expect(await cli.exited(15_000)).toBe(0);
  });

  it('is refused at start and by strangler validate, naming the file', async () => {
    const file = path.join(dir, `hostile-${kinds.indexOf(kind)}.yaml`);
    await kind.make(file);
    const start = strangler(startArgs(file, '--store', 'none', '--log-format', 'json'));
    expect(await start.exited(15_000)).toBe(1);
    expect(start.stderr()).toContain(kind.code);
    expect(start.stderr()).toContain(path.basename(file));
    const validate = strangler(['validate', file]);
    expect(await validate.exited(15_000)).toBe(1);
    expect(validate.stderr()).toContain(kind.code);
  });
});
