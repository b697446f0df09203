/**
 * Reads, from the two answers to one mirrored write, the identifiers that correspond (`shadow.correlate`):
 * the value at each path in the monolith's answer ↔ the value at the same path in the service's. What
 * cannot be read is a counted skip with its reason, never an error: the comparison goes on without it.
 */
import { isIdentifier, type Identifier } from '../compare/correspondence.ts';
import { firstValue } from '../compare/json-values.ts';
import type { JsonPathPattern } from '../compare/json-path.ts';

/** Why a correlate path gave no pair. */
export const CORRELATION_SKIP_REASONS = [
  // An answer is not JSON (or was cut at the capture limit).
  'not_json',
  // The path selects nothing in one of the answers.
  'path_missing',
  // The value there is not a string or a number.
  'not_identifier',
  // The value is longer than an identifier may be.
  'too_long',
  // The map was full: the pair used least recently was forgotten for a new one.
  'evicted',
] as const;
export type CorrelationSkipReason = (typeof CORRELATION_SKIP_REASONS)[number];

/** Identifiers longer than this (as text) are not kept: they would only fill the map and the store. */
export const MAX_IDENTIFIER_LENGTH = 256;

export interface LearnedCorrelations {
  readonly pairs: readonly { readonly legacy: Identifier; readonly service: Identifier }[];
  readonly skipped: readonly CorrelationSkipReason[];
}

const NOT_JSON = Symbol('not JSON');

/** Parses an answer's body as JSON, or says it is not. */
export function parseAnswer(body: Uint8Array, truncated: boolean): unknown {
  if (truncated || body.byteLength === 0) return NOT_JSON;
  try {
    return JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch {
    return NOT_JSON;
  }
}

export function isParsed(value: unknown): boolean {
  return value !== NOT_JSON;
}

/** The pairs `paths` find in the two parsed answers ({@link parseAnswer}), and what was skipped. */
export function learnCorrelations(
  paths: readonly JsonPathPattern[],
  legacy: unknown,
  service: unknown,
): LearnedCorrelations {
  if (paths.length === 0) return { pairs: [], skipped: [] };
  if (!isParsed(legacy) || !isParsed(service)) return { pairs: [], skipped: paths.map(() => 'not_json') };
  const pairs: LearnedCorrelations['pairs'][number][] = [];
  const skipped: CorrelationSkipReason[] = [];
  for (const path of paths) {
    const a = firstValue(legacy, path);
    const b = firstValue(service, path);
    if (a === undefined || b === undefined) skipped.push('path_missing');
    else if (!isIdentifier(a) || !isIdentifier(b)) skipped.push('not_identifier');
    else if (String(a).length > MAX_IDENTIFIER_LENGTH || String(b).length > MAX_IDENTIFIER_LENGTH)
      skipped.push('too_long');
    else pairs.push({ legacy: a, service: b });
  }
  return { pairs, skipped };
}
