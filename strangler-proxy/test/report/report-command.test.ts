/** `strangler report`, run in-process against a real SQLite store on disk. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProgressLine, createReportCommand, parseSince } from '../../src/cli/commands/report.ts';
import { CliExit, type CliIo } from '../../src/cli/io.ts';
import { createKnexStore } from '../../src/store/knex-store.ts';
import { fillStore, NOW } from './fixtures.ts';
import { revisionsOf } from '../support/revisions.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'strangler-report-cli-'));
  const routesYaml = [
    'version: 1',
    'legacy: http://127.0.0.1:8080',
    'services:',
    '  orders: http://127.0.0.1:8081',
    'routes:',
    '  - id: orders',
    '    path: /orders',
    '    service: orders',
    '    stage: shadow',
    '    plan:',
    '      gate: { minCompared: 50, maxMismatchRate: 0.2 }',
    '',
  ].join('\n');
  const store = await createKnexStore({ url: 'sqlite:strangler.db', cwd: dir });
  await fillStore(store, revisionsOf(routesYaml));
  await store.close();
  await writeFile(path.join(dir, 'routes.yaml'), routesYaml);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(
  args: string[],
  overrides: Partial<CliIo> & { tty?: boolean; cwd?: string } = {},
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: Object.assign(
      { write: (text: string) => (stderr += text) },
      overrides.tty ? { isTTY: true } : {},
    ),
    color: false,
    cwd: overrides.cwd ?? dir,
    env: {},
    ...overrides,
  };
  try {
    await createReportCommand(io, { now: () => NOW }).parseAsync(args, { from: 'user' });
    return { code: 0, stdout, stderr };
  } catch (error) {
    if (!(error instanceof CliExit)) throw error;
    if (error.message) stderr += `${error.message}\n`;
    return { code: error.exitCode, stdout, stderr };
  }
}

describe('strangler report', () => {
  it('prints the table from ./strangler.db, with stages and gates from ./routes.yaml', async () => {
    const { code, stdout, stderr } = await run([]);

    expect(code).toBe(0);
    expect(stderr).toBe('');
    // The file allows 20% mismatches, shown by 200 pairs; a 1% error rate is not shown by 0 of 200 yet.
    expect(stdout).toMatch(/^orders\s+shadow\s+200\s+10%\s+0%.*hold$/m);
    expect(stdout).toContain(
      'orders hold: service error rate 0% (0 of 200 shadow pairs), 95% upper bound 1.49% (Clopper–Pearson) > 1%: hold: about 99 more pairs or requests',
    );
    // The routes file lists only orders: catalog and users, in the store, are named as missing from it, not reported.
    expect(stdout).not.toMatch(/^catalog\s/m);
    expect(stdout).toContain('Not in the routes file, not reported: catalog, users\n');
  });

  it('reads every recorded route when there is no routes file', async () => {
    const { stdout } = await run(['--store', `sqlite:${path.join(dir, 'strangler.db')}`], { cwd: tmpdir() });

    expect(stdout).toMatch(/^catalog\s+canary/m);
    expect(stdout).toMatch(/^orders\s+shadow.*mismatching$/m);
  });

  it('prints JSON for one route, over the window asked for', async () => {
    const { code, stdout } = await run(['--format', 'json', '--route', 'orders', '--since', '30m']);
    const report = JSON.parse(stdout);

    expect(code).toBe(0);
    expect(report.since).toBe(new Date(NOW - 30 * 60_000).toISOString());
    expect(report.routes).toHaveLength(1);
    expect(report.routes[0]).toMatchObject({
      id: 'orders',
      compared: 60,
      verdict: 'insufficient_evidence',
      decision: { verdict: 'hold' },
    });
  });

  it('writes to --out, in the format its extension names, and says so on stderr', async () => {
    const { code, stdout, stderr } = await run(['--out', 'report.html']);

    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^wrote report\.html \(html, \d+ KB\)\n$/);
    expect(await readFile(path.join(dir, 'report.html'), 'utf8')).toMatch(/^<!doctype html>/);
  });

  it('honours STRANGLER_STORE', async () => {
    const { code, stderr } = await run([], { env: { STRANGLER_STORE: 'sqlite:./elsewhere.db' } });

    expect(code).toBe(2);
    expect(stderr).toContain(`no results store at ${path.join(dir, 'elsewhere.db')}`);
  });

  it('prints no progress line for a fast read, even on a terminal', async () => {
    const fast = await run(['--format', 'json'], { tty: true });
    expect(fast.stderr).toBe('');
  });

  it.each([
    [['--format', 'pdf'], /argument 'pdf' is invalid/],
    [['--since', 'yesterday'], /expected a duration such as 30m, 6h or 7d/],
    [['--route', 'nope'], /no route "nope" in .*routes\.yaml/],
    [['--store', 'mysql://db'], /unsupported store URL mysql:\/\/db/],
    [
      ['--store', 'postgres://nobody:secret@127.0.0.1:1/x'],
      /cannot open the results store postgres:\/\/nobody:\[redacted\]@/,
    ],
  ])('fails with exit code 2 on %j', async (args, message) => {
    const { code, stderr } = await run(args);

    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toContain('secret');
  });

  it('reports problems in the routes file', async () => {
    await writeFile(path.join(dir, 'broken.yaml'), 'version: 2\n');
    const { code, stderr } = await run(['--config', 'broken.yaml']);

    expect(code).toBe(2);
    expect(stderr).toContain('invalid routes file');
  });
});

describe('parseSince', () => {
  it('takes durations before now, days included, and ISO times', () => {
    expect(parseSince('30m', NOW)).toBe(NOW - 1_800_000);
    expect(parseSince('7d', NOW)).toBe(NOW - 7 * 86_400_000);
    expect(parseSince('2025-06-01T00:00:00Z', NOW)).toBe(Date.UTC(2025, 5, 1));
    expect(() => parseSince('soon', NOW)).toThrow();
  });
});

describe('the progress line', () => {
  function stderrOf(tty: boolean) {
    const written: string[] = [];
    const io: CliIo = {
      stdout: { write: () => true },
      stderr: Object.assign({ write: (text: string) => written.push(text) }, tty ? { isTTY: true } : {}),
      color: false,
      cwd: '.',
      env: {},
    };
    return { io, written };
  }

  it('rewrites one line on a terminal once the read is slow, then clears it', async () => {
    const { io, written } = stderrOf(true);
    const progress = createProgressLine(io, 0);
    progress.update('reading routes');
    await new Promise((resolve) => setTimeout(resolve, 5));
    progress.update('reading samples');
    progress.done();

    expect(written).toEqual(['\r\u001b[2Kreading routes…', '\r\u001b[2Kreading samples…', '\r\u001b[2K']);
  });

  it('writes nothing when stderr is not a terminal', async () => {
    const { io, written } = stderrOf(false);
    const progress = createProgressLine(io, 0);
    progress.update('reading routes');
    await new Promise((resolve) => setTimeout(resolve, 5));
    progress.done();

    expect(written).toEqual([]);
  });
});
