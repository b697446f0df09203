/**
 * `npm run bench -- --cpu-prof` must keep the profile of every thread of a proxy (the shadow worker's
 * included) under a name that says whose it is. Checked with a real Node process that starts a worker.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runNode } from '../support/run-node.ts';
import { collectCpuProfiles, cpuProfileFlags } from '../../bench/lib/profile-files.ts';

const work = mkdtempSync(path.join(tmpdir(), 'strangler-profile-files-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs `code` as a module under the profile flags of process `name`; resolves with its exit code. */
async function runProfiled(profileDir: string, name: string, code: string): Promise<number | null> {
  const script = path.join(work, `${name}.mjs`);
  writeFileSync(script, code);
  return (await runNode([...cpuProfileFlags(profileDir, name), script])).code;
}

describe('the CPU profiles of the processes under test', () => {
  it("keeps the main thread's and the worker's profile of each process, named by process and thread", async () => {
    const profileDir = path.join(work, 'profiles');
    const withWorker = `
      import { Worker } from 'node:worker_threads';
      const worker = new Worker('let spin = 0; for (let i = 0; i < 1e6; i++) spin += i;', { eval: true });
      await new Promise((resolve) => worker.once('exit', resolve));
    `;
    expect(await runProfiled(profileDir, 'strangler-shadow', withWorker)).toBe(0);
    expect(
      await runProfiled(profileDir, 'express-hpm', 'let spin = 0; for (let i = 0; i < 1e5; i++) spin += i;'),
    ).toBe(0);

    const files = collectCpuProfiles(profileDir).map((file) => path.basename(file));
    expect(files).toEqual([
      'express-hpm.cpuprofile',
      'strangler-shadow.cpuprofile',
      'strangler-shadow.thread-1.cpuprofile',
    ]);
    for (const file of files) {
      const profile = JSON.parse(readFileSync(path.join(profileDir, file), 'utf8')) as { samples: unknown[] };
      expect(Array.isArray(profile.samples)).toBe(true);
    }
    // A second collection (nothing new written) finds the same files and moves nothing.
    expect(collectCpuProfiles(profileDir).map((file) => path.basename(file))).toEqual(files);
  });
});
