/** Runs an entry point as a child process and waits for its "listening" log line (no sleeping). */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ChildService {
  readonly child: ChildProcess;
  readonly logs: Array<Record<string, unknown>>;
  readonly url: string;
}

export function startChild(entry: string, env: Record<string, string>): Promise<ChildService> {
  const child = spawn(process.execPath, [entry], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      logs.push(entry);
      if (entry.msg === 'listening') resolve({ child, logs, url: String(entry.url) });
    });
    child.once('exit', (code) => {
      const last = logs.at(-1);
      reject(
        new Error(
          `exited with ${code} before listening: ${String(last?.msg)} ${JSON.stringify(last?.err ?? '')} ${stderr}`,
        ),
      );
    });
  });
}

/** Sends SIGTERM and resolves with the exit code. */
export function stopChild(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}
