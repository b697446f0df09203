/**
 * The shadow worker's place in the CPU queue. Linux schedules threads, and each has its own nice value:
 * raised on the worker's thread alone, the serving thread gets a core first whenever both want one (at
 * 10 levels apart a thread weighs about a tenth of the other), while the worker keeps every core the
 * serving thread leaves idle. Elsewhere a priority is the whole process's, and nothing is changed.
 */
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** How many nice levels below the serving thread the shadow worker runs. */
export const SHADOW_WORKER_NICE_LEVELS = 10;

/** Linux's highest nice value (the lowest priority). */
const MAX_NICE = 19;

/** The calling thread's id on Linux (`/proc/thread-self` links to `<pid>/task/<tid>`), else null. */
export function currentThreadId(): number | null {
  try {
    const tid = Number(/\/task\/(\d+)$/.exec(readlinkSync('/proc/thread-self'))?.[1]);
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

/**
 * Moves the calling thread `levels` nice levels down from where it is (never up: that would need
 * privileges, and would put it ahead of the serving thread). The thread's new nice value, or null where
 * threads have no priority of their own or the system refused.
 */
export function lowerCurrentThreadPriority(levels: number): number | null {
  const tid = currentThreadId();
  if (tid === null) return null;
  try {
    const niceness = Math.min(MAX_NICE, getPriority(tid) + levels);
    setPriority(tid, niceness);
    return niceness;
  } catch {
    return null;
  }
}
