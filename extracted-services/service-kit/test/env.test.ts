import { describe, expect, it } from 'vitest';
import { createEnvReader, SettingsError } from '../src/index.ts';

describe('settings from the environment', () => {
  it('uses fallbacks for unset or empty variables', () => {
    const env = createEnvReader({ HOST: '' });
    expect(env.string('HOST', '127.0.0.1')).toBe('127.0.0.1');
    expect(env.port('PORT', 4001)).toBe(4001);
    expect(env.url('CATALOG_URL', 'http://127.0.0.1:4001/')).toBe('http://127.0.0.1:4001');
    expect(env.oneOf('LOG_LEVEL', ['info', 'debug'], 'info')).toBe('info');
    env.done();
  });

  it('reads valid values', () => {
    const env = createEnvReader({
      PORT: '0',
      CATALOG_URL: 'https://catalog.internal:8443/',
      LOG_LEVEL: 'debug',
    });
    expect(env.port('PORT', 4001)).toBe(0);
    expect(env.url('CATALOG_URL', 'http://x')).toBe('https://catalog.internal:8443');
    expect(env.oneOf('LOG_LEVEL', ['info', 'debug'], 'info')).toBe('debug');
    env.done();
  });

  it('reports every invalid variable at once', () => {
    const env = createEnvReader({ PORT: '70000', CATALOG_URL: 'ftp://files', TIMEOUT_MS: '2s' });
    env.port('PORT', 4001);
    env.url('CATALOG_URL', 'http://127.0.0.1:4001');
    env.int('TIMEOUT_MS', 2000, { min: 1 });
    let thrown: unknown;
    try {
      env.done();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SettingsError);
    const problems = (thrown as SettingsError).problems;
    expect(problems).toHaveLength(3);
    expect(problems[0]).toContain('PORT=70000');
    expect(problems[1]).toContain('CATALOG_URL=ftp://files');
    expect(problems[2]).toContain('TIMEOUT_MS=2s');
  });
});
