/**
 * The work of one mirror: send the copy to the shadow side, ask the primary side again while the route
 * still learns its noise, decode and compare. It runs in the shadow worker (or inline), on plain data.
 */
import { compareResponses, compileCompareRules } from '../compare/index.ts';
import type { CapturedResponse } from '../compare/verdict.ts';
import type { ByteBudget } from './byte-budget.ts';
import { decodeCapturedBody } from './decode-body.ts';
import { createNoiseLearner } from './noise-learner.ts';
import { sendShadowRequest, type ShadowOutcome } from './send-shadow-request.ts';
import {
  answerFigures,
  ownBytes,
  type CompiledMirrorPlan,
  type MirrorJob,
  type MirrorPlan,
  type MirrorResult,
} from './mirror-job.ts';

export { closeShadowPools } from './send-shadow-request.ts';

import { createAuthBridge, type AuthBridge } from '../auth/auth-bridge.ts';
import { rewriteMirrorHeaders } from './mirror-request-rule.ts';

export interface MirrorRunner {
  run(plan: CompiledMirrorPlan, job: MirrorJob): Promise<MirrorResult>;
}

export function compileMirrorPlan(plan: MirrorPlan): CompiledMirrorPlan {
  return { ...plan, rules: compileCompareRules(plan.compare ?? {}) };
}

/** What the recorder reads of a matching answer. */
const figuresOf = (answer: CapturedResponse): CapturedResponse =>
  answerFigures(answer.status, answer.latencyMs, answer.truncated);

/** Runs jobs with one noise model per route, kept for the runner's lifetime (across reloads). */
export function createMirrorRunner(budget: ByteBudget, random: () => number = Math.random): MirrorRunner {
  const noise = createNoiseLearner();
  // One bridge per configuration, kept across reloads: its token cache outlives a plan.
  const bridges = new Map<string, AuthBridge>();
  const bridgeFor = (config: NonNullable<CompiledMirrorPlan['bridge']>): AuthBridge => {
    const key = JSON.stringify(config);
    let bridge = bridges.get(key);
    if (bridge === undefined) {
      bridge = createAuthBridge(config);
      bridges.set(key, bridge);
    }
    return bridge;
  };

  return {
    async run(plan, job) {
      let shadowHeaders = job.headers;
      if (job.primarySide === 'legacy') {
        // Rewritten and bridged for the service only: the monolith takes the client's request as it was.
        shadowHeaders = rewriteMirrorHeaders(job.headers, plan.request ?? null);
        if (plan.bridge) {
          const bridged = await bridgeFor(plan.bridge).present({
            method: job.method,
            url: job.path,
            headers: job.headers,
          });
          if (!bridged.ok) return { kind: 'skipped', reason: 'auth_bridge_failed' };
          shadowHeaders = { ...shadowHeaders, ...bridged.headers };
        }
      }
      const send = (origin: string, path: string, headers = job.headers): Promise<ShadowOutcome> =>
        sendShadowRequest({
          origin,
          method: job.method,
          path,
          headers,
          body: job.body,
          timeout: plan.timeout,
          maxResponseBytes: plan.maxResponseBytes,
          budget,
        });
      const primary = decodeCapturedBody(job.primary, plan.maxResponseBytes);
      const outcome = await send(job.shadowTarget, job.path, shadowHeaders);
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
        let noiseProbe: { readonly disagreed: boolean } | undefined;
        if (job.safe && noise.shouldProbe(plan.routeId, plan.noiseSample, random)) {
          // Ask the primary side again: what differs between two of its own answers is noise, not a regression.
          const again = await send(job.primaryTarget, job.primaryPath);
          if (again.ok) {
            try {
              const second = decodeCapturedBody(again.response, plan.maxResponseBytes);
              const probe = compareResponses(primary, second, plan.rules);
              learnedNoise = noise.learn(plan.routeId, job.primaryTarget, probe);
              if (job.primarySide === 'legacy') {
                // Judged as a service's answer would be, with the noise known now: the mismatch rate's baseline.
                const model = noise.modelFor(plan.routeId, job.primaryTarget);
                const judged = compareResponses(primary, second, plan.rules, model);
                noiseProbe = { disagreed: judged.outcome === 'mismatch' };
              }
            } finally {
              again.release();
            }
          }
        }
        const shadow = decodeCapturedBody(outcome.response, plan.maxResponseBytes);
        // The model is immutable and learning replaces it: read it only now, after this job's own probe.
        const [legacy, service] = job.primarySide === 'legacy' ? [primary, shadow] : [shadow, primary];
        const model = noise.modelFor(plan.routeId, job.primaryTarget);
        const verdict = compareResponses(legacy, service, plan.rules, model);
        // A match is recorded by its latencies alone: its headers and bodies would only be copied back.
        const kept = verdict.outcome !== 'match';
        return {
          kind: 'compared',
          verdict,
          primary: kept ? { ...primary, body: ownBytes(primary.body) } : figuresOf(primary),
          shadow: kept ? { ...shadow, body: ownBytes(shadow.body) } : figuresOf(shadow),
          learnedNoise,
          ...(noiseProbe === undefined ? {} : { noiseProbe }),
        };
      } finally {
        outcome.release();
      }
    },
  };
}
