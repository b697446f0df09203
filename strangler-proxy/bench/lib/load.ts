/**
 * The two kinds of load. Closed loop: autocannon, many connections each sending its next request when
 * its answer is in. Fixed rate (open loop): a small pacer over undici's pool. autocannon's `overallRate`
 * is not used for it: it splits the rate among its connections and lets each send back to back until
 * its quota for the second is used, so the load comes in bursts and latency is measured under a
 * momentary overload. The pacer sends each request when it is due, whatever happened to the previous
 * ones (on a new connection when every open one is busy, up to a bound), and times it from then to its
 * answer's end.
 */
import { once, type EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { percentile } from './stats.ts';

const require = createRequire(import.meta.url);
const { version } = require('autocannon/package.json') as { version: string };
export const LOAD_TOOLS = `autocannon ${version} (closed loop), undici pacer (fixed rate)`;

const is2xx = (status: number) => status >= 200 && status <= 299;
type Request = { method?: 'POST'; body?: Buffer; headers?: Record<string, string> };

/** Closed-loop load; each answer's time is kept (autocannon's own histogram has whole milliseconds). */
export async function runLoad(
  options: { url: string; connections: number; durationSec: number; amount?: number | undefined } & Request,
) {
  const autocannon = require('autocannon') as (options: Record<string, unknown>) => EventEmitter;
  // `amount`: that many requests, however long they take, instead of `durationSec`.
  const { durationSec, amount, ...request } = options;
  const latencies: number[] = [];
  let non2xx = 0;
  const instance = autocannon({
    ...request,
    ...(amount ? { amount } : { duration: durationSec }),
    timeout: 10,
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    latencies.push(ms);
    if (!is2xx(status)) non2xx++;
  });
  // Rejects on autocannon's 'error'.
  const [done] = (await once(instance, 'done')) as [{ duration: number; errors: number; timeouts: number }];
  const sorted = Float64Array.from(latencies).sort();
  return {
    durationSec: done.duration,
    requests: sorted.length,
    rps: sorted.length / done.duration,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    /** Connection errors, resets and timeouts; and answers outside 2xx. */
    errors: done.errors + done.timeouts,
    non2xx,
  };
}

export type LoadResult = Awaited<ReturnType<typeof runLoad>>;

export type PacedResult = Awaited<ReturnType<typeof runPaced>>;

/**
 * `rate` GETs a second for `durationSec`, after `leadInSec` at the same rate whose requests are reported
 * apart (`leadIn`): the connections are open and in use when the measured ones start, as wrk2 does with
 * its calibration period.
 */
export async function runPaced(options: {
  url: string;
  rate: number;
  durationSec: number;
  leadInSec?: number;
  timeoutMs?: number;
  /** Past this many connections, due requests wait in the pool's queue (and their wait is timed). */
  connections?: number;
}) {
  const url = new URL(options.url);
  const timeout = options.timeoutMs ?? 10_000;
  const bound = { connections: options.connections ?? 256, headersTimeout: timeout, bodyTimeout: timeout };
  const pool = new Pool(url.origin, bound);
  let connections = 0;
  pool.on('connect', () => connections++);
  const leadInCount = Math.round(options.rate * (options.leadInSec ?? 0));
  const total = leadInCount + Math.max(1, Math.round(options.rate * options.durationSec));
  const tally = () => ({ sent: 0, errors: 0, non2xx: 0, times: [] as number[] });
  const [lead, main] = [tally(), tally()];
  // Timed from when it was due, not from when it went out: a late send is the pacer's delay or the
  // pool's queue, and a client would have waited through it.
  const send = async (window: ReturnType<typeof tally>, dueAt: number) => {
    window.sent++;
    try {
      const answer = await pool.request({ path: url.pathname + url.search, method: 'GET' });
      await answer.body.arrayBuffer();
      window.times.push(performance.now() - dueAt);
      if (!is2xx(answer.statusCode)) window.non2xx++;
    } catch {
      window.errors++;
    }
  };
  const requests: Array<Promise<void>> = [];
  const start = performance.now();
  for (let index = 0; index < total; index++) {
    const dueAt = start + (index * 1000) / options.rate;
    const wait = dueAt - performance.now();
    if (wait > 0) await sleep(wait);
    requests.push(send(index < leadInCount ? lead : main, dueAt));
  }
  await Promise.all(requests);
  await pool.destroy();
  const summary = ({ sent, errors, non2xx, times }: ReturnType<typeof tally>) => {
    const sorted = Float64Array.from(times).sort();
    const [p50Ms, p99Ms, maxMs] = [percentile(sorted, 0.5), percentile(sorted, 0.99), sorted.at(-1) ?? 0];
    return { sent, completed: sorted.length, errors, non2xx, p50Ms, p99Ms, maxMs };
  };
  return { ...summary(main), rate: options.rate, connections, leadIn: summary(lead) };
}
