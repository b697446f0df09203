import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../src/errors.ts';

describe('README', () => {
  it('documents every error code with its status', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    for (const [code, status] of Object.entries(ERROR_CATALOGUE)) {
      expect(readme, code).toMatch(new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${status}\\s*\\|`));
    }
  });
});
