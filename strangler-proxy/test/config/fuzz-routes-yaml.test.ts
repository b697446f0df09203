/**
 * A fuzzed routes.yaml corpus: valid files mutated line by line and character by character (deleted,
 * duplicated, swapped, re-indented, truncated, values of the wrong type, YAML syntax characters, aliases,
 * huge repetitions). Whatever the text, the loader returns `ok: true` with a frozen config or `ok: false`
 * with located problems of catalogued codes: it never throws and never hangs.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isConfigErrorCode } from '../../src/config/errors.ts';
import { loadRoutes } from '../../src/runtime/load-routes.ts';

const valid = readFileSync(new URL('./fixtures/valid.routes.yaml', import.meta.url), 'utf8');
const flowStyle = `version: 1
legacy: { url: 'http://127.0.0.1:4000', timeout: 2s, retry: { attempts: 2 } }
services: { catalog: 'http://127.0.0.1:4001', orders: { url: 'http://127.0.0.1:4002' } }
defaults: { compare: { ignore: ['$.id', "$..updatedAt"] }, plan: { steps: [10, 50, 100] } }
routes:
  - { id: a, path: /a/:id, methods: [GET], service: catalog, stage: shadow, shadow: { percent: 10, sticky: ip } }
  - { id: b, path: /b, headers: { x-beta: '*' }, service: orders, stage: canary, canary: { percent: 5 } }
  - &c { id: c, path: /c, service: orders, stage: migrated, fallback: legacy }
  - <<: *c
    id: d
    path: /d
`;
const corpus = [valid, flowStyle];
const env = { BETA_PERCENT: '20', LEGACY_URL: 'http://127.0.0.1:4000' };

const replacements = [
  '[]',
  '{}',
  '-1',
  '101',
  'true',
  'null',
  '~',
  '"x"',
  "''",
  '1e400',
  '*a',
  '&a x',
  '*missing',
  '${X}',
  '${',
  '$${Y}',
  '!!binary x',
  '!custom x',
  '|',
  '>',
  '[',
  '{',
  '"',
  "'",
  ': :',
  '- - -',
  '? x',
  '0x10',
  '.nan',
  '2020-01-01',
  'http://',
  '/api//x',
  '/a/:',
  'header:',
  'cookie:uid',
  'ip',
  'canary',
  'GET',
  '[get, POST]',
  '$.a[',
  '\t',
];
const noise = [
  ':',
  '-',
  '[',
  ']',
  '{',
  '}',
  '#',
  '&',
  '*',
  '!',
  '|',
  '>',
  "'",
  '"',
  '%',
  '@',
  '`',
  ',',
  '?',
  '\t',
  ' ',
  '\n',
  '\r',
  '\u0000',
  '\ufeff',
  'é',
  '${A}',
  '<<: *a\n',
];

type Mutation = (lines: string[]) => string[];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map(
    (n): Mutation =>
      (lines) =>
        lines.filter((_, i) => i !== n % lines.length),
  ),
  fc.nat().map(
    (n): Mutation =>
      (lines) =>
        lines.flatMap((line, i) => (i === n % lines.length ? [line, line] : [line])),
  ),
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]): Mutation => (lines) => {
    const copy = [...lines];
    const [i, j] = [a % copy.length, b % copy.length];
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    return copy;
  }),
  fc.tuple(fc.nat(), fc.integer({ min: -4, max: 4 })).map(
    ([n, shift]): Mutation =>
      (lines) =>
        lines.map((line, i) =>
          i === n % lines.length ? (shift >= 0 ? ' '.repeat(shift) + line : line.slice(-shift)) : line,
        ),
  ),
  fc.tuple(fc.nat(), fc.constantFrom(...replacements)).map(
    ([n, value]): Mutation =>
      (lines) =>
        lines.map((line, i) =>
          i === n % lines.length && line.includes(': ')
            ? line.slice(0, line.indexOf(': ') + 2) + value
            : line,
        ),
  ),
  fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(...noise)).map(
    ([n, at, text]): Mutation =>
      (lines) =>
        lines.map((line, i) =>
          i === n % lines.length
            ? line.slice(0, at % (line.length + 1)) + text + line.slice(at % (line.length + 1))
            : line,
        ),
  ),
  fc.nat().map(
    (n): Mutation =>
      (lines) =>
        lines.slice(0, n % (lines.length + 1)),
  ),
  fc.tuple(fc.nat(), fc.integer({ min: 2, max: 2000 })).map(
    ([n, times]): Mutation =>
      (lines) =>
        lines.flatMap((line, i) => (i === n % lines.length ? Array<string>(times).fill(line) : [line])),
  ),
);

const mutated = fc
  .tuple(fc.constantFrom(...corpus), fc.array(mutation, { minLength: 1, maxLength: 6 }))
  .map(([text, mutations]) =>
    mutations.reduce((lines, mutate) => mutate(lines), text.split('\n')).join('\n'),
  );

function checkOutcome(text: string): void {
  const result = loadRoutes(text, { file: 'fuzz.yaml', env });
  if (result.ok) {
    expect(Object.isFrozen(result.config)).toBe(true);
    expect(Object.isFrozen(result.config.routes)).toBe(true);
    return;
  }
  expect(result.problems.length).toBeGreaterThan(0);
  const lines = text.split(/\r\n|\r|\n/).length;
  for (const problem of [...result.problems, ...result.warnings]) {
    expect(isConfigErrorCode(problem.code), problem.code).toBe(true);
    expect(problem.file).toBe('fuzz.yaml');
    expect(problem.line).toBeGreaterThanOrEqual(1);
    expect(problem.line).toBeLessThanOrEqual(lines + 1);
    expect(problem.column).toBeGreaterThanOrEqual(1);
    expect(typeof problem.message).toBe('string');
    expect(typeof problem.path).toBe('string');
  }
}

describe('routes.yaml fuzzing', () => {
  it('the corpus itself loads', () => {
    for (const text of corpus) expect(loadRoutes(text, { file: 'x', env }).ok).toBe(true);
  });

  it('mutated files: ok with a frozen config, or located problems; never a throw or a hang', () => {
    fc.assert(fc.property(mutated, checkOutcome), { numRuns: 300 });
  }, 120_000);

  it('arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), checkOutcome), { numRuns: 300 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), checkOutcome), { numRuns: 300 });
  }, 60_000);

  it('huge inputs: just under the size limit they load in bounded time, just over they are refused at once', () => {
    const route = (i: number) =>
      `  - { id: r${i}, path: /api/d${i % 50}/r${i}, methods: [GET], service: catalog, stage: legacy }\n`;
    let text =
      'version: 1\nlegacy: http://127.0.0.1:4000\nservices: { catalog: http://127.0.0.1:4001 }\nroutes:\n';
    const lines: string[] = [];
    for (let i = 0; text.length + lines.length * 90 < 1_000_000; i++) lines.push(route(i));
    text += lines.join('');
    const result = loadRoutes(text, { file: 'big.yaml', env });
    expect(result.ok).toBe(true);
    expect(result.ok && result.config.routes.length).toBeGreaterThan(10_000);

    const over = loadRoutes(text + '#'.repeat(100_000), { file: 'big.yaml', env });
    expect(over.ok ? [] : over.problems.map((p) => p.code)).toEqual(['CONFIG_FILE_TOO_LARGE']);
  }, 60_000);

  it('huge mappings and unreachable-route groups stay fast (no quadratic duplicate-key check)', () => {
    const keys = Array.from({ length: 60_000 }, (_, i) => `  k${i}: ${i}`).join('\n');
    const result = loadRoutes(`version: 1\nlegacy: http://x\nproxy:\n${keys}\n`, {
      file: 'x',
      env,
      maxProblems: 5,
    });
    expect(result.ok).toBe(false);

    const same = Array.from(
      { length: 3000 },
      (_, i) => `  - { id: r${i}, path: /same, service: s, stage: legacy }`,
    ).join('\n');
    const unreachable = loadRoutes(
      `version: 1\nlegacy: http://x\nservices: { s: http://y }\nroutes:\n${same}\n`,
      { file: 'x', env },
    );
    expect(unreachable.ok ? [] : unreachable.problems.at(-1)?.code).toBe('CONFIG_TOO_MANY_PROBLEMS');
  }, 60_000);

  it('alias bombs and deep nesting in any position are refused quickly', () => {
    const bomb = ['x: &a [1,1,1,1,1,1,1,1,1,1]'];
    for (let i = 0; i < 8; i++)
      bomb.push(
        `x${i}: &${'b' + i} [${Array(10)
          .fill(i === 0 ? '*a' : `*b${i - 1}`)
          .join(',')}]`,
      );
    for (const text of [
      valid + '\n' + bomb.join('\n') + '\n',
      valid.replace('routes:', `routes_bomb: {}\n${bomb.join('\n')}\nroutes:`),
      valid + '\nextra: ' + '['.repeat(5_000) + ']'.repeat(5_000) + '\n',
      valid + '\nextra: ' + '{a: '.repeat(2_000) + '1' + '}'.repeat(2_000) + '\n',
    ]) {
      checkOutcome(text);
    }
  }, 60_000);
});
