/**
 * The bench's processes: every server under test runs in its own child (so its CPU time and memory are
 * its own), spoken to over Node's IPC channel with small request/answer messages. The parent never
 * touches a child's event loop while it is under load: usage is read before and after a trial, and the
 * resident set is sampled from /proc, outside the child.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { entryModule } from '../../bin/launch.js';
import type { ThreadTime } from './thread-cpu.ts';

/** What a child reports about itself: CPU time (µs) and memory (bytes). */
export interface ProcessUsage {
  readonly cpuMicros: number;
  /** CPU time of the main thread alone (the one serving requests; without the shadow worker and libuv's pool). */
  readonly mainThreadCpuMicros: number;
  /** Each thread's CPU time so far (Linux's /proc), null elsewhere. */
  readonly threads: readonly ThreadTime[] | null;
  readonly rss: number;
  /** Peak resident set over the process's life (bytes), from getrusage. */
  readonly maxRss: number;
}

export interface ChildHandle<Ready> {
  readonly name: string;
  readonly pid: number;
  readonly ready: Ready;
  call<T>(type: string, payload?: unknown, timeoutMs?: number): Promise<T>;
  usage(): Promise<ProcessUsage>;
  /** Asks the child to close (answer = its final report), then waits for it to exit (killed past a bound). */
  stop<T>(timeoutMs?: number): Promise<T | null>;
  readonly exited: boolean;
}

interface Answer {
  readonly id: number;
  readonly ok: boolean;
  readonly value?: unknown;
  readonly error?: string;
}

/**
 * What the children run, decided once per bench run so every child and the report agree: the compiled
 * build (`npm run bench` builds it first), as `strangler` runs after `npm install`; the sources when one
 * is newer than the build.
 */
const CHILD_SCRIPT = entryModule('bench/lib/server-process.ts');

export const CHILD_CODE: 'compiled' | 'sources' = CHILD_SCRIPT.endsWith('.js') ? 'compiled' : 'sources';

/** Starts `server-process.ts` with a spec (JSON) and resolves once it reports ready. */
export function startChild<Ready>(
  name: string,
  spec: unknown,
  options: {
    readonly execArgv?: readonly string[];
    readonly startTimeoutMs?: number;
    /** A command the child runs under (valgrind): its pid is then the command's, which runs Node in place. */
    readonly wrapper?: readonly string[];
    /** Variables added to the child's environment (the launcher's, such as MALLOC_ARENA_MAX). */
    readonly env?: Readonly<Record<string, string>>;
  } = {},
): Promise<ChildHandle<Ready>> {
  const nodeArgs = [...(options.execArgv ?? []), fileURLToPath(CHILD_SCRIPT), JSON.stringify(spec)];
  const [command, ...wrapperArgs] = options.wrapper ?? [];
  const env = { ...process.env, ...options.env };
  const child: ChildProcess =
    command === undefined
      ? spawn(process.execPath, nodeArgs, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env })
      : spawn(command, [...wrapperArgs, process.execPath, ...nodeArgs], {
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
          env,
        });
  let nextId = 1;
  let exited = false;
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      for (const pending of waiting.values())
        pending.reject(new Error(`${name} exited (${signal ?? code ?? '?'})`));
      waiting.clear();
      resolve();
    });
  });

  return new Promise((resolve, reject) => {
    const startTimer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within ${options.startTimeoutMs ?? 20_000} ms`));
    }, options.startTimeoutMs ?? 20_000);
    child.once('exit', (code) => {
      clearTimeout(startTimer);
      reject(new Error(`${name} exited before it was ready (code ${code ?? '?'})`));
    });
    child.on('message', (raw: unknown) => {
      const message = raw as { type?: string; ready?: Ready } & Partial<Answer>;
      if (message.type === 'ready') {
        clearTimeout(startTimer);
        resolve(handle(message.ready as Ready));
        return;
      }
      if (typeof message.id !== 'number') return;
      const pending = waiting.get(message.id);
      if (!pending) return;
      waiting.delete(message.id);
      if (message.ok) pending.resolve(message.value);
      else pending.reject(new Error(`${name}: ${message.error ?? 'failed'}`));
    });
  });

  function handle(ready: Ready): ChildHandle<Ready> {
    const call = <T>(type: string, payload?: unknown, timeoutMs = 30_000): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        if (exited) return reject(new Error(`${name} has exited`));
        const id = nextId++;
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error(`${name}: no answer to ${type} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(id, {
          resolve: (value) => {
            clearTimeout(timer);
            resolve(value as T);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
        child.send({ id, type, payload });
      });
    return {
      name,
      pid: child.pid ?? 0,
      ready,
      call,
      usage: () => call<ProcessUsage>('usage'),
      get exited() {
        return exited;
      },
      async stop<T>(timeoutMs = 20_000): Promise<T | null> {
        if (exited) return null;
        const report = await call<T>('close', undefined, timeoutMs).catch(() => null);
        const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exit;
        clearTimeout(killer);
        return report;
      },
    };
  }
}

/** Resident set of a process now (bytes), read from /proc; null where /proc is not available. */
export function readRss(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; returns the peak seen (bytes). */
export function sampleRss(pid: number, everyMs = 100): { stop(): number } {
  let peak = readRss(pid) ?? 0;
  const timer = setInterval(() => {
    const rss = readRss(pid);
    if (rss !== null && rss > peak) peak = rss;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const rss = readRss(pid);
      if (rss !== null && rss > peak) peak = rss;
      return peak;
    },
  };
}
