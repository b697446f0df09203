/**
 * How the `strangler` command starts (bin/launch.js): the Node flags of its #! line, and the choice
 * between the compiled build and the sources.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  entryModule,
  isBuildFresh,
  launcherEnv,
  launcherNodeFlags,
  LAUNCHER,
  unsupportedNode,
} from '../../bin/launch.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'strangler-launch-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the launcher’s Node flags', () => {
  it('reads them from the #! line and this Node accepts every one', () => {
    const flags = launcherNodeFlags();
    expect(flags.length).toBeGreaterThan(0);
    const run = spawnSync(process.execPath, [...flags, '-e', '0'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('starts Node with its variables and flags when run as a command (env -S)', () => {
    // A script with the launcher's own first line, run by the kernel through that line.
    const script = path.join(tempDir(), 'probe.js');
    const firstLine = readFileSync(LAUNCHER, 'utf8').split('\n', 1)[0] ?? '';
    writeFileSync(
      script,
      `${firstLine}\nprocess.stdout.write(JSON.stringify({ env: process.env, flags: process.execArgv }));\n`,
    );
    chmodSync(script, 0o755);
    // The project's Node first on PATH, as npm puts it for its scripts.
    const pathWithNode = `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`;
    const run = spawnSync(script, [], { encoding: 'utf8', env: { ...process.env, PATH: pathWithNode } });
    expect(run.stderr).toBe('');
    const seen = JSON.parse(run.stdout) as { env: Record<string, string>; flags: string[] };
    expect(seen.flags).toEqual(launcherNodeFlags());
    expect(Object.keys(launcherEnv())).toContain('MALLOC_ARENA_MAX');
    for (const [name, value] of Object.entries(launcherEnv())) expect(seen.env[name]).toBe(value);
  });

  it('holds the young generation down under short-lived garbage', () => {
    // V8 otherwise sizes the young generation from the machine's memory: this script's new space grows
    // to 134 MB on a 24 GB machine without the flags, and stops at 32 MB with them.
    const script = `
      const v8 = require('node:v8');
      let peak = 0, keep = [];
      for (let i = 0; i < 1_500_000; i++) {
        keep.push({ i, text: 'x'.repeat(64) + i });
        if (keep.length > 50_000) keep = [];
        if (i % 1_000 === 0) peak = Math.max(peak, v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
      }
      process.stdout.write(String(peak));`;
    const run = spawnSync(process.execPath, [...launcherNodeFlags(), '-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(Number(run.stdout)).toBeGreaterThan(0);
    expect(Number(run.stdout)).toBeLessThanOrEqual(48 * 1024 * 1024);
  });

  it('accepts a plain "#!/usr/bin/env node" and names the file when the line is anything else', () => {
    const dir = tempDir();
    const plain = path.join(dir, 'plain.js');
    writeFileSync(plain, '#!/usr/bin/env node\nconsole.log(1);\n');
    expect(launcherNodeFlags(plain)).toEqual([]);
    expect(launcherEnv(plain)).toEqual({});
    const split = path.join(dir, 'split.js');
    writeFileSync(split, '#!/usr/bin/env -S node --max-semi-space-size=8 --stack-trace-limit=50\n');
    expect(launcherNodeFlags(split)).toEqual(['--max-semi-space-size=8', '--stack-trace-limit=50']);
    const withEnv = path.join(dir, 'env.js');
    writeFileSync(
      withEnv,
      '#!/usr/bin/env -S MALLOC_ARENA_MAX=2 UV_THREADPOOL_SIZE=8 node --max-semi-space-size=8\n',
    );
    expect(launcherEnv(withEnv)).toEqual({ MALLOC_ARENA_MAX: '2', UV_THREADPOOL_SIZE: '8' });
    expect(launcherNodeFlags(withEnv)).toEqual(['--max-semi-space-size=8']);
    // Without -S, env would look for a program called "node --flag".
    const broken = path.join(dir, 'broken.js');
    writeFileSync(broken, '#!/usr/bin/env node --max-semi-space-size=8\n');
    expect(() => launcherNodeFlags(broken)).toThrow(`${broken}: line 1 is not`);
  });

  it('is the file the package names as its command', async () => {
    const { default: manifest } = (await import('../../package.json', { with: { type: 'json' } })) as {
      default: { bin: Record<string, string> };
    };
    const root = fileURLToPath(new URL('../..', import.meta.url));
    expect(path.resolve(root, manifest.bin['strangler-proxy'] ?? '')).toBe(LAUNCHER);
  });
});

describe('compiled build or sources', () => {
  /** A package root with one source and, optionally, a build stamp started at `builtAt` (ms). */
  function packageRoot(builtAt: number | null, sourceTime: number): string {
    const root = tempDir();
    mkdirSync(path.join(root, 'src', 'cli'), { recursive: true });
    const source = path.join(root, 'src', 'cli', 'main.ts');
    writeFileSync(source, 'export {};\n');
    utimesSync(source, sourceTime / 1000, sourceTime / 1000);
    if (builtAt !== null) {
      mkdirSync(path.join(root, 'dist'), { recursive: true });
      writeFileSync(path.join(root, 'dist', 'build-stamp.json'), JSON.stringify({ startedAt: builtAt }));
    }
    return root;
  }
  const t = Date.parse('2026-11-01T10:00:00Z');

  it('runs the build when it started after the last change to any source', () => {
    const root = packageRoot(t + 60_000, t);
    expect(isBuildFresh(root)).toBe(true);
    expect(entryModule('src/cli/main.ts', root)).toMatch(/\/dist\/src\/cli\/main\.js$/);
  });

  it('runs the sources when one changed after the build started, or there is no complete build', () => {
    const edited = packageRoot(t, t + 1);
    expect(isBuildFresh(edited)).toBe(false);
    expect(entryModule('src/cli/main.ts', edited)).toMatch(/\/src\/cli\/main\.ts$/);
    expect(entryModule('src/cli/main.ts', edited)).not.toContain('/dist/');

    const neverBuilt = packageRoot(null, t);
    expect(isBuildFresh(neverBuilt)).toBe(false);

    const garbled = packageRoot(t + 60_000, t);
    writeFileSync(path.join(garbled, 'dist', 'build-stamp.json'), '{"startedAt":');
    expect(isBuildFresh(garbled)).toBe(false);
  });

  it('looks at nested folders, and at the bench’s folder only for the bench’s own modules', () => {
    const root = packageRoot(t + 60_000, t);
    mkdirSync(path.join(root, 'bench', 'lib'), { recursive: true });
    const benchSource = path.join(root, 'bench', 'lib', 'server-process.ts');
    writeFileSync(benchSource, 'export {};\n');
    utimesSync(benchSource, (t + 120_000) / 1000, (t + 120_000) / 1000);
    // An edit to the bench leaves the proxy on its build, and the bench's child on its sources.
    expect(entryModule('src/cli/main.ts', root)).toMatch(/\/dist\/src\/cli\/main\.js$/);
    expect(entryModule('bench/lib/server-process.ts', root)).toMatch(/\/bench\/lib\/server-process\.ts$/);
    expect(entryModule('bench/lib/server-process.ts', root)).not.toContain('/dist/');

    const nested = path.join(root, 'src', 'cli', 'commands');
    mkdirSync(nested, { recursive: true });
    writeFileSync(path.join(nested, 'start.ts'), 'export {};\n');
    expect(isBuildFresh(root)).toBe(false);
  });
});

describe('a Node too old for the proxy', () => {
  it('is refused with the minimum of the package’s engines and advice to install a Node, not to run npx', async () => {
    const { default: manifest } = (await import('../../package.json', { with: { type: 'json' } })) as {
      default: { name: string; engines: { node: string } };
    };
    const minimum = manifest.engines.node.replace('>=', '');
    const refusal = unsupportedNode('20.20.2', '/usr/bin/node');
    expect(refusal).toContain(
      `${manifest.name} needs Node >= ${minimum} (the node on PATH is 20.20.2, /usr/bin/node)`,
    );
    expect(refusal).toContain('Install a current Node');
    expect(refusal).not.toMatch(/npx|npm exec|run it through npm/);
    expect(unsupportedNode('22.14.0', 'node')).not.toBeNull();
    expect(unsupportedNode(minimum, 'node')).toBeNull();
    expect(unsupportedNode('24.0.0', 'node')).toBeNull();
    expect(unsupportedNode('30.1.0', 'node')).toBeNull();
  });
});
