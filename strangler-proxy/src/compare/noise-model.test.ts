import { describe, expect, it } from 'vitest';
import { jsonResponse } from '../../test/compare/captured.ts';
import { compareResponses, failedVerdict } from './compare-responses.ts';
import { NO_RULES, compileCompareRules } from './compile-rules.ts';
import type { CompiledRules } from './compile-rules.ts';
import {
  createNoiseModel,
  isNoisy,
  learnNoise,
  newNoisyPaths,
  noisyEntries,
  noisyPaths,
} from './noise-model.ts';
import type { NoiseModel } from './noise-model.ts';

function pair(legacy: unknown, service: unknown, noise?: NoiseModel, rules: CompiledRules = NO_RULES) {
  return compareResponses(jsonResponse(legacy), jsonResponse(service), rules, noise);
}

const legacyA = {
  generatedAt: '2026-01-01T00:00:00.001Z',
  items: [
    { id: 1, seenAt: 1 },
    { id: 2, seenAt: 2 },
  ],
};
const legacyB = {
  generatedAt: '2026-01-01T00:00:00.002Z',
  items: [
    { id: 1, seenAt: 3 },
    { id: 2, seenAt: 4 },
  ],
};

describe('noise learning', () => {
  it('turns a field that differs between two legacy answers into noise', () => {
    const service = {
      generatedAt: '2026-01-01T00:00:05.000Z',
      items: [
        { id: 1, seenAt: 9 },
        { id: 2, seenAt: 9 },
      ],
    };
    expect(pair(legacyA, service).outcome).toBe('mismatch');

    const noise = learnNoise(createNoiseModel(), pair(legacyA, legacyB));
    expect(noisyPaths(noise)).toEqual(['$.generatedAt', '$.items[*].seenAt']);

    const verdict = pair(legacyA, service, noise);
    expect(verdict).toMatchObject({ outcome: 'match', differences: [], signature: '' });
    expect(verdict.noisy.map((difference) => difference.path)).toEqual([
      '$.generatedAt',
      '$.items[0].seenAt',
      '$.items[1].seenAt',
    ]);
  });

  it('still counts other differences, and other kinds at a noisy path', () => {
    const noise = learnNoise(createNoiseModel(), pair(legacyA, legacyB));
    const { generatedAt: _dropped, ...withoutTimestamp } = legacyA;
    const verdict = pair(
      legacyA,
      {
        ...withoutTimestamp,
        items: [
          { id: 1, seenAt: 7 },
          { id: 3, seenAt: 7 },
        ],
      },
      noise,
    );
    expect(verdict.outcome).toBe('mismatch');
    expect(verdict.differences.map((difference) => `${difference.kind} ${difference.path}`)).toEqual([
      'missing $.generatedAt',
      'value $.items[1].id',
    ]);
    expect(verdict.noisy.map((difference) => difference.path)).toEqual([
      '$.items[0].seenAt',
      '$.items[1].seenAt',
    ]);
    expect(
      pair({ t: 'a' }, { t: 1 }, learnNoise(createNoiseModel(), pair({ t: 'a' }, { t: 'b' }))).outcome,
    ).toBe(
      'match', // value and type are one class: a field that is sometimes null produces both
    );
  });

  it('learns presence either way round and header noise', () => {
    const noise = learnNoise(
      createNoiseModel(),
      compareResponses(
        jsonResponse({ a: 1 }, { headers: { 'x-request-id': 'r1' } }),
        jsonResponse({ a: 1, debug: 'x' }, { headers: { 'x-request-id': 'r2' } }),
        compileCompareRules({ compareHeaders: 'all' }),
      ),
    );
    expect(noisyEntries(noise)).toEqual([
      { path: '$.debug', classes: ['presence'] },
      { path: 'header:x-request-id', classes: ['header'] },
    ]);
    expect(isNoisy(noise, 'missing', '$.debug')).toBe(true);
    expect(isNoisy(noise, 'header', 'header:x-request-id')).toBe(true);
    expect(isNoisy(noise, 'value', '$.debug')).toBe(false);
  });

  it('reorderings learned as noise no longer mismatch', () => {
    const noise = learnNoise(createNoiseModel(), pair({ ids: [1, 2, 3] }, { ids: [3, 1, 2] }));
    expect(noisyEntries(noise)).toEqual([{ path: '$.ids', classes: ['order'] }]);
    expect(pair({ ids: [1, 2, 3] }, { ids: [2, 3, 1] }, noise).outcome).toBe('match');
    expect(pair({ ids: [1, 2, 3] }, { ids: [2, 3, 4] }, noise).outcome).toBe('mismatch');
    // Nested: an array of arrays whose inner order is noise still compares the outer elements equal.
    const nested = learnNoise(createNoiseModel(), pair([[1, 2], [3]], [[2, 1], [3]]));
    expect(
      pair([[1, 2], [3]], [[3], [2, 1]], nested).differences.map((difference) => difference.kind),
    ).toEqual(['order']);
  });

  it('returns the same model when there is nothing new, a new one otherwise', () => {
    const empty = createNoiseModel();
    const once = learnNoise(empty, pair(legacyA, legacyB));
    expect(once).not.toBe(empty);
    expect(noisyPaths(empty)).toEqual([]);
    expect(learnNoise(once, pair(legacyA, legacyB))).toBe(once);
    expect(learnNoise(once, pair(legacyA, legacyA))).toBe(once);
    expect(newNoisyPaths(empty, once)).toEqual(['$.generatedAt', '$.items[*].seenAt']);
    expect(newNoisyPaths(once, once)).toEqual([]);
    expect(Object.isFrozen(once)).toBe(true);
  });

  it('does not learn from failures, differing statuses, or whole bodies', () => {
    const model = createNoiseModel();
    expect(learnNoise(model, failedVerdict('legacy', 'timeout', 'slow'))).toBe(model);
    const statusDiffers = compareResponses(
      jsonResponse({ a: 1 }),
      jsonResponse({ a: 2 }, { status: 503 }),
      NO_RULES,
    );
    expect(learnNoise(model, statusDiffers)).toBe(model);
    const text = compareResponses(
      jsonResponse(null, { text: 'x' }),
      jsonResponse(null, { text: 'y' }),
      NO_RULES,
    );
    expect(text.differences[0]?.kind).toBe('text');
    expect(learnNoise(model, text)).toBe(model);
  });

  it('stays bounded', () => {
    const legacy = Object.fromEntries(Array.from({ length: 30 }, (_, index) => [`k${index}`, index]));
    const other = Object.fromEntries(Array.from({ length: 30 }, (_, index) => [`k${index}`, -index - 1]));
    const model = learnNoise(createNoiseModel({ maxPaths: 10 }), pair(legacy, other));
    expect(model.paths.size).toBe(10);
    expect(model.overflow).toBe(20);
  });

  it('restores from saved entries', () => {
    const learned = learnNoise(createNoiseModel(), pair(legacyA, legacyB));
    const restored = createNoiseModel({ entries: noisyEntries(learned) });
    expect(noisyEntries(restored)).toEqual(noisyEntries(learned));
    expect(pair(legacyA, legacyB, restored).outcome).toBe('match');
  });
});
