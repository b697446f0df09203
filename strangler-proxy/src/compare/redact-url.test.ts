import { describe, expect, it } from 'vitest';
import { redactUrl, withoutUserinfo } from './redact-url.ts';

describe('redactUrl', () => {
  it.each([
    ['postgres://app:secret@db:5432/x', 'postgres://app:[redacted]@db:5432/x'],
    ['postgres://app:p@ss@db/x', 'postgres://app:[redacted]@db/x'],
    ['postgres://app:pa/ss@db/x', 'postgres://app:[redacted]@db/x'],
    ['postgres://app:p%40ss@db/x', 'postgres://app:[redacted]@db/x'],
    ['http://ghp_token@api.example/v1', 'http://[redacted]@api.example/v1'],
    [
      'postgres://app@db/x?password=secret&schema=s',
      'postgres://[redacted]@db/x?password=[redacted]&schema=s',
    ],
    ['http://u:p@h/x?access_token=t&page=2', 'http://u:[redacted]@h/x?access_token=[redacted]&page=2'],
  ])('masks %s', (text, shown) => {
    expect(redactUrl(text)).toBe(shown);
  });

  it.each([
    'http://127.0.0.1:4001',
    'http://h/users/@me',
    'http://h/x?q=a@b',
    'sqlite:./strangler.db',
    'postgres://db/x?schema=s',
  ])('leaves %s as it is', (text) => {
    expect(redactUrl(text)).toBe(text);
  });
});

describe('withoutUserinfo', () => {
  it('drops the user and password, nothing else', () => {
    expect(withoutUserinfo(new URL('http://u:p@h:81/health?x=1')).href).toBe('http://h:81/health?x=1');
    const bare = new URL('http://h/x');
    expect(withoutUserinfo(bare)).toBe(bare);
  });
});
