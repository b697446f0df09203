import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editRouteText } from '../../src/promote/edit-routes-text.ts';
import { PromoteError } from '../../src/promote/errors.ts';
import { unifiedDiff } from '../../src/promote/line-diff.ts';
import type { Position } from '../../src/promote/plan.ts';
import { COMMENTED_ROUTES } from './fixtures/commented-routes.ts';

const fixture = COMMENTED_ROUTES;

/** The expected result, built independently of the editor: one unique snippet replaced by another. */
function splice(text: string, find: string, replacement: string): string {
  const at = text.indexOf(find);
  expect(at, `"${find}" occurs in the fixture`).toBeGreaterThanOrEqual(0);
  expect(text.indexOf(find, at + 1), `"${find}" occurs once`).toBe(-1);
  return text.slice(0, at) + replacement + text.slice(at + find.length);
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof PromoteError) return error.code;
    throw error;
  }
  return undefined;
}

const canary = (percent: number): Position => ({ stage: 'canary', percent });

describe('editRouteText on a richly commented file', () => {
  it('changes only the stage value, keeping its trailing comment', () => {
    const { text } = editRouteText(fixture, 'catalog.products', { stage: 'legacy' });
    expect(text).toBe(splice(fixture, 'stage: shadow  # since May', 'stage: legacy  # since May'));
  });

  it('inserts a block canary entry after the stage line, at its indentation, when there is none', () => {
    const { text } = editRouteText(fixture, 'catalog.products', canary(1));
    expect(text).toBe(
      splice(
        fixture,
        '    stage: shadow  # since May\n',
        '    stage: canary  # since May\n    canary:\n      percent: 1\n',
      ),
    );
  });

  it('changes only the percentage of an existing block canary, keeping quotes and comments elsewhere', () => {
    const { text, edits } = editRouteText(fixture, 'catalog.product', canary(20));
    expect(text).toBe(splice(fixture, 'percent: 5     # raise slowly', 'percent: 20     # raise slowly'));
    expect(edits).toHaveLength(1);
  });

  it('keeps the quoting style of the stage value', () => {
    expect(editRouteText(fixture, 'catalog.product', { stage: 'migrated' }).text).toBe(
      splice(fixture, 'stage: "canary"   # quoted on purpose', 'stage: "migrated"   # quoted on purpose'),
    );
    expect(editRouteText(fixture, 'orders.detail', { stage: 'shadow' }).text).toBe(
      splice(fixture, "stage: 'canary'\n    canary: { percent: 25 }   # flow canary\n", "stage: 'shadow'\n"),
    );
  });

  it('edits a flow-style route in place', () => {
    expect(editRouteText(fixture, 'orders.list', { stage: 'shadow' }).text).toBe(
      splice(fixture, 'stage: legacy }   # flow style', 'stage: shadow }   # flow style'),
    );
    expect(editRouteText(fixture, 'orders.list', canary(1)).text).toBe(
      splice(
        fixture,
        'stage: legacy }   # flow style',
        'stage: canary, canary: { percent: 1 } }   # flow style',
      ),
    );
  });

  it('edits a flow-style canary map in place', () => {
    expect(editRouteText(fixture, 'orders.detail', canary(50)).text).toBe(
      splice(fixture, 'canary: { percent: 25 }   # flow canary', 'canary: { percent: 50 }   # flow canary'),
    );
  });

  it('inserts before a comment that follows the stage line', () => {
    expect(editRouteText(fixture, 'catalog.search', canary(50)).text).toBe(
      splice(fixture, '    stage: migrated\n', '    stage: canary\n    canary:\n      percent: 50\n'),
    );
  });

  it('changes nothing when the route already is at the position', () => {
    const result = editRouteText(fixture, 'catalog.product', canary(5));
    expect(result).toEqual({ text: fixture, edits: [] });
  });

  it('keeps CRLF line endings, also on inserted lines', () => {
    const crlf = fixture.replaceAll('\n', '\r\n');
    const expected = splice(
      fixture,
      '    stage: shadow  # since May\n',
      '    stage: canary  # since May\n    canary:\n      percent: 1\n',
    ).replaceAll('\n', '\r\n');
    expect(editRouteText(crlf, 'catalog.products', canary(1)).text).toBe(expected);
    expect(editRouteText(crlf, 'catalog.product', canary(20)).text).toBe(
      splice(crlf, 'percent: 5     # raise slowly', 'percent: 20     # raise slowly'),
    );
  });

  it('reports an unknown route id with a typed error listing the known ones', () => {
    try {
      editRouteText(fixture, 'nope', { stage: 'shadow' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PromoteError);
      expect((error as PromoteError).code).toBe('PROMOTE_ROUTE_NOT_FOUND');
      expect((error as PromoteError).details[0]).toContain('catalog.products');
    }
  });

  it('only ever changes stage and canary lines, for any route and position', () => {
    const ids = ['catalog.products', 'catalog.product', 'orders.list', 'orders.detail', 'catalog.search'];
    const position = fc.oneof(
      fc.constantFrom<Position>({ stage: 'legacy' }, { stage: 'shadow' }, { stage: 'migrated' }),
      fc.integer({ min: 0, max: 100 }).map(canary),
    );
    fc.assert(
      fc.property(fc.constantFrom(...ids), position, fc.boolean(), (id, to, crlf) => {
        const input = crlf ? fixture.replaceAll('\n', '\r\n') : fixture;
        const { text } = editRouteText(input, id, to);
        const changed = unifiedDiff(input, text)
          .split('\n')
          .filter((line) => /^[-+](?![-+]{2} )/.test(line));
        for (const line of changed) expect(line).toMatch(/stage|percent|canary/);
      }),
    );
  });
});

describe('editRouteText leaving canary', () => {
  const base = (routes: string) => `version: 1\nlegacy: http://legacy\nroutes:\n${routes}`;

  it('removes a block canary that holds only the share, comments inside it too', () => {
    const text = base(
      '  - id: a\n    path: /a\n    stage: canary\n    canary:\n      percent: 50  # half\n    service: s\n',
    );
    for (const stage of ['migrated', 'shadow', 'legacy'] as const) {
      expect(editRouteText(text, 'a', { stage }).text).toBe(
        base(`  - id: a\n    path: /a\n    stage: ${stage}\n    service: s\n`),
      );
    }
  });

  it('removes a flow canary from a block route, and from a flow route with its comma', () => {
    expect(
      editRouteText(base('  - id: a\n    stage: canary\n    canary: { percent: 5 }\n'), 'a', {
        stage: 'migrated',
      }).text,
    ).toBe(base('  - id: a\n    stage: migrated\n'));
    expect(
      editRouteText(base('  - { id: a, stage: canary, canary: { percent: 5 }, service: s }\n'), 'a', {
        stage: 'legacy',
      }).text,
    ).toBe(base('  - { id: a, stage: legacy, service: s }\n'));
    expect(
      editRouteText(base('  - { canary: { percent: 5 }, id: a, stage: canary }\n'), 'a', { stage: 'shadow' })
        .text,
    ).toBe(base('  - { id: a, stage: shadow }\n'));
  });

  it('removes a canary written as the first key of a sequence item, keeping the dash', () => {
    expect(
      editRouteText(base('  - canary:\n      percent: 5\n    id: a\n    stage: canary\n'), 'a', {
        stage: 'migrated',
      }).text,
    ).toBe(base('  - id: a\n    stage: migrated\n'));
  });

  it('removes a canary on the last line without a final newline', () => {
    expect(
      editRouteText(base('  - id: a\n    stage: canary\n    canary: { percent: 5 }'), 'a', {
        stage: 'migrated',
      }).text,
    ).toBe(base('  - id: a\n    stage: migrated\n'));
  });

  it('keeps a canary that also holds sticky: the route needs it again back in canary', () => {
    const { text } = editRouteText(fixture, 'catalog.product', { stage: 'migrated' });
    expect(text).toBe(
      splice(fixture, 'stage: "canary"   # quoted on purpose', 'stage: "migrated"   # quoted on purpose'),
    );
  });

  it('keeps CRLF line endings when it removes lines', () => {
    const text = base(
      '  - id: a\n    stage: canary\n    canary:\n      percent: 5\n    service: s\n',
    ).replaceAll('\n', '\r\n');
    expect(editRouteText(text, 'a', { stage: 'migrated' }).text).toBe(
      base('  - id: a\n    stage: migrated\n    service: s\n').replaceAll('\n', '\r\n'),
    );
  });
});

describe('editRouteText on other layouts', () => {
  const base = (routes: string) => `version: 1\nlegacy: http://legacy\nroutes:\n${routes}`;

  it('uses the flow style of the file’s other canary entries', () => {
    const text = base(
      '  - id: a\n    path: /a\n    service: s\n    stage: canary\n    canary: { percent: 5 }\n' +
        '  - id: b\n    path: /b\n    service: s\n    stage: shadow\n',
    );
    expect(editRouteText(text, 'b', canary(1)).text).toBe(
      splice(text, '    stage: shadow\n', '    stage: canary\n    canary: { percent: 1 }\n'),
    );
  });

  it('follows the file’s indentation step', () => {
    const text =
      'version: 1\nlegacy:\n    url: http://legacy\nroutes:\n    -   id: a\n        path: /a\n        service: s\n        stage: shadow\n';
    expect(editRouteText(text, 'a', canary(1)).text).toBe(
      splice(
        text,
        '        stage: shadow\n',
        '        stage: canary\n        canary:\n            percent: 1\n',
      ),
    );
  });

  it('handles a stage on the last line without a final newline', () => {
    const text = base('  - id: a\n    path: /a\n    service: s\n    stage: shadow');
    expect(editRouteText(text, 'a', canary(1)).text).toBe(
      `${text.replace('shadow', 'canary')}\n    canary:\n      percent: 1`,
    );
  });

  it('handles the stage as the first key of a sequence item', () => {
    const text = base('  - stage: shadow\n    id: a\n    path: /a\n    service: s\n');
    expect(editRouteText(text, 'a', canary(1)).text).toBe(
      splice(text, '  - stage: shadow\n', '  - stage: canary\n    canary:\n      percent: 1\n'),
    );
  });

  it('finds routes in any order and refuses duplicate ids', () => {
    const text = base(
      '  - { id: b, path: /b, service: s, stage: legacy }\n  - { id: a, path: /a, service: s, stage: legacy }\n',
    );
    expect(editRouteText(text, 'a', { stage: 'shadow' }).text).toBe(
      splice(
        text,
        'id: a, path: /a, service: s, stage: legacy',
        'id: a, path: /a, service: s, stage: shadow',
      ),
    );
    const twice = base(
      '  - { id: a, path: /a, service: s, stage: legacy }\n  - { id: a, path: /b, service: s, stage: legacy }\n',
    );
    expect(codeOf(() => editRouteText(twice, 'a', { stage: 'shadow' }))).toBe('PROMOTE_DUPLICATE_ROUTE');
  });

  it('refuses what it cannot change in place', () => {
    const mergeKey =
      'version: 1\nlegacy: http://legacy\nx: &base { stage: legacy }\nroutes:\n  - <<: *base\n    id: a\n    path: /a\n    service: s\n';
    expect(codeOf(() => editRouteText(mergeKey, 'a', { stage: 'shadow' }))).toBe('PROMOTE_UNSUPPORTED_YAML');
    const alias =
      'version: 1\nlegacy: http://legacy\nx: &s shadow\nroutes:\n  - { id: a, path: /a, service: s, stage: *s }\n';
    expect(codeOf(() => editRouteText(alias, 'a', { stage: 'legacy' }))).toBe('PROMOTE_UNSUPPORTED_YAML');
  });

  it('handles a byte order mark, document markers, a sequence at column 0 and a tab before a comment', () => {
    const bom = `\uFEFF${base('  - id: a\n    path: /a\n    service: s\n    stage: shadow\n')}`;
    expect(editRouteText(bom, 'a', canary(2.5)).text).toBe(
      splice(bom, '    stage: shadow\n', '    stage: canary\n    canary:\n      percent: 2.5\n'),
    );
    const marked =
      '---\nversion: 1\nlegacy: http://legacy\nroutes:\n- id: a\n  path: /a\n  service: s\n  stage: shadow\t# c\n...\n';
    expect(editRouteText(marked, 'a', canary(1)).text).toBe(
      splice(marked, '  stage: shadow\t# c\n', '  stage: canary\t# c\n  canary:\n    percent: 1\n'),
    );
  });

  it('edits routes inside a flow sequence and a multi-line flow map', () => {
    const flow =
      'version: 1\nlegacy: http://legacy\nroutes: [ { id: a, path: /a, service: s, stage: shadow }, {id: b, path: /b, service: s, stage: legacy} ]\n';
    expect(editRouteText(flow, 'a', canary(1)).text).toBe(
      splice(flow, 'stage: shadow }', 'stage: canary, canary: { percent: 1 } }'),
    );
    const multiLine = base(
      '  - {\n      id: a,\n      stage: shadow, # c\n      path: /a,\n      service: s\n    }\n',
    );
    expect(editRouteText(multiLine, 'a', canary(1)).text).toBe(
      splice(multiLine, 'stage: shadow, # c', 'stage: canary, canary: { percent: 1 }, # c'),
    );
  });

  it('reports YAML that does not parse', () => {
    expect(codeOf(() => editRouteText('routes: [\n', 'a', { stage: 'shadow' }))).toBe(
      'PROMOTE_INVALID_CONFIG',
    );
  });

  it('reports a file without routes as an unknown route', () => {
    expect(codeOf(() => editRouteText('version: 1\n', 'a', { stage: 'shadow' }))).toBe(
      'PROMOTE_ROUTE_NOT_FOUND',
    );
  });
});
