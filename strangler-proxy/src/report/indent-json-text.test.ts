import { describe, expect, it } from 'vitest';
import { indentJsonText } from './indent-json-text.ts';

describe('indentJsonText', () => {
  it('lays out complete JSON as JSON.stringify does', () => {
    const value = { a: [1, { b: 'x, "y": [z]' }], c: {}, d: [], e: null };
    expect(indentJsonText(JSON.stringify(value))).toBe(JSON.stringify(value, null, 2));
  });

  it('lays out JSON cut short', () => {
    expect(indentJsonText('{"items":[{"id":1,"t":"a b"},{"id":2,"t":"c')).toBe(
      '{\n  "items": [\n    {\n      "id": 1,\n      "t": "a b"\n    },\n    {\n      "id": 2,\n      "t": "c',
    );
  });
});
