/**
 * The profile reader of `npm run bench -- --cpu-prof`: self time per function and area, the inclusive
 * view, the time window, and the command's answers to bad input.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runNode } from '../support/run-node.ts';
import { summariseProfile, type CpuProfile } from '../../bench/profile-summary.ts';

const SCRIPT = fileURLToPath(new URL('../../bench/profile-summary.ts', import.meta.url));

const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0 });

/**
 * 0–10 ms: the handler (5 samples of 2 ms), 10–20 ms: idle, 20–30 ms: httpxy called by the handler.
 * Node 1 is the root, 2 the handler, 3 idle, 4 httpxy under the handler.
 */
const PROFILE: CpuProfile = {
  startTime: 1_000_000,
  endTime: 1_030_000,
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 3] },
    {
      id: 2,
      callFrame: frame('handleRequest', 'file:///x/strangler-proxy/src/proxy/request-handler.ts'),
      children: [4],
    },
    { id: 3, callFrame: frame('(idle)') },
    { id: 4, callFrame: frame('web', 'file:///x/node_modules/httpxy/dist/index.mjs') },
  ],
  samples: [2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4],
  timeDeltas: Array.from({ length: 15 }, () => 2_000),
};

const runCli = (args: readonly string[]) => runNode([SCRIPT, ...args]);

describe('summariseProfile', () => {
  it('charges each sample to its function and area, idle apart', () => {
    const summary = summariseProfile(PROFILE);
    expect(summary.totalMicros).toBe(30_000);
    expect(summary.idleMicros).toBe(10_000);
    expect(summary.packages).toEqual([
      { name: 'src/proxy', micros: 10_000, share: 0.5 },
      { name: 'pkg:httpxy', micros: 10_000, share: 0.5 },
    ]);
  });

  it('adds the callees to a filtered function in the inclusive view', () => {
    const summary = summariseProfile(PROFILE, 25, 'handleRequest');
    expect(summary.inclusive).toEqual([
      { name: 'handleRequest strangler-proxy/src/proxy/request-handler.ts:1', micros: 20_000, share: 1 },
    ]);
  });

  it('keeps only the samples of a window', () => {
    const summary = summariseProfile(PROFILE, 25, undefined, { fromMs: 21, toMs: 30 });
    expect(summary.totalMicros).toBe(10_000);
    expect(summary.packages).toEqual([{ name: 'pkg:httpxy', micros: 10_000, share: 1 }]);
    expect(summariseProfile(PROFILE, 25, undefined, { toMs: 9 }).totalMicros).toBe(8_000);
  });
});

describe('node bench/profile-summary.ts', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'strangler-profile-summary-'));
  const good = path.join(work, 'good.cpuprofile');
  writeFileSync(good, JSON.stringify(PROFILE));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('prints the summary of the window it is asked for', async () => {
    const { code, stdout } = await runCli([good, '--from', '21', '--to', '30']);
    expect(code).toBe(0);
    expect(stdout).toContain('busy 10 ms of 10 ms sampled');
    expect(stdout).toMatch(/100\.0%\s+10 ms {2}pkg:httpxy/);
    expect(stdout).not.toContain('src/proxy');
  });

  it('answers --help with its options', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--from <ms>');
  });

  it('names what is wrong: an unknown option, a bad number, a missing file, a file that is no profile', async () => {
    const unknown = await runCli([good, '--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--bogus'");

    const badNumber = await runCli([good, '--from', 'soon']);
    expect(badNumber.code).toBe(2);
    expect(badNumber.stderr).toContain('--from takes milliseconds (a number ≥ 0), not "soon"');

    const missing = await runCli([path.join(work, 'absent.cpuprofile')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('absent.cpuprofile: ENOENT');

    const notProfile = path.join(work, 'notes.json');
    writeFileSync(notProfile, '{"nodes": 3}');
    const wrong = await runCli([notProfile]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('notes.json is not a V8 CPU profile');
    expect(`${unknown.stderr}${badNumber.stderr}${missing.stderr}${wrong.stderr}`).not.toMatch(/\n\s+at /);
  });
});
