/** Spawns the real `strangler` command (bin/strangler.js) on the project's Node. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export const STRANGLER_BIN = fileURLToPath(new URL('../../../bin/strangler.js', import.meta.url));

export interface CliProcess {
  readonly child: ChildProcess;
  /** Output so far. */
  stdout(): string;
  stderr(): string;
  /**
   * Resolves with the `occurrence`th stdout match of `pattern` (the first by default), or rejects on exit
   * or after `timeoutMs`.
   */
  waitFor(pattern: RegExp, timeoutMs: number, occurrence?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (signal name when killed), or 'timeout' after `timeoutMs`. */
  exited(timeoutMs: number): Promise<number | string>;
}

export function startCli(
  args: readonly string[],
  options: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    /** Node's arguments before the CLI's own: the launcher by default. */
    command?: readonly string[];
    /** What runs `command`: this Node by default; an installed command runs itself (its #! line). */
    executable?: string;
    /** In a process group of its own, to be signalled as a terminal signals a command (Ctrl-C). */
    detached?: boolean;
  } = {},
): CliProcess {
  const executable = options.executable ?? process.execPath;
  const child = spawn(executable, [...(options.command ?? [STRANGLER_BIN]), ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let out = '';
  let err = '';
  const watchers = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
    for (const watcher of [...watchers]) watcher();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const exit = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitFor(pattern, timeoutMs, occurrence = 1) {
      const every = new RegExp(pattern.source, pattern.flags.replace('g', '') + 'g');
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = [...out.matchAll(every)][occurrence - 1];
          if (!match) return;
          watchers.delete(check);
          clearTimeout(timer);
          resolve(match);
        };
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(new Error(`no ${String(pattern)} within ${timeoutMs} ms; stdout: ${out}\nstderr: ${err}`));
        }, timeoutMs);
        watchers.add(check);
        void exit.then(([code, signal]) => {
          if (!watchers.has(check)) return;
          watchers.delete(check);
          clearTimeout(timer);
          reject(
            new Error(`exited (${code ?? signal}) before ${String(pattern)}; stdout: ${out}\nstderr: ${err}`),
          );
        });
        check();
      });
    },
    async exited(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      const result = await Promise.race([exit.then(([code, signal]) => code ?? signal ?? -1), timeout]);
      clearTimeout(timer);
      return result;
    },
  };
}

/** `strangler start` on `configFile`, the proxy and admin listeners on ephemeral ports, then `more`. */
export function startArgs(configFile: string, ...more: string[]): string[] {
  return ['start', '--config', configFile, '--port', '0', '--admin-port', '0', ...more];
}

/** The URLs `strangler start` prints once listening. */
export const LISTENING = /strangler proxy on (http:\/\/\S+)\s+admin (http:\/\/\S+|off)/;
