/**
 * The shadow worker: a thread that runs mirror jobs (send, probe, compare) for the proxy, so that the
 * shadow path's CPU is not taken from the thread serving clients. Plans arrive once, jobs reference them.
 * It takes jobs once it has warmed up (`warm-up.ts`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { joinSharedByteBudget } from './byte-budget.ts';
import type { CompiledMirrorPlan, MirrorPlan, MirrorResult } from './mirror-job.ts';
import { compileMirrorPlan, createMirrorRunner, type CorrelationSettings } from './mirror-runner.ts';
import { matchReply, receivedJob, type MatchReply, type PostedJob } from './posted-job.ts';
import { warmUpMirrorPath, type WarmUpReport } from './warm-up.ts';

export type WorkerRequest =
  | { readonly type: 'plan'; readonly planId: number; readonly plan: MirrorPlan }
  | { readonly type: 'forget'; readonly planId: number }
  | { readonly type: 'correlations'; readonly settings: CorrelationSettings }
  | { readonly type: 'job'; readonly jobId: number; readonly planId: number; readonly job: PostedJob };

export type WorkerReply =
  /** Most results: a plain match (`posted-job.ts`). */
  | MatchReply
  | { readonly jobId: number; readonly ok: true; readonly result: MirrorResult }
  | { readonly jobId: number; readonly ok: false; readonly error: string }
  /** Sent once, before any job is taken: the warm-up is over. */
  | { readonly jobId: 0; readonly ok: true; readonly warmedUp: WarmUpReport };

export interface WorkerOptions {
  readonly budget: SharedArrayBuffer;
  readonly warmUp: { readonly runs: number; readonly maxMs: number };
}

const port = parentPort;
if (port) {
  const options = workerData as WorkerOptions;
  const budget = joinSharedByteBudget(options.budget);
  const runner = createMirrorRunner(budget);
  const plans = new Map<number, CompiledMirrorPlan>();
  // Jobs wait in the port's queue until the listener below is attached, after the warm-up.
  const warmedUp = await warmUpMirrorPath({ ...options.warmUp, budget });
  port.postMessage({ jobId: 0, ok: true, warmedUp } satisfies WorkerReply);
  port.on('message', (message: WorkerRequest) => {
    if (message.type === 'plan') plans.set(message.planId, compileMirrorPlan(message.plan));
    else if (message.type === 'forget') plans.delete(message.planId);
    else if (message.type === 'correlations') runner.seedCorrelations(message.settings);
    else {
      const { jobId, planId, job } = message;
      const plan = plans.get(planId);
      if (!plan) {
        port.postMessage({ jobId, ok: false, error: `unknown mirror plan ${planId}` } satisfies WorkerReply);
        return;
      }
      runner.run(plan, receivedJob(job)).then(
        (result) =>
          port.postMessage((matchReply(jobId, result) ?? { jobId, ok: true, result }) satisfies WorkerReply),
        (error: unknown) => {
          port.postMessage({ jobId, ok: false, error: String(error) } satisfies WorkerReply);
        },
      );
    }
  });
}
