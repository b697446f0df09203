/** A small node:http client for fault tests: every outcome (status, body, or the error) is data. */
import type { Agent } from 'node:http';
import { request } from 'node:http';

export interface Outcome {
  readonly status: number | null;
  readonly body: string;
  /** Error code when the exchange failed (reset, cut-short body...). */
  readonly error: string | null;
  /** The body ended as framed (Content-Length met or final chunk seen). */
  readonly complete: boolean;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly elapsedMs: number;
}

export interface SendOptions {
  readonly method?: string;
  readonly headers?: Record<string, string | number>;
  readonly body?: string | Buffer;
  readonly agent?: Agent | false;
  /** Hard bound: the exchange is abandoned (error `CLIENT_BOUND`) after this long. */
  readonly timeoutMs?: number;
}

export function send(baseUrl: string, path: string, options: SendOptions = {}): Promise<Outcome> {
  const startedAt = performance.now();
  const url = new URL(path, baseUrl);
  return new Promise((resolve) => {
    let settled = false;
    const chunks: Buffer[] = [];
    let status: number | null = null;
    let headers: Outcome['headers'] = {};
    let complete = false;
    const finish = (error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(bound);
      resolve({
        status,
        body: Buffer.concat(chunks).toString('utf8'),
        error,
        complete,
        headers,
        elapsedMs: performance.now() - startedAt,
      });
    };
    const outgoing = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: options.agent ?? false },
      (response) => {
        status = response.statusCode ?? null;
        headers = response.headers;
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          complete = response.complete;
          finish(null);
        });
        response.on('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
        response.on('close', () => finish(response.complete ? null : 'CUT_SHORT'));
      },
    );
    const bound = setTimeout(() => {
      finish('CLIENT_BOUND');
      outgoing.destroy();
    }, options.timeoutMs ?? 10_000);
    outgoing.on('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
    outgoing.end(options.body);
  });
}

/**
 * Runs `total` requests with `concurrency` workers, bounded by `timeoutMs` overall; `pick(i)` gives each
 * request's path (and options). Returns every outcome.
 */
export async function runLoad(
  baseUrl: string,
  total: number,
  concurrency: number,
  pick: (index: number) => { path: string; options?: SendOptions },
  timeoutMs = 60_000,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const deadline = performance.now() + timeoutMs;
  let next = 0;
  const worker = async () => {
    while (next < total && performance.now() < deadline) {
      const index = next;
      next += 1;
      const { path, options } = pick(index);
      outcomes.push(await send(baseUrl, path, options));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return outcomes;
}

/** Counts outcomes by `status` (or error code). */
export function tally(outcomes: readonly Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) {
    const key = outcome.error ? `${outcome.status ?? '-'}:${outcome.error}` : String(outcome.status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
