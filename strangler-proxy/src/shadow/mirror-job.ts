/**
 * The work of one mirror once the client has its answer: send the copy to the shadow side, ask the
 * primary side again when the route still learns its noise, decode and compare. Everything it takes and
 * returns is plain data, so it runs the same in the proxy's thread or in the shadow worker.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { CompareRules } from '../config/schema.ts';
import type { CapturedResponse, FailureKind, Side, Verdict } from '../compare/verdict.ts';
import { compareResponses, compileCompareRules, type CompiledRules } from '../compare/index.ts';
import type { ByteBudget } from './body-capture.ts';
import { decodeCapturedBody } from './decode-body.ts';
import { createNoiseLearner } from './noise-learner.ts';
import { sendShadowRequest, type ShadowOutcome } from './send-shadow-request.ts';

/** What a route's shadow settings say about its mirrors: sent once per plan, not with every job. */
export interface MirrorPlan {
  readonly routeId: string;
  readonly compare: Partial<CompareRules> | null;
  readonly timeout: number;
  readonly maxResponseBytes: number;
  readonly noiseSample: number;
}

export interface MirrorJob {
  /** Where the copy goes, and where a noise probe asks the primary side again (origins). */
  readonly shadowTarget: string;
  readonly primaryTarget: string;
  readonly method: string;
  /** Path and query, exactly as forwarded to the primary. */
  readonly path: string;
  readonly headers: OutgoingHttpHeaders;
  readonly body: Uint8Array | null;
  /** Safe methods may be sent to the primary side a second time (noise probes). */
  readonly safe: boolean;
  /** Who served the client: the other side gets the copy. */
  readonly primarySide: Side;
  /** The primary's answer as the client got it (not decoded). */
  readonly primary: CapturedResponse;
}

export type MirrorResult =
  /** The shadow memory budget ran out while the shadow side answered: not the service's failure. */
  | { readonly kind: 'over_capacity' }
  | {
      readonly kind: 'failed';
      readonly failure: FailureKind;
      readonly message: string;
      readonly latencyMs: number;
    }
  | {
      readonly kind: 'compared';
      readonly verdict: Verdict;
      /** Both answers as compared (decoded). Bodies are left out of a match: nobody reads them. */
      readonly primary: CapturedResponse;
      readonly shadow: CapturedResponse;
      /** Paths this job's noise probe found noisy for the first time. */
      readonly learnedNoise: readonly string[];
    };

export interface MirrorRunner {
  run(plan: CompiledMirrorPlan, job: MirrorJob): Promise<MirrorResult>;
}

export interface CompiledMirrorPlan extends MirrorPlan {
  readonly rules: CompiledRules;
}

export function compileMirrorPlan(plan: MirrorPlan): CompiledMirrorPlan {
  return { ...plan, rules: compileCompareRules(plan.compare ?? {}) };
}

const NO_BODY = new Uint8Array(0);

/** Runs jobs with one noise model per route, kept for the runner's lifetime (across reloads). */
export function createMirrorRunner(budget: ByteBudget, random: () => number = Math.random): MirrorRunner {
  const noise = createNoiseLearner();
  const origins = new Map<string, URL>();
  const urlOf = (origin: string): URL => {
    let url = origins.get(origin);
    if (url === undefined) {
      url = new URL(origin);
      origins.set(origin, url);
    }
    return url;
  };

  return {
    async run(plan, job) {
      const send = (target: string): Promise<ShadowOutcome> =>
        sendShadowRequest({
          target: urlOf(target),
          method: job.method,
          path: job.path,
          headers: job.headers,
          body: job.body,
          timeout: plan.timeout,
          maxResponseBytes: plan.maxResponseBytes,
          budget,
        });
      const primary = decodeCapturedBody(job.primary, plan.maxResponseBytes);
      const outcome = await send(job.shadowTarget);
      if (!outcome.ok) {
        if (outcome.overBudget) return { kind: 'over_capacity' };
        return {
          kind: 'failed',
          failure: outcome.kind,
          message: outcome.message,
          latencyMs: outcome.latencyMs,
        };
      }
      try {
        let learnedNoise: readonly string[] = [];
        if (job.safe && noise.shouldProbe(plan.routeId, plan.noiseSample, random)) {
          // Ask the primary side again: what differs between two of its own answers is noise, not a regression.
          const again = await send(job.primaryTarget);
          if (again.ok) {
            try {
              const probe = compareResponses(
                primary,
                decodeCapturedBody(again.response, plan.maxResponseBytes),
                plan.rules,
              );
              learnedNoise = noise.learn(plan.routeId, probe);
            } finally {
              again.release();
            }
          }
        }
        const shadow = decodeCapturedBody(outcome.response, plan.maxResponseBytes);
        // The model is immutable and learning replaces it: read it only now, after this job's own probe.
        const [legacy, service] = job.primarySide === 'legacy' ? [primary, shadow] : [shadow, primary];
        const verdict = compareResponses(legacy, service, plan.rules, noise.modelFor(plan.routeId));
        const keepBodies = verdict.outcome !== 'match';
        return {
          kind: 'compared',
          verdict,
          primary: { ...primary, body: keepBodies ? ownBytes(primary.body) : NO_BODY },
          shadow: { ...shadow, body: keepBodies ? ownBytes(shadow.body) : NO_BODY },
          learnedNoise,
        };
      } finally {
        outcome.release();
      }
    },
  };
}

/**
 * Bytes that own their whole buffer. A view into a larger buffer (a socket read, Node's allocation pool)
 * is copied: posted to another thread, a view takes its entire buffer along.
 */
export function ownBytes(view: Uint8Array): Uint8Array {
  return view.byteOffset === 0 && view.byteLength === view.buffer.byteLength ? view : view.slice();
}
