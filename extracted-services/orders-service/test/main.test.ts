import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

function start(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; logs: Array<Record<string, unknown>>; url: string }> {
  const child = spawn(process.execPath, [MAIN], {
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
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orders-main-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('main.ts', () => {
  it('migrates its database, serves /health, and stops cleanly on SIGTERM', async () => {
    const { child, logs, url } = await start({ PORT: '0', DB_FILE: join(dir, 'data', 'orders.db') });
    expect(logs.at(-1)).toMatchObject({
      catalog_url: 'http://127.0.0.1:4001',
      legacy_url: 'http://127.0.0.1:3000',
    });
    const health = await fetch(`${url}/health`);
    expect(await health.json()).toEqual({ status: 'ok', checks: { database: 'ok' } });
    const exit = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(logs.at(-1)?.msg).toBe('stopped');
  });

  it('refuses invalid settings, naming every one', async () => {
    const failure = await start({
      PORT: '0',
      CATALOG_URL: 'ftp://catalog',
      UPSTREAM_TIMEOUT_MS: 'soon',
    }).catch((error: unknown) => String(error));
    expect(failure).toContain('exited with 1');
    expect(failure).toContain('CATALOG_URL=ftp://catalog');
    expect(failure).toContain('UPSTREAM_TIMEOUT_MS=soon');
  });
});
