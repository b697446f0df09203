/**
 * Closed-loop load with a real load tool: wrk where it is installed (C, little CPU of its own: more of
 * the two cores left to the server under test), else autocannon (installed by `npm install`). Both keep
 * connections alive and report completed requests, latency percentiles and errors the same way.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { percentile } from './stats.ts';

export type LoadTool = 'wrk' | 'autocannon';

export interface LoadOptions {
  readonly url: string;
  readonly connections: number;
  readonly durationSec: number;
  readonly method?: 'GET' | 'POST';
  readonly body?: Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface LoadResult {
  readonly durationSec: number;
  /** Responses received (any status). */
  readonly requests: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Connection errors, resets and timeouts. */
  readonly errors: number;
  /** Responses outside 2xx. */
  readonly non2xx: number;
}

/** wrk's version line, or null when it is not installed. */
export function wrkVersion(): string | null {
  const probe = spawnSync('wrk', ['--version'], { encoding: 'utf8', timeout: 5_000 });
  if (probe.error) return null;
  const line = `${probe.stdout}${probe.stderr}`.split('\n')[0] ?? '';
  return /^wrk /.test(line) ? line.replace(/\s+Copyright.*$/, '').trim() : null;
}

export function autocannonVersion(): string {
  const require = createRequire(import.meta.url);
  return `autocannon ${(require('autocannon/package.json') as { version: string }).version}`;
}

export function runLoad(tool: LoadTool, options: LoadOptions): Promise<LoadResult> {
  return tool === 'wrk' ? runWrk(options) : runAutocannon(options);
}

// ---- autocannon ----------------------------------------------------------------------------------

interface AutocannonResult {
  readonly duration: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly requests: { readonly total: number };
}

interface AutocannonInstance {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
  on(event: 'done', listener: (result: AutocannonResult) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
}

type Autocannon = (options: Record<string, unknown>) => AutocannonInstance;

function runAutocannon(options: LoadOptions): Promise<LoadResult> {
  const require = createRequire(import.meta.url);
  const autocannon = require('autocannon') as Autocannon;
  return new Promise((resolve, reject) => {
    // autocannon's own histogram has 1 ms resolution; response times (float ms) are kept here instead.
    let latencies = new Float64Array(65_536);
    let count = 0;
    let non2xx = 0;
    const instance = autocannon({
      url: options.url,
      connections: options.connections,
      duration: options.durationSec,
      method: options.method ?? 'GET',
      ...(options.body ? { body: options.body } : {}),
      headers: { ...options.headers },
      timeout: 10,
    });
    instance.on('response', (_client, status, _bytes, ms) => {
      if (count === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[count++] = ms;
      if (status < 200 || status > 299) non2xx++;
    });
    instance.on('error', reject);
    instance.on('done', (result) => {
      const sorted = latencies.subarray(0, count).sort();
      resolve({
        durationSec: result.duration,
        requests: count,
        rps: count / result.duration,
        p50Ms: percentile(sorted, 0.5),
        p99Ms: percentile(sorted, 0.99),
        errors: result.errors + result.timeouts,
        non2xx,
      });
    });
  });
}

// ---- wrk -----------------------------------------------------------------------------------------

/** Lua for wrk: the request shape, and one JSON line of results (latencies in µs) on stdout. */
function wrkScript(options: LoadOptions, bodyFile: string | null): string {
  const headers = Object.entries(options.headers ?? {})
    .map(([name, value]) => `wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}`)
    .join('\n');
  return `
wrk.method = ${JSON.stringify(options.method ?? 'GET')}
${headers}
${bodyFile ? `local f = io.open(${JSON.stringify(bodyFile)}, "rb"); wrk.body = f:read("*all"); f:close()` : ''}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"durationUs":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"p50":%d,"p99":%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
`;
}

function runWrk(options: LoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'strangler-bench-wrk-'));
  const bodyFile = options.body ? path.join(dir, 'body') : null;
  if (bodyFile && options.body) writeFileSync(bodyFile, options.body);
  const script = path.join(dir, 'script.lua');
  writeFileSync(script, wrkScript(options, bodyFile));
  // wrk takes whole seconds; one thread is plenty on loopback and leaves the cores to the servers.
  const seconds = Math.max(1, Math.round(options.durationSec));
  const args = [
    '-t1',
    `-c${options.connections}`,
    `-d${seconds}s`,
    '--timeout',
    '10s',
    '-s',
    script,
    options.url,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), (seconds + 30) * 1000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(killer);
      rmSync(dir, { recursive: true, force: true });
      const line = stdout.split('\n').find((text) => text.startsWith('{"requests"'));
      if (code !== 0 || !line) {
        reject(new Error(`wrk failed (exit ${code ?? '?'}): ${stderr.trim() || stdout.trim()}`));
        return;
      }
      const raw = JSON.parse(line) as Record<string, number>;
      const n = (key: string) => raw[key] ?? 0;
      const durationSec = n('durationUs') / 1e6;
      resolve({
        durationSec,
        requests: n('requests'),
        rps: n('requests') / durationSec,
        p50Ms: n('p50') / 1000,
        p99Ms: n('p99') / 1000,
        errors: n('connect') + n('read') + n('write') + n('timeout'),
        // wrk counts responses outside 2xx/3xx as status errors.
        non2xx: n('status'),
      });
    });
  });
}
