/**
 * The shadow path, an observer of the proxy's exchanges: decides whether a request is mirrored, taps the
 * primary's request and answer as they stream by, and — only after the client's response has ended —
 * sends the copy, compares and records.
 *
 * It can never change or delay the client's response: the taps only observe chunks the primary already
 * has, every mirror is bounded (body cap, response cap, timeout, in-flight cap), and every skip or failure
 * is counted by reason instead of queued. Each mirror has one outcome, recorded in one place
 * ({@link createShadowMirror}'s `settle`).
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { CapturedResponse, Verdict } from '../compare/verdict.ts';
import type { Side } from '../config/side.ts';
import type { ResultRecorder, SkipReason } from '../store/types.ts';
import type { ProxyMetrics } from '../admin/metrics.ts';
import type { Logger } from '../logging/logger.ts';
import type {
  ExchangeEnd,
  ExchangeListener,
  ExchangeObserver,
  ExchangeStart,
} from '../proxy/exchange-observer.ts';
import type { RoutingRoute } from '../proxy/routing-snapshot.ts';
import { SHADOW_HEADER, createShadowMark, type ShadowMark } from '../proxy/shadow-mark.ts';
import { upstreamPath } from '../proxy/upstream-path.ts';
import { createBodyCapture, type BodyCapture } from './body-capture.ts';
import { createMirrorHealth } from './mirror-health.ts';
import { createMirrorExecutor, type MirrorThread } from './mirror-executor.ts';
import type { MirrorJob, MirrorPlan, MirrorResult } from './mirror-job.ts';
import { mirrorPlanOf } from './mirror-plan.ts';
import type { AttemptOutcome } from '../proxy/upstream-guard.ts';
import type { MirrorTraceOutcome, RequestTrace } from '../tracing/tracing.ts';
import { failedVerdict } from '../compare/index.ts';
import { SAFE_METHODS } from '../config/http-methods.ts';
import { isMirrorEligible } from './mirror-request-rule.ts';
import { clientHeaders } from '../auth/served-bridge.ts';
import type { CorrelationSettings } from './mirror-runner.ts';
import { recordWriteFindings } from './record-write-findings.ts';

export interface ShadowSettled {
  readonly routeId: string;
  readonly requestId: string;
  readonly verdict?: Verdict;
  readonly skipped?: SkipReason;
}

/** Watches every exchange ({@link ExchangeObserver.start}); on a route with a shadow plan, mirrors it. */
export interface ShadowMirror extends ExchangeObserver {
  /** What this proxy's mirrors carry in `x-strangler-shadow`, drawn at start (the proxy's loop guard). */
  readonly mark: ShadowMark;
  readonly inFlight: number;
  /** Resolves once no mirror is in flight (tests, shutdown). */
  idle(): Promise<void>;
  /** Every mirrored or skipped request ends in exactly one settled event. */
  onSettled(listener: (event: ShadowSettled) => void): () => void;
  /** Starts the shadow worker ahead of the first mirror (no-op when it runs or mirrors run inline). */
  prepare(): void;
  /** Settles when the worker `prepare()` started has warmed up or failed to (at once when none runs). */
  ready(): Promise<void>;
  /** Stops the shadow worker (after `idle()`, at shutdown); mirrors it still held are recorded as abandoned. */
  close(): Promise<void>;
  /** The identifier correlation map's capacity and first pairs (from the results store, at start). */
  seedCorrelations(settings: CorrelationSettings): void;
}

export interface ShadowMirrorOptions {
  readonly recorder: ResultRecorder;
  readonly metrics: ProxyMetrics;
  readonly logger: Logger;
  readonly maxInFlight: () => number;
  /** Bytes all mirrors in flight may hold together (request copies and captured answers). */
  readonly maxBytesInFlight: () => number;
  /** Where mirrors are sent and compared: the shadow worker (default) or this thread. */
  readonly thread?: MirrorThread;
  /** The shadow worker's entry module (tests start one that fails on purpose). */
  readonly workerScript?: URL;
}

interface PrimaryAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly capture: BodyCapture;
  readonly latencyMs: number;
}

/** How a mirror ended: skipped (with why), or a verdict on the pair (an error verdict when a side failed). */
type MirrorOutcome =
  | { readonly skipped: SkipReason }
  | { readonly request: RecordedShape; readonly pair: Pair; readonly verdict: Verdict };

export function createShadowMirror(options: ShadowMirrorOptions): ShadowMirror {
  const { recorder, metrics, logger } = options;
  const listeners = new Set<(event: ShadowSettled) => void>();
  const idleWaiters: Array<() => void> = [];
  const executor = createMirrorExecutor(
    options.thread ?? 'worker',
    options.maxBytesInFlight,
    logger,
    options.workerScript,
  );
  const budget = executor.budget;
  const health = createMirrorHealth();
  const mark = createShadowMark();
  let inFlight = 0;

  /** The one place a mirror's outcome is recorded, counted and announced. */
  const settle = (route: RoutingRoute, requestId: string, outcome: MirrorOutcome, holdsSlot: boolean) => {
    let event: ShadowSettled;
    if ('skipped' in outcome) {
      recorder.recordSkip(route.id, outcome.skipped);
      metrics.shadowSkipped(route.id, outcome.skipped);
      event = { routeId: route.id, requestId, skipped: outcome.skipped };
    } else {
      const { pair, verdict } = outcome;
      recorder.recordComparison({
        routeId: route.id,
        stage: route.stage,
        revision: route.revision,
        at: Date.now(),
        request: outcome.request,
        ...(pair.legacy ? { legacy: pair.legacy } : {}),
        ...(pair.service ? { service: pair.service } : {}),
        verdict,
      });
      metrics.shadowOutcome(route.id, verdict.outcome);
      event = { routeId: route.id, requestId, verdict };
    }
    if (holdsSlot) {
      inFlight -= 1;
      metrics.shadowsInFlight.set(inFlight);
    }
    for (const listener of listeners) listener(event);
    if (inFlight === 0) for (const wake of idleWaiters.splice(0)) wake();
  };

  /** A request not mirrored, decided as its exchange starts: the exchange is not watched any further. */
  const notMirrored = (route: RoutingRoute, requestId: string, reason: SkipReason): null => {
    settle(route, requestId, { skipped: reason }, false);
    return null;
  };

  return {
    get inFlight() {
      return inFlight;
    },
    idle() {
      return inFlight === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve));
    },
    onSettled(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    mark,
    prepare: () => executor.prepare(),
    ready: async () => void (await executor.ready()),
    close: () => executor.close(),
    seedCorrelations: (settings) => executor.seedCorrelations(settings),
    start(exchange) {
      const route = exchange.route;
      const plan = route?.shadow;
      if (!route || !plan) return null;
      const { requestId, request: req, decision } = exchange;
      const safe = SAFE_METHODS.has(exchange.method);
      if (exchange.ownMirror) return notMirrored(route, requestId, 'loop');
      if (!safe && !plan.config.unsafe) return notMirrored(route, requestId, 'unsafe_method');
      if (decision.mirror === null) return notMirrored(route, requestId, 'sampled_out');
      if (decision.mirror === 'service' && !isMirrorEligible(plan.config.request?.only, req.headers))
        return notMirrored(route, requestId, 'filtered_out');
      const declaredLength = Number(req.headers['content-length'] ?? 0);
      if (declaredLength > plan.config.maxBodyBytes) return notMirrored(route, requestId, 'too_large');
      if (inFlight >= options.maxInFlight()) return notMirrored(route, requestId, 'over_capacity');
      if (!health.allow(route.id, plan.config, Date.now()))
        return notMirrored(route, requestId, 'shadow_unhealthy');
      inFlight += 1;
      metrics.shadowsInFlight.set(inFlight);

      const hasBody = declaredLength > 0 || req.headers['transfer-encoding'] !== undefined;
      // A large body of known length is copied into a buffer of its own as it arrives, so the chunks it came
      // in are freed once written upstream; a small one usually comes in one chunk, cheaper to keep by
      // reference.
      const copyDeclared = declaredLength > COPIED_BODIES_ABOVE ? declaredLength : null;
      const requestBody = hasBody ? createBodyCapture(plan.config.maxBodyBytes, budget, copyDeclared) : null;
      const held: BodyCapture[] = requestBody ? [requestBody] : [];
      const releaseAll = () => held.forEach((capture) => capture.release());

      const forwardedAt = performance.now();
      let answer: { status: number; headers: IncomingHttpHeaders; capture: BodyCapture } | null = null;
      let primary: PrimaryAnswer | null = null;

      const ended = (_exchange: ExchangeStart, outcome: ExchangeEnd): void => {
        const primarySide = outcome.side;
        if (primary === null && outcome.failure === null && !outcome.fellBack) {
          releaseAll();
          return settle(route, requestId, { skipped: 'client_aborted' }, true);
        }
        if (requestBody?.overBudget || primary?.capture.overBudget) {
          releaseAll();
          return settle(route, requestId, { skipped: 'over_capacity' }, true);
        }
        const outgoing = outgoingBody(requestBody);
        const recorded = recordedRequest(exchange, outgoing);
        if (outcome.fellBack || primary === null) {
          releaseAll();
          // The serving side failed (or fell back): there is no pair to compare, but the failure is evidence.
          const failedSide: Side = outcome.fellBack ? 'service' : primarySide;
          const kind = outcome.timedOut ? 'timeout' : 'connection_error';
          const verdict = failedVerdict(
            failedSide,
            kind,
            outcome.failure ?? 'the primary answer did not complete',
          );
          return settle(route, requestId, { request: recorded, pair: {}, verdict }, true);
        }
        if (requestBody?.overLimit) {
          releaseAll();
          return settle(route, requestId, { skipped: 'too_large' }, true);
        }
        launch({
          route,
          plan: mirrorPlanOf(route, plan),
          requestId,
          recorded,
          answer: primary,
          outgoing,
          primarySide,
          safe,
          held,
          trace: exchange.trace,
        });
      };

      const listener: ExchangeListener = {
        responseHead(status, headers) {
          const capture = createBodyCapture(plan.config.maxResponseBytes, budget);
          held.push(capture);
          answer = { status, headers, capture };
        },
        responseBytes(chunk) {
          answer?.capture.push(chunk);
        },
        responseEnd() {
          if (answer === null) return;
          primary = { ...answer, latencyMs: performance.now() - forwardedAt };
        },
        end: ended,
        abort: ended,
      };
      if (requestBody) {
        listener.requestBytes = (chunk) => {
          requestBody.push(chunk);
          // Kept by reference (not copied): the proxy must not free it once written.
          return requestBody.chunks > 0;
        };
      }
      return listener;
    },
  };

  /**
   * Starts a mirror in the next turn of the event loop. Defined out here, not in `start`, and given
   * only what the mirror needs: a closure made in `start` would keep the whole exchange (the client's
   * request and response, the upstream's, their stream state) alive while the mirror waits for a slow
   * shadow service, and one that waits through two scavenges takes all of it into the old generation.
   */
  function launch(pending: PendingMirror): void {
    setImmediate(() => {
      const { route, requestId, held } = pending;
      mirror(pending)
        .then(
          (outcome) => settle(route, requestId, outcome, true),
          (error: unknown) => {
            // The shadow worker died holding the job, or stopped (shutdown): there is no answer to wait for.
            logger.error({ err: error, route: route.id, requestId }, 'shadow mirror abandoned');
            settle(route, requestId, { skipped: 'abandoned' }, true);
          },
        )
        .finally(() => {
          for (const capture of held) capture.release();
        });
    });
  }

  /** Sends the copy and compares; rejects when the mirror is abandoned (no result will come). */
  async function mirror(pending: PendingMirror): Promise<MirrorOutcome> {
    const { route, plan, recorded, answer, outgoing, primarySide, safe } = pending;
    const shadowSide: Side = primarySide === 'legacy' ? 'service' : 'legacy';
    const shadowUpstream = shadowSide === 'legacy' ? route.legacy : route.service;
    const primaryUpstream = primarySide === 'legacy' ? route.legacy : route.service;
    const primaryResponse: CapturedResponse = {
      status: answer.status,
      headers: answer.headers,
      body: answer.capture.body(),
      truncated: answer.capture.overLimit,
      latencyMs: answer.latencyMs,
    };
    const headers: OutgoingHttpHeaders = { ...recorded.headers, [SHADOW_HEADER]: mark.value };
    delete headers['transfer-encoding'];
    if (outgoing.body) headers['content-length'] = outgoing.body.byteLength;
    // The shadow side's endpoint is chosen as a request's would be (balancing, health, ejection), and its
    // outcome counts for that endpoint as a request's does.
    const shadowEndpoint = shadowUpstream.endpoints.choose();
    const primaryEndpoint = primaryUpstream.endpoints.choose();
    let result: MirrorResult;
    if (shadowEndpoint === null || primaryEndpoint === null) {
      result = { kind: 'failed', failure: 'connection_error', message: NO_ENDPOINT, latencyMs: 0 };
    } else {
      const job: MirrorJob = {
        shadowTarget: shadowEndpoint.origin,
        primaryTarget: primaryEndpoint.origin,
        method: recorded.method,
        path: upstreamPath(shadowUpstream.base, recorded.url),
        primaryPath: upstreamPath(primaryUpstream.base, recorded.url),
        headers,
        body: outgoing.body,
        safe,
        primarySide,
        primary: primaryResponse,
      };
      const settleEndpoint = shadowUpstream.endpoints.begin(shadowEndpoint);
      const mirrorTrace = pending.trace?.mirror(route.id, shadowEndpoint.origin, headers) ?? null;
      try {
        result = await executor.run(plan, job, outgoing.transfer);
      } catch (error) {
        settleEndpoint('unknown');
        mirrorTrace?.end({ kind: 'failed', failure: 'internal_error' });
        throw error;
      }
      settleEndpoint(mirrorOutcome(result));
      mirrorTrace?.end(traceOutcome(result));
    }
    if (result.kind === 'over_capacity') return { skipped: 'over_capacity' };
    if (result.kind === 'skipped') return { skipped: result.reason };
    const shadowConfig = route.shadow?.config;
    if (shadowConfig) health.record(route.id, shadowConfig, result.kind === 'compared', Date.now());
    if (result.kind === 'failed') {
      const verdict = failedVerdict(shadowSide, result.failure, result.message);
      const pair: Pair =
        primarySide === 'legacy' ? { legacy: primaryResponse } : { service: primaryResponse };
      return { request: recorded, pair, verdict };
    }
    if (result.learnedNoise.length > 0) recorder.recordNoise(route.id, result.learnedNoise);
    recordWriteFindings(route.id, result, executor, recorder, metrics);
    if (result.noiseProbe) {
      recorder.recordNoiseProbe({
        routeId: route.id,
        revision: route.revision,
        at: Date.now(),
        disagreed: result.noiseProbe.disagreed,
      });
    }
    const pair: Pair =
      primarySide === 'legacy'
        ? { legacy: result.primary, service: result.shadow }
        : { legacy: result.shadow, service: result.primary };
    return { request: recorded, pair, verdict: result.verdict };
  }
}

const NO_ENDPOINT = 'no endpoint is known for the upstream';

/** What the mirror's span says of its result. */
function traceOutcome(result: MirrorResult): MirrorTraceOutcome {
  if (result.kind === 'failed') return { kind: 'failed', failure: result.failure };
  if (result.kind === 'over_capacity') return { kind: 'skipped', reason: 'over_capacity' };
  if (result.kind === 'skipped') return { kind: 'skipped', reason: result.reason };
  return {
    kind: 'compared',
    status: result.shadow.status,
    verdict: result.verdict.outcome,
    differences: result.verdict.differences.length,
  };
}

/** What a mirror's result says of the shadow endpoint that answered it. */
function mirrorOutcome(result: MirrorResult): AttemptOutcome {
  if (result.kind === 'failed') return 'failure';
  if (result.kind === 'compared') return result.shadow.status < 500 ? 'success' : 'failure';
  return 'unknown';
}

/** What a mirror needs once the primary exchange is over: no object of the exchange itself. */
interface PendingMirror {
  readonly route: RoutingRoute;
  readonly plan: MirrorPlan;
  readonly requestId: string;
  readonly recorded: RecordedShape;
  readonly answer: PrimaryAnswer;
  readonly outgoing: OutgoingBody;
  readonly primarySide: Side;
  readonly safe: boolean;
  /** Captures to release once the mirror is done. */
  readonly held: readonly BodyCapture[];
  /** The request's span (tracing on), the mirror's parent. */
  readonly trace: RequestTrace | null;
}

interface Pair {
  readonly legacy?: CapturedResponse;
  readonly service?: CapturedResponse;
}

type RecordedShape = Parameters<ResultRecorder['recordComparison']>[0]['request'];

/**
 * The recorder keeps an excerpt of a request body for samples; a large body itself goes to the shadow
 * worker (moved when it is a buffer of its own, else copied) and only its first bytes stay here.
 */
const RECORDED_REQUEST_BYTES = 65_536;
/** Declared request bodies above this are copied into a buffer of their own as they arrive. */
const COPIED_BODIES_ABOVE = 65_536;

interface OutgoingBody {
  /** What the mirror sends. */
  readonly body: Buffer | null;
  /** What the recorder gets. */
  readonly excerpt: Buffer | null;
  readonly transfer: readonly ArrayBuffer[];
}

function outgoingBody(capture: BodyCapture | null): OutgoingBody {
  if (capture === null) return { body: null, excerpt: null, transfer: [] };
  // Asked before `takeBody`, which joins the chunks.
  const ownsMemory = capture.ownsMemory;
  const body = capture.takeBody();
  if (body.byteLength <= RECORDED_REQUEST_BYTES) return { body, excerpt: body, transfer: [] };
  const excerpt = Buffer.from(body.subarray(0, RECORDED_REQUEST_BYTES));
  const whole = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
  return { body, excerpt, transfer: ownsMemory && whole ? [body.buffer as ArrayBuffer] : [] };
}

function recordedRequest(exchange: ExchangeStart, outgoing: OutgoingBody): RecordedShape {
  const req = exchange.request;
  return {
    method: exchange.method,
    url: req.url ?? '/',
    headers: clientHeaders(req),
    ...(outgoing.excerpt ? { body: outgoing.excerpt } : {}),
    requestId: exchange.requestId,
  };
}
