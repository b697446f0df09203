/**
 * Where mirror jobs run. By default in the shadow worker, a thread of its own: sending the copy, parsing
 * and comparing both answers cost as much CPU as proxying the request, and on the proxy's thread they
 * competed with the primary traffic. The thread only hands over the job and reads back the result.
 * `inline` runs them on the calling thread (same code, same results).
 */
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../logging/logger.ts';
import { createSharedByteBudget, type ByteBudget, type SharedByteBudget } from './byte-budget.ts';
import type { CompiledMirrorPlan, MirrorJob, MirrorPlan, MirrorResult } from './mirror-job.ts';
import { isMatchReply, postedJob, resultOfMatch } from './posted-job.ts';
import type { WorkerOptions, WorkerReply, WorkerRequest } from './shadow-worker.ts';
import type { WarmUpReport } from './warm-up.ts';
import type { CorrelationSettings } from './mirror-runner.ts';
import {
  createCorrelationMap,
  type CorrelationMap,
  type CorrelationPair,
} from '../correlate/correlation-map.ts';

/**
 * The correlation settings as this thread last knew them: the seed, and every pair learned since (a
 * restarted worker starts from them).
 */
function createCorrelationMemory() {
  let settings: CorrelationSettings | null = null;
  let map: CorrelationMap | null = null;
  return {
    seed(next: CorrelationSettings) {
      settings = next;
      map = createCorrelationMap(next.capacity, next.pairs);
    },
    learned(pairs: readonly CorrelationPair[]) {
      for (const pair of pairs) map?.learn(pair);
    },
    /** What to tell a runner; null before any seed. */
    current(): CorrelationSettings | null {
      return settings && map ? { ...settings, pairs: map.pairs() } : null;
    },
  };
}

export interface MirrorExecutor {
  /** The budget of every mirror's bytes, wherever they are held. */
  readonly budget: ByteBudget;
  /**
   * `plan` is an object that stays the same for a route until the next reload. `transfer`: buffers of the
   * job that the caller owns alone and gives away (moved to the worker, not copied).
   */
  run(plan: MirrorPlan, job: MirrorJob, transfer?: readonly ArrayBuffer[]): Promise<MirrorResult>;
  /** Gets ready for jobs ahead of the first one (starts the worker, which warms up). */
  prepare(): void;
  /**
   * Settles once the worker started by `prepare()` has warmed up (its report), or has failed to (null);
   * at once when no worker is running or starting, or when mirrors run inline.
   */
  ready(): Promise<WarmUpReport | null>;
  /**
   * The correlation map's capacity and pairs (loaded from the store at start); pairs learned later are
   * added with {@link learned}, so a worker started again gets them all.
   */
  seedCorrelations(settings: CorrelationSettings): void;
  /** Pairs a job learned: kept here too, for a worker started again. */
  learned(pairs: readonly CorrelationPair[]): void;
  close(): Promise<void>;
}

export type MirrorThread = 'worker' | 'inline';

/**
 * The shadow worker's young generation, in MB per semi-space. The launcher's --max-semi-space-size=16 is
 * for the serving thread, which allocates per request at thousands of requests a second; the worker's
 * allocations are smaller and die young, so a smaller young generation holds less memory under large
 * shadowed uploads without costing the worker more CPU per mirror. A Worker's resourceLimits cannot set
 * it: V8 takes the flag over them.
 */
export const SHADOW_WORKER_SEMI_SPACE_MB = 4;

/** The shadow worker's thread name, as `top -H` and `ps -L` show it (Linux keeps 15 characters). */
export const SHADOW_WORKER_NAME = 'shadow-worker';

/** Next to this module, with its extension: `.ts` when running the sources, `.js` in the compiled build. */
const WORKER_SCRIPT = new URL(`./shadow-worker${path.extname(import.meta.url)}`, import.meta.url);

/**
 * The worker's warm-up (`warm-up.ts`): mirrors to a listener of its own before the proxy listens, bounded
 * in time so a slow machine still starts. A freshly started proxy's first clients then no longer share
 * the CPU with a cold worker (bench/RESULTS.md, "cold start").
 */
export const SHADOW_WORKER_WARM_UP: WorkerOptions['warmUp'] = Object.freeze({ runs: 500, maxMs: 1_000 });

export function createMirrorExecutor(
  thread: MirrorThread,
  maxBytesInFlight: () => number,
  logger: Logger,
  /** The worker's entry module (tests start one that fails on purpose). */
  workerScript: URL = WORKER_SCRIPT,
  warmUp: WorkerOptions['warmUp'] = SHADOW_WORKER_WARM_UP,
): MirrorExecutor {
  const budget = createSharedByteBudget(maxBytesInFlight);
  return thread === 'worker' ? workerExecutor(budget, logger, workerScript, warmUp) : inlineExecutor(budget);
}

/** Loaded on first use: with the worker, the serving thread never loads the HTTP client mirrors use. */
const runnerModule = () => import('./mirror-runner.ts');

function inlineExecutor(budget: SharedByteBudget): MirrorExecutor {
  const compiled = new WeakMap<MirrorPlan, CompiledMirrorPlan>();
  let loaded: Promise<{
    run: (plan: MirrorPlan, job: MirrorJob) => Promise<MirrorResult>;
    seed(settings: CorrelationSettings): void;
    close(): void;
  }> | null = null;
  const memory = createCorrelationMemory();
  const load = () =>
    (loaded ??= runnerModule().then(({ compileMirrorPlan, createMirrorRunner, closeShadowPools }) => {
      const runner = createMirrorRunner(budget);
      const known = memory.current();
      if (known) runner.seedCorrelations(known);
      return {
        seed: (settings: CorrelationSettings) => runner.seedCorrelations(settings),
        run(plan: MirrorPlan, job: MirrorJob) {
          let ready = compiled.get(plan);
          if (ready === undefined) {
            ready = compileMirrorPlan(plan);
            compiled.set(plan, ready);
          }
          return runner.run(ready, job);
        },
        close: closeShadowPools,
      };
    }));
  return {
    budget,
    async run(plan, job) {
      return (await load()).run(plan, job);
    },
    prepare() {
      void load();
    },
    seedCorrelations(settings) {
      memory.seed(settings);
      if (loaded) void loaded.then((runner) => runner.seed(settings));
    },
    // The inline runner learned them itself.
    learned: (pairs) => memory.learned(pairs),
    ready: () => Promise.resolve(null),
    async close() {
      if (loaded) (await loaded).close();
    },
  };
}

interface Pending {
  /** The worker holding the job: only its own failure fails the job. */
  readonly worker: Worker;
  resolve(result: MirrorResult): void;
  reject(error: Error): void;
}

/**
 * One worker, started by `prepare()` (or the first job) and again by the next job after it died (every
 * job it held fails, as a mirror whose service could not be reached fails; nothing waits forever). Plans are sent once per worker and
 * forgotten there when the proxy no longer holds them.
 */
function workerExecutor(
  budget: SharedByteBudget,
  logger: Logger,
  script: URL,
  warmUp: WorkerOptions['warmUp'],
): MirrorExecutor {
  let worker: Worker | null = null;
  /** The running worker's warm-up, settled by its report or by its end. */
  let warmedUp: Promise<WarmUpReport | null> = Promise.resolve(null);
  let planIds = new WeakMap<MirrorPlan, number>();
  let nextPlanId = 1;
  let nextJobId = 1;
  const pending = new Map<number, Pending>();
  let closing = false;
  const memory = createCorrelationMemory();
  const forget = new FinalizationRegistry<number>((planId) => post({ type: 'forget', planId }));

  /** A job's waiter, no longer pending; none when the job already failed with the worker that held it. */
  const take = (jobId: number): Pending | undefined => {
    const waiting = pending.get(jobId);
    pending.delete(jobId);
    return waiting;
  };

  const post = (message: WorkerRequest, transfer: ArrayBuffer[] = []) => {
    worker?.postMessage(message, transfer);
  };

  const start = (): Worker => {
    // Read when V8 sets up an isolate's heap: the serving thread's was set up at start, with the
    // launcher's flag; this one applies to the worker (and to any later one).
    setFlagsFromString(`--max-semi-space-size=${SHADOW_WORKER_SEMI_SPACE_MB}`);
    // Named so that `top -H`, `ps -L` and profilers tell the shadow's CPU apart from the serving thread's.
    const workerData: WorkerOptions = { budget: budget.shared, warmUp };
    const started = new Worker(script, { name: SHADOW_WORKER_NAME, workerData });
    // The worker never keeps the process alive on its own: the proxy's server and timers decide that.
    started.unref();
    let settleWarmUp: (report: WarmUpReport | null) => void = () => {};
    warmedUp = new Promise((resolve) => (settleWarmUp = resolve));
    started.on('message', (reply: WorkerReply) => {
      if (isMatchReply(reply)) {
        take(reply[0])?.resolve(resultOfMatch(reply));
        return;
      }
      if ('warmedUp' in reply) {
        const report = reply.warmedUp;
        if (report.error) logger.warn({ ...report }, 'shadow worker warm-up stopped short');
        else logger.debug({ ...report }, 'shadow worker warmed up');
        settleWarmUp(report);
        return;
      }
      const waiting = take(reply.jobId);
      if (reply.ok) waiting?.resolve(reply.result);
      else waiting?.reject(new Error(reply.error));
    });
    const failAll = (reason: string) => {
      settleWarmUp(null);
      if (worker === started) {
        worker = null;
        planIds = new WeakMap();
      }
      // A worker's 'exit' may come after the next job already started a new one: leave that one's jobs alone.
      for (const [jobId, waiting] of pending) {
        if (waiting.worker !== started) continue;
        pending.delete(jobId);
        waiting.reject(new Error(reason));
      }
    };
    started.on('error', (error: Error) => {
      logger.error({ err: error }, 'shadow worker failed; mirrors in flight are abandoned');
      failAll(`shadow worker failed: ${error.message}`);
    });
    started.on('exit', (code) => {
      if (!closing && code !== 0) logger.error({ code }, 'shadow worker exited');
      failAll(`shadow worker exited (${code})`);
    });
    const known = memory.current();
    if (known) started.postMessage({ type: 'correlations', settings: known } satisfies WorkerRequest);
    return started;
  };

  return {
    budget,
    prepare() {
      if (!closing) worker ??= start();
    },
    ready: () => (worker ? warmedUp : Promise.resolve(null)),
    seedCorrelations(settings) {
      memory.seed(settings);
      post({ type: 'correlations', settings });
    },
    // The worker learned them itself: this copy is for a worker started again.
    learned: (pairs) => memory.learned(pairs),
    run(plan, job, transfer = []) {
      if (closing) return Promise.reject(new Error('the shadow worker is closing'));
      const running = (worker ??= start());
      let planId = planIds.get(plan);
      if (planId === undefined) {
        planId = nextPlanId++;
        planIds.set(plan, planId);
        forget.register(plan, planId);
        post({ type: 'plan', planId, plan });
      }
      const jobId = nextJobId++;
      const posted = postedJob(job, transfer);
      return new Promise<MirrorResult>((resolve, reject) => {
        pending.set(jobId, { worker: running, resolve, reject });
        post({ type: 'job', jobId, planId, job: posted }, [...transfer]);
      });
    },
    async close() {
      closing = true;
      const running = worker;
      worker = null;
      // Failed now, not at the thread's exit: their mirrors are settled (and recorded) before close resolves.
      for (const [jobId, waiting] of pending) {
        pending.delete(jobId);
        waiting.reject(new Error('the shadow worker stopped'));
      }
      if (running) await running.terminate();
    },
  };
}
