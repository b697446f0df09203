/**
 * The shadow worker's warm-up: before its first job, it runs the whole mirror path (undici's pool and
 * parser, capture, decoding, the JSON comparison) against a listener of its own on 127.0.0.1.
 *
 * A cold worker spends its first moments loading undici's modules, compiling its parser and running the
 * comparison unoptimised; under the proxy's first live traffic, on a small machine, that CPU is taken
 * from the serving thread, mirrors pile up to the in-flight bound and are shed, and the primary's tail
 * latency suffers (bench/RESULTS.md, "cold start", measures the first second of a fresh proxy).
 * Nothing leaves the worker's own listener, and the warm-up's route has a noise model of its own, so no
 * real route's state is touched.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ByteBudget } from './byte-budget.ts';
import type { MirrorJob } from './mirror-job.ts';
import { compileMirrorPlan, createMirrorRunner } from './mirror-runner.ts';
import { matchReply, postedJob, receivedJob } from './posted-job.ts';
import { closeShadowPool } from './send-shadow-request.ts';

export interface WarmUpOptions {
  /** Mirrors to run at most. */
  readonly runs: number;
  /** Stops after this long even if runs are left: a slow machine starts anyway. */
  readonly maxMs: number;
  readonly budget: ByteBudget;
}

export interface WarmUpReport {
  readonly runs: number;
  readonly ms: number;
  /** Why it stopped short (a listener that could not open, say); the worker serves jobs either way. */
  readonly error?: string;
}

/** Mirrors in flight at once during the warm-up, as a few busy connections would have them. */
const LANES = 4;

/** A small JSON answer whose `servedAt` differs from call to call, as real answers do (ignored by the rules). */
function answer(servedAt: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      id: 42,
      name: 'warm-up',
      price: { amount: 100, currency: 'EUR' },
      tags: ['a', 'b', 'c'],
      servedAt,
    }),
  );
}

export async function warmUpMirrorPath(options: WarmUpOptions): Promise<WarmUpReport> {
  const startedAt = performance.now();
  const elapsed = () => performance.now() - startedAt;
  let runs = 0;
  if (options.runs <= 0) return { runs, ms: 0 };
  let server: Server | null = null;
  let origin: string | null = null;
  try {
    server = createServer((req, res) => {
      req.resume();
      res.setHeader('content-type', 'application/json');
      res.end(answer(new Date().toISOString()));
    });
    const listening = server;
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(0, '127.0.0.1', resolve);
    });
    origin = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    const runner = createMirrorRunner(options.budget, () => 1);
    const plan = compileMirrorPlan({
      routeId: '(warm-up)',
      compare: { ignore: ['$.servedAt'] },
      timeout: 2_000,
      maxResponseBytes: 65_536,
      noiseSample: 0,
    });
    const job: MirrorJob = {
      shadowTarget: origin,
      primaryTarget: origin,
      method: 'GET',
      path: '/warm-up?view=full',
      primaryPath: '/warm-up?view=full',
      headers: { accept: 'application/json', 'user-agent': 'strangler-warm-up' },
      body: null,
      safe: true,
      primarySide: 'legacy',
      primary: {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: answer('2026-01-01T00:00:00.000Z'),
        truncated: false,
        latencyMs: 1,
      },
    };
    // Taken apart and put together as a posted job is, and its result as a reply is: that code runs per
    // mirror too.
    const posted = postedJob(job);
    const lane = async () => {
      while (runs < options.runs && elapsed() < options.maxMs) {
        runs += 1;
        const result = await runner.run(plan, receivedJob(posted));
        if (result.kind !== 'compared') throw new Error(`a warm-up mirror ended as ${result.kind}`);
        if (matchReply(runs, result) === null) throw new Error('a warm-up mirror did not match');
      }
    };
    await Promise.all(Array.from({ length: LANES }, lane));
    return { runs, ms: elapsed() };
  } catch (error) {
    return { runs, ms: elapsed(), error: error instanceof Error ? error.message : String(error) };
  } finally {
    if (origin) await closeShadowPool(origin);
    server?.close();
  }
}
