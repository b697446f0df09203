/**
 * Read-after-write (`shadow.verify.read`): once both sides answered a mirrored write, read the resource it
 * made from both sides and compare, to learn whether the service's data follows the monolith's whatever
 * keeps them in sync. The reads are the proxy's own GETs, after the client's exchange is over; at most
 * `maxInFlight` run at once, and one that finds no room is a counted skip.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import { compareResponses, type CompiledRules } from '../compare/index.ts';
import { isIdentifier, type Correspondence, type Identifier } from '../compare/correspondence.ts';
import { firstValue } from '../compare/json-values.ts';
import type { CapturedResponse, DiffKind } from '../compare/verdict.ts';
import type { Side } from '../config/side.ts';
import { upstreamPath, type UpstreamBase } from '../proxy/upstream-path.ts';
import { isParsed } from '../correlate/learn-correlations.ts';
import { decodeCapturedBody } from './decode-body.ts';
import type { ShadowOutcome } from './send-shadow-request.ts';

/** Why a read-after-write check was not made. */
export type SyncSkipReason = 'value_missing' | 'over_capacity' | 'read_failed';

export type SyncCheck =
  | { readonly outcome: 'skipped'; readonly reason: SyncSkipReason }
  | {
      readonly outcome: 'in_sync' | 'out_of_sync';
      /** The read as sent to the monolith (path and query). */
      readonly read: string;
      readonly legacyStatus: number;
      readonly serviceStatus: number;
      /** Where the two reads differed (paths, kinds); values are left out (redaction). */
      readonly differences: readonly { readonly path: string; readonly kind: DiffKind }[];
    };

export interface SyncReadInput {
  /** `GET /api/articles/{$.article.slug}` */
  readonly template: string;
  /** The two answers to the write, parsed (`parseAnswer`). */
  readonly legacyAnswer: unknown;
  readonly serviceAnswer: unknown;
  /** The service's identifier for a legacy one, through the correlation map. */
  readonly toService: (legacy: string) => Identifier | undefined;
  readonly bases: { readonly legacy: UpstreamBase; readonly service: UpstreamBase };
  readonly headers: { readonly legacy: OutgoingHttpHeaders; readonly service: OutgoingHttpHeaders };
  readonly send: (
    side: Side,
    method: string,
    path: string,
    headers: OutgoingHttpHeaders,
  ) => Promise<ShadowOutcome>;
  readonly rules: CompiledRules;
  readonly correspondence: Correspondence | undefined;
  readonly maxResponseBytes: number;
}

export interface SyncChecker {
  check(input: SyncReadInput): Promise<SyncCheck>;
}

/** Headers of the write that a read must not carry. */
const BODY_HEADERS = ['content-length', 'content-type', 'transfer-encoding', 'content-encoding'];

export function createSyncChecker(maxInFlight: () => number): SyncChecker {
  let inFlight = 0;
  return {
    async check(input) {
      const reads = readPaths(input);
      if (reads === null) return { outcome: 'skipped', reason: 'value_missing' };
      if (inFlight >= maxInFlight()) return { outcome: 'skipped', reason: 'over_capacity' };
      inFlight += 1;
      try {
        const [legacy, service] = await Promise.all([
          input.send('legacy', reads.method, reads.legacy, readHeaders(input.headers.legacy)),
          input.send('service', reads.method, reads.service, readHeaders(input.headers.service)),
        ]);
        try {
          if (!legacy.ok || !service.ok) return { outcome: 'skipped', reason: 'read_failed' };
          const decoded = (answer: CapturedResponse) => decodeCapturedBody(answer, input.maxResponseBytes);
          const verdict = compareResponses(
            decoded(legacy.response),
            decoded(service.response),
            input.rules,
            undefined,
            input.correspondence,
          );
          const inSync = verdict.outcome === 'match';
          return {
            outcome: inSync ? 'in_sync' : 'out_of_sync',
            read: reads.shown,
            legacyStatus: legacy.response.status,
            serviceStatus: service.response.status,
            differences: verdict.differences.map(({ path, kind }) => ({ path, kind })),
          };
        } finally {
          if (legacy.ok) legacy.release();
          if (service.ok) service.release();
        }
      } finally {
        inFlight -= 1;
      }
    },
  };
}

/** The read's method and its path on each side, or null when the write's answer lacks a value it needs. */
function readPaths(
  input: SyncReadInput,
): { method: string; legacy: string; service: string; shown: string } | null {
  const space = input.template.indexOf(' ');
  const method = input.template.slice(0, space);
  const template = input.template.slice(space + 1);
  if (!isParsed(input.legacyAnswer)) return null;
  let missing = false;
  const fill = (side: Side) =>
    template.replace(/\{([^{}]*)\}/g, (_, path: string) => {
      const legacy = firstValue(input.legacyAnswer, path);
      if (!isIdentifier(legacy)) {
        missing = true;
        return '';
      }
      if (side === 'legacy') return encodeURIComponent(String(legacy));
      const mapped =
        input.toService(String(legacy)) ??
        (isParsed(input.serviceAnswer) ? firstValue(input.serviceAnswer, path) : undefined);
      return encodeURIComponent(String(isIdentifier(mapped) ? mapped : legacy));
    });
  const legacy = fill('legacy');
  const service = fill('service');
  if (missing) return null;
  return {
    method,
    shown: legacy,
    legacy: upstreamPath(input.bases.legacy, legacy),
    service: upstreamPath(input.bases.service, service),
  };
}

function readHeaders(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const read = { ...headers };
  for (const name of BODY_HEADERS) delete read[name];
  return read;
}
