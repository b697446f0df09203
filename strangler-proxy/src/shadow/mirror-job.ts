/**
 * What one mirror is once the client has its answer, as plain data: it crosses to the shadow worker and
 * back (`mirror-runner.ts` does the work).
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { CompareRules } from '../config/schema.ts';
import type { CapturedResponse, FailureKind, Verdict } from '../compare/verdict.ts';
import type { Side } from '../config/side.ts';
import type { CompiledRules, JsonPathPattern } from '../compare/index.ts';
import type { AuthBridgeConfig, MirrorRequestRule } from '../config/auth-schema.ts';
import type { DeepReadonly } from '../config/routes-config.ts';
import type { UpstreamBase } from '../proxy/upstream-path.ts';
import type { CorrelationPair } from '../correlate/correlation-map.ts';
import type { CorrelationSkipReason } from '../correlate/learn-correlations.ts';
import type { SyncCheck } from './read-after-write.ts';

/** What a route's shadow settings say about its mirrors: sent once per plan, not with every job. */
export interface MirrorPlan {
  readonly routeId: string;
  readonly compare: Partial<CompareRules> | null;
  readonly timeout: number;
  readonly maxResponseBytes: number;
  readonly noiseSample: number;
  /** `shadow.request`: how a mirror to the service is rewritten. */
  readonly request?: DeepReadonly<MirrorRequestRule> | null;
  /** The service's auth bridge: mirrors to it carry a credential it accepts. */
  readonly bridge?: DeepReadonly<AuthBridgeConfig> | null;
  /** `shadow.correlate`: paths of a write's answers whose values correspond. */
  readonly correlate?: readonly string[];
  /** `shadow.verify.read`: the read sent to both sides after a write. */
  readonly verifyRead?: string | null;
  /** Each upstream URL's path and query, for the read-after-write. */
  readonly bases?: { readonly legacy: UpstreamBase; readonly service: UpstreamBase };
}

/** Identifiers a write's answers correlated anew, and the correlate paths that gave none (why). */
export interface CorrelationsLearned {
  readonly learned: readonly CorrelationPair[];
  readonly skipped: readonly CorrelationSkipReason[];
}

export interface MirrorJob {
  /** Where the copy goes, and where a noise probe asks the primary side again (origins). */
  readonly shadowTarget: string;
  readonly primaryTarget: string;
  readonly method: string;
  /**
   * Path and query of the copy on the shadow side, and of a noise probe on the primary side: the request
   * as forwarded, under each upstream URL's own path (`upstream-path.ts`).
   */
  readonly path: string;
  readonly primaryPath: string;
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
  /** The auth bridge could not present the service with a credential: nothing was sent. */
  | { readonly kind: 'skipped'; readonly reason: 'auth_bridge_failed' }
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
      /** Identifiers this write's answers correlated, and the correlate paths that gave none (why). */
      readonly correlations?: CorrelationsLearned;
      /** The read-after-write check of this write. */
      readonly sync?: SyncCheck;
      /**
       * This job asked the monolith twice (a noise probe): whether its two answers disagreed in a way
       * that would count as a mismatch, after the noise learned so far. Absent without a probe of legacy.
       */
      readonly noiseProbe?: { readonly disagreed: boolean };
    };

export interface CompiledMirrorPlan extends MirrorPlan {
  readonly rules: CompiledRules;
  readonly correlatePaths: readonly JsonPathPattern[];
}

/**
 * Bytes that own their whole buffer. A view into a larger buffer (a socket read, Node's allocation pool)
 * is copied: posted to another thread, a view takes its entire buffer along. So is a view of shared
 * memory: whoever shares it could write other bytes into it while the mirror still sends from it.
 */
export function ownBytes(view: Uint8Array): Uint8Array {
  if (view.buffer instanceof SharedArrayBuffer) return new Uint8Array(view);
  // Not `view.slice()`: on a Buffer that is a view, not a copy.
  return view.byteOffset === 0 && view.byteLength === view.buffer.byteLength ? view : new Uint8Array(view);
}

const NO_BODY = new Uint8Array(0);
const NO_HEADERS: CapturedResponse['headers'] = Object.freeze({});

/**
 * An answer of a match as recorded: its status, latency and whether it was cut. Its headers and body
 * are left out; nobody reads them, and they would only be copied back from the worker.
 */
export function answerFigures(status: number, latencyMs: number, truncated: boolean): CapturedResponse {
  return { status, headers: NO_HEADERS, body: NO_BODY, truncated, latencyMs };
}
