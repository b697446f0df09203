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
  type CorrelationsLearned,
  type MirrorJob,
  type MirrorPlan,
  type MirrorResult,
} from './mirror-job.ts';

export { closeShadowPools } from './send-shadow-request.ts';

import { createAuthBridge, type AuthBridge } from '../auth/auth-bridge.ts';
import { rewriteMirrorHeaders } from './mirror-request-rule.ts';
import { compileJsonPath } from '../compare/json-path.ts';
import {
  createCorrelationMap,
  type CorrelationMap,
  type CorrelationPair,
} from '../correlate/correlation-map.ts';
import { rewriteThroughMap } from '../correlate/rewrite-through-map.ts';
import {
  learnCorrelations,
  parseAnswer,
  type CorrelationSkipReason,
} from '../correlate/learn-correlations.ts';
import { createSyncChecker, type SyncCheck } from './read-after-write.ts';

export interface MirrorRunner {
  run(plan: CompiledMirrorPlan, job: MirrorJob): Promise<MirrorResult>;
  /** Replaces the correlation map: its capacity and the pairs it starts with (loaded from the store). */
  seedCorrelations(settings: CorrelationSettings): void;
}

/** What the runner is told of identifier correlation and read-after-write, at start and on reload. */
export interface CorrelationSettings {
  readonly capacity: number;
  readonly pairs: readonly CorrelationPair[];
  /** Read-after-write checks in flight at most. */
  readonly maxSyncReads: number;
}

/** Until the proxy says otherwise (tests that run a runner alone). */
const DEFAULT_CORRELATIONS: CorrelationSettings = { capacity: 10_000, pairs: [], maxSyncReads: 8 };

export function compileMirrorPlan(plan: MirrorPlan): CompiledMirrorPlan {
  return {
    ...plan,
    rules: compileCompareRules(plan.compare ?? {}),
    correlatePaths: (plan.correlate ?? []).map((path) => compileJsonPath(path)),
  };
}

/** What the recorder reads of a matching answer. */
const figuresOf = (answer: CapturedResponse): CapturedResponse =>
  answerFigures(answer.status, answer.latencyMs, answer.truncated);

/** Runs jobs with one noise model per route, kept for the runner's lifetime (across reloads). */
export function createMirrorRunner(budget: ByteBudget, random: () => number = Math.random): MirrorRunner {
  const noise = createNoiseLearner();
  let settings = DEFAULT_CORRELATIONS;
  let correlations: CorrelationMap = createCorrelationMap(settings.capacity);
  const syncChecker = createSyncChecker(() => settings.maxSyncReads);
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
    seedCorrelations(next) {
      settings = next;
      correlations = createCorrelationMap(next.capacity, next.pairs);
    },
    async run(plan, job) {
      let shadowHeaders = job.headers;
      let shadowPath = job.path;
      let shadowBody = job.body;
      if (correlations.size > 0) {
        // A record created through the proxy has another identifier on the other side: ask for that one.
        const map = correlations;
        const translate =
          job.primarySide === 'legacy'
            ? (value: string) => map.toService(value)
            : (value: string) => map.toLegacy(value);
        const contentType = job.headers['content-type'];
        const rewritten = rewriteThroughMap(
          job.path,
          job.body,
          typeof contentType === 'string' ? contentType : undefined,
          translate,
        );
        if (rewritten.replaced > 0) {
          shadowPath = rewritten.path;
          shadowBody = rewritten.body;
          if (shadowBody !== job.body)
            shadowHeaders = { ...shadowHeaders, 'content-length': shadowBody?.byteLength ?? 0 };
        }
      }
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
      const send = (
        origin: string,
        path: string,
        headers = job.headers,
        body = job.body,
        method = job.method,
      ): Promise<ShadowOutcome> =>
        sendShadowRequest({
          origin,
          method,
          path,
          headers,
          body,
          timeout: plan.timeout,
          maxResponseBytes: plan.maxResponseBytes,
          budget,
        });
      const primary = decodeCapturedBody(job.primary, plan.maxResponseBytes);
      const outcome = await send(job.shadowTarget, shadowPath, shadowHeaders, shadowBody);
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
        let learned: CorrelationsLearned | undefined;
        let parsed: { legacy: unknown; service: unknown } | null = null;
        if (!job.safe && (plan.correlatePaths.length > 0 || plan.verifyRead)) {
          parsed = {
            legacy: parseAnswer(legacy.body, legacy.truncated),
            service: parseAnswer(service.body, service.truncated),
          };
        }
        if (parsed !== null && plan.correlatePaths.length > 0) {
          learned = learn(plan.correlatePaths, parsed.legacy, parsed.service);
        }
        const verdict = compareResponses(
          legacy,
          service,
          plan.rules,
          model,
          correlations.size > 0 ? correlations : undefined,
        );
        let sync: SyncCheck | undefined;
        if (parsed !== null && plan.verifyRead && plan.bases && job.primarySide === 'legacy') {
          const map = correlations;
          sync = await syncChecker.check({
            template: plan.verifyRead,
            legacyAnswer: parsed.legacy,
            serviceAnswer: parsed.service,
            toService: (value) => map.toService(value),
            bases: plan.bases,
            headers: { legacy: job.headers, service: shadowHeaders },
            send: (side, method, path, headers) =>
              send(side === 'legacy' ? job.primaryTarget : job.shadowTarget, path, headers, null, method),
            rules: plan.rules,
            correspondence: map.size > 0 ? map : undefined,
            maxResponseBytes: plan.maxResponseBytes,
          });
        }
        // A match is recorded by its latencies alone: its headers and bodies would only be copied back.
        const kept = verdict.outcome !== 'match';
        return {
          kind: 'compared',
          verdict,
          primary: kept ? { ...primary, body: ownBytes(primary.body) } : figuresOf(primary),
          shadow: kept ? { ...shadow, body: ownBytes(shadow.body) } : figuresOf(shadow),
          learnedNoise,
          ...(learned === undefined ? {} : { correlations: learned }),
          ...(sync === undefined ? {} : { sync }),
          ...(noiseProbe === undefined ? {} : { noiseProbe }),
        };
      } finally {
        outcome.release();
      }
    },
  };

  /** Learns this write's pairs into the map; what it learned anew and what it skipped. */
  function learn(
    paths: CompiledMirrorPlan['correlatePaths'],
    legacy: unknown,
    service: unknown,
  ): CorrelationsLearned | undefined {
    const found = learnCorrelations(paths, legacy, service);
    const evictedBefore = correlations.evicted;
    const added: CorrelationPair[] = [];
    const at = Date.now();
    for (const pair of found.pairs) {
      const stored = { ...pair, at };
      if (correlations.learn(stored) !== 'known') added.push(stored);
    }
    const skipped: CorrelationSkipReason[] = [...found.skipped];
    for (let evicted = evictedBefore; evicted < correlations.evicted; evicted++) skipped.push('evicted');
    return added.length === 0 && skipped.length === 0 ? undefined : { learned: added, skipped };
  }
}
