import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

interface Started {
  readonly child: ChildProcess;
  readonly logs: Array<Record<string, unknown>>;
  readonly url: string;
}

/** Starts main.ts and resolves on its "listening" log line (or rejects if it exits first). */
function start(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const logs: Array<Record<string, unknown>> = [];
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      logs.push(entry);
      if (entry.msg === 'listening') resolve({ child, logs, url: String(entry.url) });
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before listening`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'monolith-main-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('main.ts', () => {
  it('creates, migrates and seeds the database, serves, and stops cleanly on SIGTERM', async () => {
    const env = { PORT: '0', DB_FILE: join(dir, 'nested', 'shop.db'), LOG_LEVEL: 'info' };
    const first = await start(env);
    expect(first.logs.map((entry) => entry.msg)).toContain('database seeded');
    const health = await fetch(`${first.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', checks: { database: 'ok' } });
    expect(await stop(first.child)).toBe(0);
    expect(first.logs.at(-1)?.msg).toBe('stopped');

    const second = await start(env);
    expect(second.logs.map((entry) => entry.msg)).toContain('database already seeded');
    expect(await stop(second.child)).toBe(0);
  });

  it('refuses invalid settings and names them', async () => {
    const child = spawn(process.execPath, [MAIN], {
      env: { ...process.env, PORT: 'eighty', LOG_LEVEL: 'loud' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).not.toBe(0);
    expect(stderr).toContain('PORT=eighty');
    expect(stderr).toContain('LOG_LEVEL=loud');
  });
});
