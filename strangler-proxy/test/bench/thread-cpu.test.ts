/**
 * The proxy's CPU time by kind of thread, read the way Linux lays out /proc/<pid>/task: a folder per
 * thread with its name (`comm`) and its counters (`stat`, times in clock ticks).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { readThreadCpu, statCpuMicros, threadCpuSpent, threadKind } from '../../bench/lib/thread-cpu.ts';
import { SHADOW_WORKER_NAME } from '../../src/shadow/mirror-executor.ts';

/** A stat line as the kernel writes it: utime and stime are fields 14 and 15. */
function statLine(tid: number, name: string, userTicks: number, systemTicks: number): string {
  const afterName = ['S', '1', '1', '1', '0', '-1', '4194560', '100', '0', '0', '0'];
  return `${tid} (${name}) ${[...afterName, userTicks, systemTicks, '0', '0', '20', '0', '12'].join(' ')}\n`;
}

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function taskFolder(
  threads: ReadonlyArray<readonly [tid: number, name: string, user: number, system: number]>,
) {
  const root = mkdtempSync(path.join(tmpdir(), 'thread-cpu-'));
  folders.push(root);
  for (const [tid, name, user, system] of threads) {
    mkdirSync(path.join(root, String(tid)));
    writeFileSync(path.join(root, String(tid), 'comm'), `${name}\n`);
    writeFileSync(path.join(root, String(tid), 'stat'), statLine(tid, name, user, system));
  }
  return root;
}

describe('thread CPU', () => {
  it('reads user plus system time, whatever the name holds', () => {
    expect(statCpuMicros(statLine(7, 'node', 150, 25))).toBe(1_750_000);
    // A thread may name itself with spaces and parentheses: fields count from the last ')'.
    expect(statCpuMicros(statLine(8, 'a) (b c', 3, 4))).toBe(70_000);
    expect(() => statCpuMicros('7 (node) S')).toThrow(/not a \/proc stat line/);
  });

  it('tells the threads apart by the names Node and V8 give them', () => {
    expect(threadKind('MainThread', true)).toBe('serving');
    expect(threadKind(SHADOW_WORKER_NAME, false)).toBe('shadowWorker');
    expect(threadKind('V8Worker', false)).toBe('v8');
    expect(threadKind('DelayedTaskSche', false)).toBe('v8');
    expect(threadKind('libuv-worker', false)).toBe('libuv');
    expect(threadKind('SignalInspector', false)).toBe('other');
  });

  it('reads each thread with its kind, the main thread by its id, and skips a thread that ended', () => {
    const root = taskFolder([
      [100, 'node', 200, 50],
      [101, 'V8Worker', 10, 0],
      [102, 'V8Worker', 5, 1],
      [103, 'libuv-worker', 0, 2],
      [104, SHADOW_WORKER_NAME, 40, 8],
      [105, 'SignalInspector', 0, 0],
    ]);
    mkdirSync(path.join(root, '106')); // listed, but gone before its files were read
    const before = readThreadCpu(root, 100) ?? [];
    expect([...before].sort((a, b) => a.tid - b.tid)).toEqual([
      { tid: 100, kind: 'serving', micros: 2_500_000 },
      { tid: 101, kind: 'v8', micros: 100_000 },
      { tid: 102, kind: 'v8', micros: 60_000 },
      { tid: 103, kind: 'libuv', micros: 20_000 },
      { tid: 104, kind: 'shadowWorker', micros: 480_000 },
      { tid: 105, kind: 'other', micros: 0 },
    ]);
    writeFileSync(path.join(root, '100', 'stat'), statLine(100, 'node', 260, 50));
    writeFileSync(path.join(root, '101', 'stat'), statLine(101, 'V8Worker', 12, 1));
    const after = readThreadCpu(root, 100) ?? [];
    expect(threadCpuSpent(before, after)).toEqual({
      serving: 600_000,
      shadowWorker: 0,
      v8: 30_000,
      libuv: 0,
      other: 0,
    });
  });

  it('counts a thread started since the first reading from zero, and a dead one not at all', () => {
    const before = [
      { tid: 1, kind: 'serving', micros: 1_000 },
      { tid: 7, kind: 'shadowWorker', micros: 90_000 }, // dies
      { tid: 9, kind: 'v8', micros: 500 },
    ] as const;
    const after = [
      { tid: 1, kind: 'serving', micros: 3_000 },
      { tid: 8, kind: 'shadowWorker', micros: 4_000 }, // its replacement
      { tid: 9, kind: 'v8', micros: 200 }, // an id reused by a new thread: less time than before
    ] as const;
    expect(threadCpuSpent(before, after)).toEqual({
      serving: 2_000,
      shadowWorker: 4_000,
      v8: 200,
      libuv: 0,
      other: 0,
    });
  });

  it('answers null where there is no such folder', () => {
    expect(readThreadCpu(path.join(tmpdir(), 'no-such-task-folder'))).toBeNull();
  });

  it.runIf(process.platform === 'linux')('sees a named worker spend its CPU on its own thread', async () => {
    const before = readThreadCpu();
    // Busy for 300 ms: 30 clock ticks, well above the 10 ms resolution.
    const worker = new Worker(
      'const end = Date.now() + 300; while (Date.now() < end); require("node:worker_threads").parentPort.postMessage(0)',
      { eval: true, name: SHADOW_WORKER_NAME },
    );
    await new Promise((resolve) => worker.once('message', resolve));
    const after = readThreadCpu();
    await worker.terminate();
    expect(before && after).toBeTruthy();
    if (!before || !after) return;
    expect(threadCpuSpent(before, after).shadowWorker).toBeGreaterThanOrEqual(200_000);
  });
});
