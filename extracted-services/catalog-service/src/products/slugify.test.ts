import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { slugify } from './slugify.ts';

describe('slugify', () => {
  it('folds accents, drops punctuation and appends the id', () => {
    expect(slugify('Café Oak & Steel Sauté Pan', 17)).toBe('cafe-oak-steel-saute-pan-17');
    expect(slugify("O'Malley Works  Yo-Yo", 3)).toBe('o-malley-works-yo-yo-3');
    expect(slugify('!!!', 9)).toBe('9');
  });

  it('always yields a URL-safe slug ending in the id', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 2_147_483_647 }), (name, id) => {
        const slug = slugify(name, id);
        expect(slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
        expect(slug.endsWith(String(id))).toBe(true);
      }),
    );
  });
});
