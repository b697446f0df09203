import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { binaryResponse, captured, jsonResponse, textResponse } from '../../test/compare/captured.ts';
import { compareResponses, failedVerdict } from './compare-responses.ts';
import { NO_RULES, compileCompareRules } from './compile-rules.ts';
import type { Verdict } from './verdict.ts';

function kinds(verdict: Verdict): string[] {
  return verdict.differences.map((difference) => `${difference.kind} ${difference.path}`);
}

function isDeepFrozen(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeepFrozen);
}

describe('status', () => {
  it('differs as a status difference', () => {
    const verdict = compareResponses(jsonResponse({}), jsonResponse({}, { status: 404 }), NO_RULES);
    expect(verdict.differences).toEqual([{ path: 'status', kind: 'status', legacy: 200, service: 404 }]);
    expect(verdict.outcome).toBe('mismatch');
  });
});

/** `compareHeaders: all`: every header but transport ones, as before the default allow-list. */
const ALL_HEADERS = compileCompareRules({ compareHeaders: 'all' });

describe('headers', () => {
  it('compare only the listed headers by default, set-cookie by cookie names', () => {
    const legacy = textResponse('x', {
      headers: {
        'content-type': 'text/plain',
        'x-response-time': '3ms',
        'strict-transport-security': 'max-age=1',
        'set-cookie': ['sid=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/', 'theme=dark'],
        'x-total-count': '7',
      },
    });
    const service = textResponse('x', {
      headers: {
        'content-type': 'text/plain; charset=utf-8',
        'access-control-allow-origin': '*',
        'set-cookie': 'sid=2; Path=/',
        'x-total-count': '8',
      },
    });
    expect(compareResponses(legacy, service, NO_RULES).differences).toEqual([
      {
        path: 'header:content-type',
        kind: 'header',
        legacy: 'text/plain',
        service: 'text/plain; charset=utf-8',
      },
      { path: 'header:set-cookie', kind: 'header', legacy: 'sid, theme', service: 'sid' },
    ]);
    // A name the route adds is compared too.
    const listed = compileCompareRules({ compareHeaders: ['X-Total-Count'] });
    expect(kinds(compareResponses(legacy, service, listed))).toEqual([
      'header header:content-type',
      'header header:set-cookie',
      'header header:x-total-count',
    ]);
  });

  it('compare names case-insensitively and values case-sensitively', () => {
    const verdict = compareResponses(
      textResponse('x', { headers: { 'Cache-Control': 'no-store', 'X-Kind': 'A', vary: 'accept' } }),
      textResponse('x', { headers: { 'cache-control': 'no-store', 'x-kind': 'a', 'x-new': '1' } }),
      ALL_HEADERS,
    );
    expect(verdict.differences).toEqual([
      { path: 'header:x-kind', kind: 'header', legacy: 'A', service: 'a' },
      { path: 'header:vary', kind: 'header', legacy: 'accept' },
      { path: 'header:x-new', kind: 'header', service: '1' },
    ]);
  });

  it('join repeated values in order', () => {
    const verdict = compareResponses(
      textResponse('x', { headers: { link: ['<a>', '<b>'] } }),
      textResponse('x', { headers: { link: '<a>, <b>' } }),
      NO_RULES,
    );
    expect(verdict.outcome).toBe('match');
  });

  it('skips what either side’s Connection names, whichever side sends keep-alive alone', () => {
    const rules = ALL_HEADERS;
    const keepAlive = jsonResponse(
      { a: 1 },
      { headers: { connection: 'Keep-Alive', 'keep-alive': 'timeout=5' } },
    );
    const naming = jsonResponse({ a: 1 }, { headers: { connection: 'close, X-Hop', 'x-hop': '1' } });
    expect(compareResponses(keepAlive, naming, rules).outcome).toBe('match');
    expect(compareResponses(naming, keepAlive, rules).outcome).toBe('match');
    // Named by neither side: compared.
    const plain = jsonResponse({ a: 1 }, { headers: { connection: 'keep-alive', 'x-hop': '2' } });
    expect(compareResponses(keepAlive, plain, rules).outcome).toBe('mismatch');
  });

  it('skip ignored, hop-by-hop and per-server headers, and content-length when bodies are compared', () => {
    const rules = compileCompareRules({ compareHeaders: 'all', ignoreHeaders: ['ETag', 'x-request-id'] });
    const verdict = compareResponses(
      jsonResponse(
        { a: 1 },
        {
          headers: {
            date: 'Mon',
            etag: '"1"',
            'x-request-id': 'r1',
            connection: 'keep-alive, x-hop',
            'keep-alive': 'timeout=5',
            'x-hop': '1',
            'transfer-encoding': 'chunked',
            server: 'Apache',
            'x-powered-by': 'PHP',
            'content-length': '7',
          },
        },
      ),
      jsonResponse(
        { a: 1 },
        { text: '{ "a": 1 }', headers: { date: 'Tue', etag: '"2"', 'content-length': '10' } },
      ),
      rules,
    );
    expect(verdict.outcome).toBe('match');
  });

  it('compare content-length when a body was truncated: it is the only sign of the real size', () => {
    const verdict = compareResponses(
      captured('abc', { truncated: true, headers: { 'content-length': '9000' } }),
      captured('abc', { truncated: true, headers: { 'content-length': '8000' } }),
      NO_RULES,
    );
    expect(kinds(verdict)).toEqual(['header header:content-length']);
  });

  it('mask credential headers in differences', () => {
    const verdict = compareResponses(
      textResponse('x', { headers: { 'set-cookie': 'sid=1' } }),
      textResponse('x', { headers: { 'set-cookie': 'sid=2' } }),
      ALL_HEADERS,
    );
    expect(verdict.differences).toEqual([
      { path: 'header:set-cookie', kind: 'header', legacy: '[redacted]', service: '[redacted]' },
    ]);
  });
});

describe('body modes', () => {
  it('identical bytes match without parsing, and say how they would have been compared', () => {
    expect(compareResponses(jsonResponse({ a: 1 }), jsonResponse({ a: 1 }), NO_RULES)).toMatchObject({
      outcome: 'match',
      bodyMode: 'json',
    });
    expect(compareResponses(textResponse('hi'), textResponse('hi'), NO_RULES).bodyMode).toBe('text');
    expect(compareResponses(captured(''), captured(''), NO_RULES).bodyMode).toBe('empty');
    expect(compareResponses(captured('{"a":1}'), captured('{"a":1}'), NO_RULES).bodyMode).toBe('json');
    expect(
      compareResponses(captured(new Uint8Array([0xff])), captured(new Uint8Array([0xff])), NO_RULES).bodyMode,
    ).toBe('bytes');
  });

  it('sniff JSON when no side declares it but both parse', () => {
    const verdict = compareResponses(captured('{"a":1,"b":2}'), captured('{"b":2,"a":1}'), NO_RULES);
    expect(verdict).toMatchObject({ outcome: 'match', bodyMode: 'json' });
    const html = compareResponses(
      captured('[1,2]', { headers: { 'content-type': 'text/html' } }),
      captured('[1, 3]', { headers: { 'content-type': 'text/html' } }),
      NO_RULES,
    );
    expect(kinds(html)).toEqual(['value $[1]']);
  });

  it('compare JSON that does not parse on one side as text, with an excerpt around the first difference', () => {
    const legacy = jsonResponse({ message: 'all good here', n: 1 });
    const service = jsonResponse(null, { text: '{"message":"all good here","n":1' });
    const verdict = compareResponses(legacy, service, NO_RULES);
    expect(verdict.bodyMode).toBe('text');
    expect(verdict.differences).toEqual([
      {
        path: '$',
        kind: 'text',
        offset: 32,
        legacy: '{"message":"all good here","n":1}',
        service: '{"message":"all good here","n":1',
      },
    ]);
  });

  it('compare text bodies as text', () => {
    const long = 'lorem ipsum '.repeat(20);
    const verdict = compareResponses(
      textResponse(`${long}A${long}`),
      textResponse(`${long}B${long}`),
      NO_RULES,
    );
    const [difference] = verdict.differences;
    expect(difference).toMatchObject({ path: '$', kind: 'text', offset: long.length });
    expect(difference?.legacy).toBe(`…${long.slice(-40)}A${long.slice(0, 40)}…`);
    expect(verdict.signature).not.toBe('');
  });

  it('compare binary bodies by hash', () => {
    const verdict = compareResponses(binaryResponse([1, 2, 3]), binaryResponse([1, 2, 4, 5]), NO_RULES);
    const sha = (bytes: number[]) => createHash('sha256').update(Uint8Array.from(bytes)).digest('hex');
    expect(verdict).toMatchObject({ bodyMode: 'bytes', outcome: 'mismatch' });
    expect(verdict.differences).toEqual([
      {
        path: '$',
        kind: 'bytes',
        offset: 2,
        legacy: { sha256: sha([1, 2, 3]), size: 3, truncated: false },
        service: { sha256: sha([1, 2, 4, 5]), size: 4, truncated: false },
      },
    ]);
  });

  it('compare bodies that are not valid UTF-8 by hash, even when declared as text', () => {
    const verdict = compareResponses(
      captured(new Uint8Array([0x61, 0xff]), { headers: { 'content-type': 'text/plain' } }),
      captured(new Uint8Array([0x61, 0xfe]), { headers: { 'content-type': 'text/plain' } }),
      NO_RULES,
    );
    expect(kinds(verdict)).toEqual(['bytes $']);
  });

  it('compare truncated bodies by hash of what was captured, and say so', () => {
    const same = compareResponses(
      jsonResponse(null, { text: '{"a":1,', truncated: true }),
      jsonResponse(null, { text: '{"a":1,', truncated: true }),
      NO_RULES,
    );
    expect(same).toMatchObject({ outcome: 'match', bodyMode: 'truncated' });
    const different = compareResponses(
      jsonResponse(null, { text: '{"a":1,', truncated: true }),
      jsonResponse({ a: 1 }),
      NO_RULES,
    );
    expect(different.bodyMode).toBe('truncated');
    expect(different.differences[0]).toMatchObject({
      kind: 'bytes',
      legacy: { size: 7, truncated: true },
      service: { size: 7, truncated: false },
    });
  });

  it('never throws on hostile bodies', () => {
    const bodies = ['', '{', '[', 'null', '"x"', '{"__proto__":{"polluted":1}}', '\u0000', '[1,]'];
    for (const a of bodies) {
      for (const b of bodies) {
        const verdict = compareResponses(
          jsonResponse(null, { text: a }),
          jsonResponse(null, { text: b }),
          NO_RULES,
        );
        expect(verdict.outcome).toBe(a === b ? 'match' : 'mismatch');
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('verdicts', () => {
  it('are frozen all the way down', () => {
    const verdict = compareResponses(
      jsonResponse({ a: { b: [1, { c: 2 }] }, s: 1 }, { headers: { 'x-a': '1' } }),
      jsonResponse({ s: 2 }, { status: 500 }),
      NO_RULES,
    );
    expect(verdict.differences.length).toBeGreaterThan(2);
    expect(isDeepFrozen(verdict)).toBe(true);
    expect(isDeepFrozen(compareResponses(textResponse('a'), textResponse('b'), NO_RULES))).toBe(true);
    expect(isDeepFrozen(compareResponses(binaryResponse([1]), binaryResponse([2]), NO_RULES))).toBe(true);
  });

  it('hold nothing of the captured responses', () => {
    const legacy = { a: { nested: [1, 2] } };
    const verdict = compareResponses(jsonResponse(legacy), jsonResponse({}), NO_RULES);
    expect(verdict.differences[0]?.legacy).toEqual(legacy.a);
    expect(verdict.differences[0]?.legacy).not.toBe(legacy.a);
  });

  it('have a signature that depends on the shape of the differences only', () => {
    const rules = NO_RULES;
    const first = compareResponses(
      jsonResponse({ items: [{ price: 1 }, { price: 2 }], total: 3 }),
      jsonResponse({ items: [{ price: 9 }, { price: 2 }], total: 4 }),
      rules,
    );
    const second = compareResponses(
      jsonResponse({ total: 30, items: [{ price: 5 }, { price: 6 }, { price: 7 }] }),
      jsonResponse({ items: [{ price: 5 }, { price: 6 }, { price: 70 }], total: 40 }),
      rules,
    );
    expect(first.signature).toMatch(/^[0-9a-f]{16}$/);
    expect(second.signature).toBe(first.signature);
    const other = compareResponses(jsonResponse({ total: 3 }), jsonResponse({ total: '3' }), rules);
    expect(other.signature).not.toBe(first.signature);
    expect(compareResponses(jsonResponse({}), jsonResponse({}), rules).signature).toBe('');
  });
});

describe('failedVerdict', () => {
  it('builds a frozen error verdict for a side that failed', () => {
    const verdict = failedVerdict('service', 'timeout', 'no answer within 2000 ms');
    expect(verdict).toEqual({
      outcome: 'error',
      differences: [],
      noisy: [],
      error: { side: 'service', kind: 'timeout', message: 'no answer within 2000 ms' },
      signature: '',
    });
    expect(isDeepFrozen(verdict)).toBe(true);
  });
});
