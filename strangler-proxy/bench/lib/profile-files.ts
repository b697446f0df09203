/**
 * CPU profiles of the processes under test, one file per thread. Node writes one profile per thread
 * (`CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile`), but with `--cpu-prof-name` every thread of a
 * process writes the same file and the last to exit wins: the shadow worker's profile was lost. So each
 * process gets a directory of its own and Node's names, and the files are renamed after the run:
 * `<process>.cpuprofile` for the main thread, `<process>.thread-<id>.cpuprofile` for the others.
 */
import { readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

const NODE_PROFILE_NAME = /^CPU\.\d+\.\d+\.\d+\.(\d+)\.\d+\.cpuprofile$/;

/** Node's flags that profile one process into a directory of its own under `profileDir`. */
export function cpuProfileFlags(profileDir: string, processName: string): string[] {
  return ['--cpu-prof', `--cpu-prof-dir=${path.join(profileDir, processName)}`];
}

/**
 * Moves every process's profiles up into `profileDir` under names that say which process and thread
 * they come from, and returns them sorted. Files already named so (an earlier run) are kept.
 */
export function collectCpuProfiles(profileDir: string): string[] {
  for (const processName of readdirSync(profileDir)) {
    const folder = path.join(profileDir, processName);
    if (!statSync(folder).isDirectory()) continue;
    for (const file of readdirSync(folder)) {
      const thread = NODE_PROFILE_NAME.exec(file)?.[1];
      if (thread === undefined) continue;
      const name =
        thread === '0' ? `${processName}.cpuprofile` : `${processName}.thread-${thread}.cpuprofile`;
      renameSync(path.join(folder, file), path.join(profileDir, name));
    }
    rmSync(folder, { recursive: true, force: true });
  }
  return readdirSync(profileDir)
    .filter((file) => file.endsWith('.cpuprofile'))
    .sort()
    .map((file) => path.join(profileDir, file));
}
