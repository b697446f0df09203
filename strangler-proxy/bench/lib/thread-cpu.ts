/**
 * A process's CPU time by kind of thread, read from /proc/self/task (Linux): the serving thread, the
 * shadow worker, V8's helper threads (garbage collection, optimizing compilers) and libuv's pool (file
 * system, SQLite). What `process.cpuUsage()` adds up, taken apart, so that a figure such as "14 µs per
 * request outside the serving thread" says where it goes.
 *
 * The kernel counts in clock ticks (10 ms at the usual 100 Hz): over a 5 s trial of 15,000 requests that
 * is about 0.7 µs per request, fine for these columns and too coarse for a single request.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { SHADOW_WORKER_NAME } from '../../src/shadow/mirror-executor.ts';

export const THREAD_KINDS = ['serving', 'shadowWorker', 'v8', 'libuv', 'other'] as const;
export type ThreadKind = (typeof THREAD_KINDS)[number];

/** CPU time (µs) by kind of thread. */
export type ThreadCpu = Readonly<Record<ThreadKind, number>>;

/** Clock ticks per second of /proc's times: USER_HZ, 100 on every Linux architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/** What a thread is, by the name Node and V8 give their threads. */
export function threadKind(name: string, isMain: boolean): ThreadKind {
  if (isMain) return 'serving';
  if (name === SHADOW_WORKER_NAME) return 'shadowWorker';
  // V8's platform workers run the concurrent GC and compiler jobs; the delayed-task scheduler feeds them.
  if (name === 'V8Worker' || name.startsWith('DelayedTaskSche')) return 'v8';
  if (name === 'libuv-worker') return 'libuv';
  return 'other';
}

/**
 * User plus system time (µs) from a `/proc/<pid>/task/<tid>/stat` line. The name field is in parentheses
 * and may itself hold spaces and parentheses: fields are counted after its last `)`.
 */
export function statCpuMicros(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3 of the whole line; utime and stime are fields 14 and 15.
  const user = Number(fields[11]);
  const system = Number(fields[12]);
  if (!Number.isFinite(user) || !Number.isFinite(system)) throw new Error(`not a /proc stat line: ${stat}`);
  return ((user + system) * 1_000_000) / TICKS_PER_SECOND;
}

/** One thread's CPU time so far (µs), with what it is. */
export interface ThreadTime {
  readonly tid: number;
  readonly kind: ThreadKind;
  readonly micros: number;
}

/** This process's threads and their CPU time so far, or null where /proc/self/task does not exist. */
export function readThreadCpu(
  taskDir = '/proc/self/task',
  mainTid = process.pid,
): readonly ThreadTime[] | null {
  let tasks: string[];
  try {
    tasks = readdirSync(taskDir);
  } catch {
    return null;
  }
  const threads: ThreadTime[] = [];
  for (const task of tasks) {
    let name: string;
    let stat: string;
    try {
      name = readFileSync(`${taskDir}/${task}/comm`, 'utf8').trim();
      stat = readFileSync(`${taskDir}/${task}/stat`, 'utf8');
    } catch {
      continue; // the thread ended since the listing: its time is gone from /proc
    }
    const tid = Number(task);
    threads.push({ tid, kind: threadKind(name, tid === mainTid), micros: statCpuMicros(stat) });
  }
  return threads;
}

/**
 * What each kind of thread spent between two readings (µs), thread by thread: a thread started since
 * the first reading (a shadow worker that replaced one that died) counts from zero, and one that ended
 * before the second is left out, since /proc no longer has its time.
 */
export function threadCpuSpent(before: readonly ThreadTime[], after: readonly ThreadTime[]): ThreadCpu {
  const earlier = new Map(before.map((thread) => [thread.tid, thread]));
  const spent: Record<ThreadKind, number> = { serving: 0, shadowWorker: 0, v8: 0, libuv: 0, other: 0 };
  for (const thread of after) {
    const previous = earlier.get(thread.tid);
    // A reused thread id with less time than before is a new thread.
    const from = previous && previous.micros <= thread.micros ? previous.micros : 0;
    spent[thread.kind] += thread.micros - from;
  }
  return spent;
}
