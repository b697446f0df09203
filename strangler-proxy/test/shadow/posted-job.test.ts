/**
 * What crosses to the shadow worker and back: every byte of a body arrives, whatever shape it crossed in,
 * and a match sent as a tuple stands for exactly the result the runner returned. Messages go through
 * `structuredClone`, the serializer `postMessage` uses.
 */
import { describe, expect, it } from 'vitest';
import {
  compareResponses,
  compileCompareRules,
  createNoiseModel,
  learnNoise,
  plainMatch,
} from '../../src/compare/index.ts';
import type { CapturedResponse } from '../../src/compare/index.ts';
import { answerFigures, type MirrorJob, type MirrorResult } from '../../src/shadow/mirror-job.ts';
import {
  isMatchReply,
  matchReply,
  POSTED_AS_TEXT_MAX_BYTES,
  postedJob,
  receivedJob,
  resultOfMatch,
} from '../../src/shadow/posted-job.ts';

function jobWith(body: Uint8Array | null, primaryBody: Uint8Array): MirrorJob {
  return {
    shadowTarget: 'http://127.0.0.1:4001',
    primaryTarget: 'http://127.0.0.1:3000',
    method: body === null ? 'GET' : 'POST',
    path: '/api/products/7?view=full',
    primaryPath: '/api/products/7?view=full',
    headers: { host: '127.0.0.1:8080', 'x-strangler-shadow': '1' },
    body,
    safe: body === null,
    primarySide: 'legacy',
    primary: {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: primaryBody,
      truncated: false,
      latencyMs: 1.25,
    },
  };
}

/** Every byte value, at an offset inside a larger buffer, as a socket read hands it over. */
function viewOfEveryByte(): Buffer {
  const read = Buffer.alloc(4096, 0x2a);
  for (let value = 0; value < 256; value++) read[100 + value] = value;
  return read.subarray(100, 356);
}

const crossed = (job: MirrorJob, transfer: readonly ArrayBuffer[] = []) =>
  receivedJob(structuredClone(postedJob(job, transfer)));

describe('a posted job', () => {
  it('carries a small body as text, every byte value intact, and nothing of the buffer around it', () => {
    const body = viewOfEveryByte();
    const primaryBody = Buffer.from('{"id":7,"price":"1.50"}');
    const posted = structuredClone(postedJob(jobWith(body, primaryBody)));
    expect(typeof posted.body).toBe('string');
    expect(typeof posted.primary.body).toBe('string');
    const job = receivedJob(posted);
    expect(Buffer.from(job.body ?? [])).toEqual(Buffer.from(body));
    expect(Buffer.from(job.primary.body)).toEqual(primaryBody);
    expect({ ...job, body: null, primary: { ...job.primary, body: null } }).toEqual({
      ...jobWith(body, primaryBody),
      body: null,
      primary: { ...jobWith(body, primaryBody).primary, body: null },
    });
  });

  it('carries an empty body and no body as they are', () => {
    const job = crossed(jobWith(null, new Uint8Array(0)));
    expect(job.body).toBeNull();
    expect(job.primary.body.byteLength).toBe(0);
  });

  it('copies a body in shared memory: nothing written into that memory later reaches the mirror', () => {
    const shared = new Uint8Array(new SharedArrayBuffer(1024 * 1024), 128, POSTED_AS_TEXT_MAX_BYTES + 1).fill(
      7,
    );
    const job = crossed(jobWith(shared, Buffer.from('{}')));
    shared.fill(9);
    expect(job.body?.every((byte) => byte === 7)).toBe(true);
    expect(job.body?.buffer).toBeInstanceOf(ArrayBuffer);
  });

  it('leaves a body that is moved to the worker as bytes', () => {
    const moved = new Uint8Array(2048).fill(3);
    const posted = postedJob(jobWith(moved, Buffer.from('{}')), [moved.buffer]);
    expect(posted.body).toBe(moved);
  });

  it('copies a large body that is a view into a larger buffer into bytes of its own', () => {
    const around = Buffer.alloc(POSTED_AS_TEXT_MAX_BYTES * 3, 1);
    const large = around.subarray(10, 10 + POSTED_AS_TEXT_MAX_BYTES + 1);
    const posted = postedJob(jobWith(large, Buffer.from('{}')));
    expect(posted.body).toBeInstanceOf(Uint8Array);
    const body = posted.body as Uint8Array;
    expect(body.byteLength).toBe(large.byteLength);
    expect(body.buffer.byteLength).toBe(large.byteLength);
    expect(Buffer.from(crossed(jobWith(large, Buffer.from('{}'))).body ?? [])).toEqual(large);
  });
});

function captured(body: string, status = 200, latencyMs = 2): CapturedResponse {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(body),
    truncated: false,
    latencyMs,
  };
}

const rules = compileCompareRules({ ignore: ['$.servedAt'] });

function compared(legacy: string, service: string): MirrorResult {
  const verdict = compareResponses(captured(legacy), captured(service), rules);
  return {
    kind: 'compared',
    verdict,
    // Figures that differ on each side, so that a reply that swapped them would not rebuild the same result.
    primary: answerFigures(200, 1.5, false),
    shadow: answerFigures(203, 3.25, true),
    learnedNoise: [],
  };
}

describe('a match reply', () => {
  it('stands for exactly the result of a plain match', () => {
    const result = compared('{"id":7,"servedAt":"a"}', '{"id":7,"servedAt":"b"}');
    expect(result.kind === 'compared' && result.verdict).toBe(plainMatch('json'));
    const reply = structuredClone(matchReply(41, result));
    expect(reply).not.toBeNull();
    expect(isMatchReply(reply ?? {})).toBe(true);
    expect(reply?.[0]).toBe(41);
    expect(resultOfMatch(reply!)).toEqual(result);
  });

  it('is not used for a mismatch, a noisy match, learned noise or a mirror that failed', () => {
    const mismatch = compared('{"id":7}', '{"id":8}');
    expect(mismatch.kind === 'compared' && mismatch.verdict.outcome).toBe('mismatch');
    expect(matchReply(1, mismatch)).toBeNull();

    const noise = learnNoise(
      createNoiseModel(),
      compareResponses(captured('{"id":7,"t":1}'), captured('{"id":7,"t":2}'), rules),
    );
    const noisyMatch = compareResponses(captured('{"id":7,"t":3}'), captured('{"id":7,"t":4}'), rules, noise);
    expect(noisyMatch).toMatchObject({ outcome: 'match', noisy: [{ path: '$.t' }] });
    const plain = compared('{"id":7}', '{"id":7}');
    if (plain.kind !== 'compared') throw new Error('expected a comparison');
    expect(matchReply(2, { ...plain, verdict: noisyMatch })).toBeNull();
    expect(matchReply(3, { ...plain, learnedNoise: ['$.t'] })).toBeNull();
    expect(
      matchReply(4, { kind: 'failed', failure: 'timeout', message: 'no answer', latencyMs: 2000 }),
    ).toBeNull();
    expect(matchReply(5, { kind: 'over_capacity' })).toBeNull();
  });

  it('is told apart from the other replies, which are objects', () => {
    expect(isMatchReply({ jobId: 1, ok: false, error: 'x' })).toBe(false);
  });
});
