import { describe, expect, it } from 'vitest';
import { expandEnvString } from './expand-env.ts';

describe('expandEnvString', () => {
  const env = { HOST: 'example.com', PORT: '8080', EMPTY: '' };

  it.each([
    ['http://${HOST}:${PORT}', 'http://example.com:8080'],
    ['${MISSING:-fallback}', 'fallback'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${EMPTY}', ''],
    ['${HOST:-x}', 'example.com'],
    ['${MISSING:-}', ''],
    ['${MISSING:-a:-b c}', 'a:-b c'],
    ['$${HOST}', '${HOST}'],
    ['$$${HOST}', '$${HOST}'],
    ['cost: $5 and $HOST', 'cost: $5 and $HOST'],
    ['trailing $', 'trailing $'],
    ['no references', 'no references'],
  ])('%s → %s', (text, value) => {
    expect(expandEnvString(text, env)).toEqual({ value, problems: [] });
  });

  it('reports unset variables without a default', () => {
    const result = expandEnvString('a${NOPE}b${HOST}', env);
    expect(result.value).toBe('abexample.com');
    expect(result.problems).toEqual([
      { kind: 'unset', token: '${NOPE}', message: expect.stringContaining('NOPE') },
    ]);
  });

  it.each(['${}', '${1X}', '${A B}', '${A-b}', '${A:b}'])('reports %s as malformed', (text) => {
    expect(expandEnvString(text, env).problems).toMatchObject([{ kind: 'syntax', token: text }]);
  });

  it('reports an unclosed reference and keeps the text', () => {
    expect(expandEnvString('x${HOST', env)).toMatchObject({
      value: 'x${HOST',
      problems: [{ kind: 'syntax' }],
    });
  });

  it('does not expand values again', () => {
    expect(expandEnvString('${A}', { A: '${B}', B: 'no' }).value).toBe('${B}');
  });
});
