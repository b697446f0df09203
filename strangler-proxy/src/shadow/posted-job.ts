/**
 * What crosses between the serving thread and the shadow worker, in the shapes that cost least to post:
 * a small body as a latin1 string, a plain match as a short tuple. Posting copies the message on one
 * thread and rebuilds it on the other, and both threads are busy at full load. A Uint8Array of its own
 * needs an ArrayBuffer on each side (allocated, then tracked by each side's collector); a string is only
 * copied. A match sent whole is a verdict object and two answers with empty bodies to rebuild, work the
 * serving thread would do for every shadowed request.
 */
import { isPlainMatch, plainMatch, type BodyMode, type CapturedResponse } from '../compare/index.ts';
import { answerFigures, ownBytes, type MirrorJob, type MirrorResult } from './mirror-job.ts';

/** Bytes as posted: a latin1 string (one character per byte) or the bytes themselves. */
export type PostedBytes = Uint8Array | string;

/** A job as posted to the worker: its bodies as {@link PostedBytes}. */
export interface PostedJob extends Omit<MirrorJob, 'body' | 'primary'> {
  readonly body: PostedBytes | null;
  readonly primary: Omit<CapturedResponse, 'body'> & { readonly body: PostedBytes };
}

/**
 * Bodies up to this size cross as strings. A larger request body is moved to the worker when it is a
 * buffer of its own, else copied, like a larger primary answer, into bytes of its own: as a string it
 * would be a large copy on the serving thread's heap.
 */
export const POSTED_AS_TEXT_MAX_BYTES = 65_536;

/** `transfer`: the buffers the job gives away (moved, not copied); a body in one stays bytes. */
export function postedJob(job: MirrorJob, transfer: readonly ArrayBuffer[] = []): PostedJob {
  return {
    ...job,
    body: job.body === null ? null : postedBytes(job.body, transfer),
    primary: { ...job.primary, body: postedBytes(job.primary.body, transfer) },
  };
}

export function receivedJob(posted: PostedJob): MirrorJob {
  return {
    ...posted,
    body: posted.body === null ? null : receivedBytes(posted.body),
    primary: { ...posted.primary, body: receivedBytes(posted.primary.body) },
  };
}

function postedBytes(view: Uint8Array, transfer: readonly ArrayBuffer[]): PostedBytes {
  const buffer = view.buffer;
  if (buffer instanceof ArrayBuffer && transfer.includes(buffer)) return view;
  if (view.byteLength > POSTED_AS_TEXT_MAX_BYTES) return ownBytes(view);
  return Buffer.from(buffer, view.byteOffset, view.byteLength).toString('latin1');
}

function receivedBytes(bytes: PostedBytes): Uint8Array {
  return typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
}

/**
 * A plain match (no difference, nothing learned) as the worker sends it back: everything the serving
 * thread records of it. `truncated`: bit 0 the primary's answer, bit 1 the shadow's.
 */
export type MatchReply = readonly [
  jobId: number,
  primaryStatus: number,
  shadowStatus: number,
  primaryLatencyMs: number,
  shadowLatencyMs: number,
  truncated: number,
  bodyMode: BodyMode,
];

/** The short reply for a plain match; null for any other result, which is posted whole. */
export function matchReply(jobId: number, result: MirrorResult): MatchReply | null {
  if (
    result.kind !== 'compared' ||
    result.learnedNoise.length > 0 ||
    result.correlations !== undefined ||
    result.sync !== undefined ||
    result.noiseProbe !== undefined ||
    !isPlainMatch(result.verdict)
  )
    return null;
  const { primary, shadow } = result;
  const truncated = (primary.truncated ? 1 : 0) | (shadow.truncated ? 2 : 0);
  return [
    jobId,
    primary.status,
    shadow.status,
    primary.latencyMs,
    shadow.latencyMs,
    truncated,
    result.verdict.bodyMode,
  ];
}

/** Tells a {@link MatchReply} from the worker's other replies, which are objects. */
export function isMatchReply(reply: object): reply is MatchReply {
  return Array.isArray(reply);
}

const NOTHING_LEARNED: readonly string[] = Object.freeze([]);

/** The result a {@link MatchReply} stands for, as the runner returned it. */
export function resultOfMatch(reply: MatchReply): MirrorResult {
  const [, primaryStatus, shadowStatus, primaryLatencyMs, shadowLatencyMs, truncated, bodyMode] = reply;
  return {
    kind: 'compared',
    verdict: plainMatch(bodyMode),
    primary: answerFigures(primaryStatus, primaryLatencyMs, (truncated & 1) !== 0),
    shadow: answerFigures(shadowStatus, shadowLatencyMs, (truncated & 2) !== 0),
    learnedNoise: NOTHING_LEARNED,
  };
}
