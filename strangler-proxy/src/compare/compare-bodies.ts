/**
 * Chooses how two captured bodies are compared and does it:
 * - either truncated: by the bytes captured (`truncated`), since a prefix cannot be parsed;
 * - identical bytes: equal, whatever they are (the common case, and no parsing at all);
 * - JSON, when a side declares it (`application/json`, `*+json`) or both look like JSON, and both parse:
 *   field by field (`json`);
 * - otherwise, when neither side is declared binary and both are valid UTF-8: as text (`text`), which is
 *   also where a JSON body that does not parse ends up;
 * - otherwise by hash (`bytes`).
 * Bodies are taken as captured: decoding `content-encoding` is the runtime's job.
 */
import { bytesEqual, digestOf, firstDifferentByte } from './compare-bytes.ts';
import type { HeaderMap } from './compare-headers.ts';
import { compareJson } from './compare-json.ts';
import { compareText } from './compare-text.ts';
import type { CompiledRules } from './compile-rules.ts';
import type { DifferenceCollector } from './collect-differences.ts';
import type { NoiseModel } from './noise-model.ts';
import type { Correspondence } from './correspondence.ts';
import type { BodyMode, CapturedResponse } from './verdict.ts';

type Declared = 'json' | 'text' | 'binary' | 'unknown';

// Reused: a TextDecoder that is not streaming keeps no state between calls.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Compares the bodies, records their differences at `$`-paths and says how they were compared. */
export function compareBodies(
  legacy: CapturedResponse,
  service: CapturedResponse,
  legacyHeaders: HeaderMap,
  serviceHeaders: HeaderMap,
  rules: CompiledRules,
  noise: NoiseModel | undefined,
  sink: DifferenceCollector,
  correspondence?: Correspondence,
): BodyMode {
  const a = legacy.body;
  const b = service.body;
  if (legacy.truncated || service.truncated) {
    if (!bytesEqual(a, b)) recordBytes(legacy, service, sink);
    return 'truncated';
  }
  if (a.byteLength === 0 && b.byteLength === 0) return 'empty';
  const declaredA = declaredKind(legacyHeaders.get('content-type'));
  const declaredB = declaredKind(serviceHeaders.get('content-type'));
  const same = bytesEqual(a, b);
  if (declaredA === 'binary' || declaredB === 'binary') {
    if (!same) recordBytes(legacy, service, sink);
    return 'bytes';
  }
  const json = declaredA === 'json' || declaredB === 'json' || (looksLikeJson(a) && looksLikeJson(b));
  if (same) return json ? 'json' : decode(a) === undefined ? 'bytes' : 'text';
  const textA = decode(a);
  const textB = decode(b);
  if (textA === undefined || textB === undefined) {
    recordBytes(legacy, service, sink);
    return 'bytes';
  }
  if (json) {
    const valueA = parse(textA);
    const valueB = parse(textB);
    if (valueA !== INVALID && valueB !== INVALID) {
      compareJson(valueA, valueB, rules, noise, sink, correspondence);
      return 'json';
    }
  }
  const difference = compareText(textA, textB);
  if (difference !== undefined) {
    const { offset, legacy: excerptA, service: excerptB } = difference;
    sink.add('text', '$', () => ({ path: '$', kind: 'text', offset, legacy: excerptA, service: excerptB }));
  }
  return 'text';
}

function recordBytes(legacy: CapturedResponse, service: CapturedResponse, sink: DifferenceCollector): void {
  sink.add('bytes', '$', () => ({
    path: '$',
    kind: 'bytes',
    offset: firstDifferentByte(legacy.body, service.body),
    legacy: digestOf(legacy.body, legacy.truncated),
    service: digestOf(service.body, service.truncated),
  }));
}

/** What a `content-type` says about the body. */
export function declaredKind(contentType: string | undefined): Declared {
  if (contentType === undefined) return 'unknown';
  const semicolon = contentType.indexOf(';');
  const type = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  if (type === '') return 'unknown';
  if (type === 'application/json' || type.endsWith('+json') || type === 'text/json') return 'json';
  if (
    type.startsWith('text/') ||
    type.endsWith('+xml') ||
    type === 'application/xml' ||
    type === 'application/javascript' ||
    type === 'application/x-www-form-urlencoded' ||
    type === 'application/x-ndjson' ||
    type === 'application/graphql'
  ) {
    return 'text';
  }
  return 'binary';
}

/** First non-blank byte is `{` or `[`: worth trying to parse, whatever the content-type says. */
function looksLikeJson(bytes: Uint8Array): boolean {
  for (const byte of bytes) {
    if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) continue;
    return byte === 0x7b || byte === 0x5b;
  }
  return false;
}

function decode(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

const INVALID = Symbol('invalid JSON');

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return INVALID;
  }
}
