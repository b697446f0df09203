import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_ERROR_CODES, severityOf } from '../../src/config/errors.ts';
import { PATH_ERROR_CODES } from '../../src/routing/normalize-path.ts';
import { PROMOTE_ERROR_CODES } from '../../src/promote/errors.ts';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
const documented = [...doc.matchAll(/^### ([A-Z_]+)$/gm)].map((match) => match[1]);
const sectionOf = (code: string) =>
  doc.split(/^### /m).find((section) => section.startsWith(`${code}\n`)) ?? '';

describe('docs/errors.md', () => {
  it('documents every config, path and promotion code exactly once, and no other', () => {
    const codes = [...CONFIG_ERROR_CODES, ...PATH_ERROR_CODES, ...Object.keys(PROMOTE_ERROR_CODES)];
    expect([...documented].sort()).toEqual([...codes].sort());
  });

  it('marks the warnings as warnings', () => {
    for (const code of CONFIG_ERROR_CODES) {
      expect(sectionOf(code).includes('Warning.'), code).toBe(severityOf(code) === 'warning');
    }
  });
});
