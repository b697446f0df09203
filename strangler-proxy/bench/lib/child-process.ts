/**
 * The bench's processes: every server under test runs in its own child (so its CPU time and memory are
 * its own), spoken to over Node's IPC channel with small request/answer messages. The parent never
 * touches a child while it is under load: usage is read before and after a trial.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { entryModule } from '../../bin/launch.js';

/** What a child reports about itself: CPU time (µs) and memory (bytes). */
export interface ProcessUsage {
  readonly cpuMicros: number;
  readonly rss: number;
  /** Peak resident set over the process's life (bytes), from getrusage. */
  readonly maxRss: number;
}

export interface ChildHandle<Ready> {
  readonly name: string;
  readonly ready: Ready;
  call<T>(type: string, payload?: unknown, timeoutMs?: number): Promise<T>;
  usage(): Promise<ProcessUsage>;
  /** Asks the child to close (answer = its final report), then waits for it to exit (killed past a bound). */
  stop<T>(timeoutMs?: number): Promise<T | null>;
}

interface Message {
  readonly type?: string;
  readonly ready?: unknown;
  readonly id?: number;
  readonly ok?: boolean;
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

const START_TIMEOUT_MS = 20_000;

/** Starts `server-process.ts` with a spec (JSON) and resolves once it reports ready. */
export function startChild<Ready>(
  name: string,
  spec: unknown,
  options: {
    readonly execArgv?: readonly string[];
    /** Variables added to the child's environment (the launcher's, such as MALLOC_ARENA_MAX). */
    readonly env?: Readonly<Record<string, string>>;
  } = {},
): Promise<ChildHandle<Ready>> {
  const child = spawn(
    process.execPath,
    [...(options.execArgv ?? []), fileURLToPath(CHILD_SCRIPT), JSON.stringify(spec)],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...options.env } },
  );
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

  const call = <T>(type: string, payload?: unknown, timeoutMs = 30_000): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (exited) return reject(new Error(`${name} has exited`));
      const id = nextId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`${name}: no answer to ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      const settle = () => {
        clearTimeout(timer);
        waiting.delete(id);
      };
      waiting.set(id, {
        resolve: (value) => (settle(), resolve(value as T)),
        reject: (error) => (settle(), reject(error)),
      });
      child.send({ id, type, payload });
    });

  const handle = (ready: Ready): ChildHandle<Ready> => ({
    name,
    ready,
    call,
    usage: () => call<ProcessUsage>('usage'),
    async stop<T>(timeoutMs = 20_000): Promise<T | null> {
      if (exited) return null;
      const report = await call<T>('close', undefined, timeoutMs).catch(() => null);
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exit;
      clearTimeout(killer);
      return report;
    },
  });

  return new Promise((resolve, reject) => {
    const startTimer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within ${START_TIMEOUT_MS} ms`));
    }, START_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(startTimer);
      reject(new Error(`${name} exited before it was ready (code ${code ?? '?'})`));
    });
    child.on('message', (raw: unknown) => {
      const message = raw as Message;
      if (message.type === 'ready') {
        clearTimeout(startTimer);
        resolve(handle(message.ready as Ready));
        return;
      }
      const pending = typeof message.id === 'number' ? waiting.get(message.id) : undefined;
      if (!pending) return;
      if (message.ok) pending.resolve(message.value);
      else pending.reject(new Error(`${name}: ${message.error ?? 'failed'}`));
    });
  });
}
