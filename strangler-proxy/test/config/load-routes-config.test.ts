import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type LoadRoutesOptions } from '../../src/config/load-routes-config.ts';
import { loadRoutes } from '../../src/runtime/load-routes.ts';
import type { ConfigProblem } from '../../src/config/errors.ts';
import { MAX_ROUTE_ID_LENGTH } from '../../src/config/schema.ts';

const fixture = readFileSync(new URL('./fixtures/valid.routes.yaml', import.meta.url), 'utf8');

/** Strips the common indentation of a template literal (and its first newline), so line numbers are readable. */
function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = String.raw({ raw: strings }, ...values).replace(/^\n/, '');
  const indent = Math.min(
    ...text
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => line.search(/\S/)),
  );
  return text
    .split('\n')
    .map((line) => line.slice(indent))
    .join('\n');
}

const HEAD = yaml`
  version: 1
  legacy: http://127.0.0.1:4000
  services:
    catalog: http://127.0.0.1:4001
    orders: http://127.0.0.1:4002
`;

function load(text: string, options: Partial<LoadRoutesOptions> = {}) {
  return loadRoutes(text, { file: 'routes.yaml', env: {}, ...options });
}

/** Problems as [code, line, column, routeId?] for compact assertions. */
function problemsOf(
  text: string,
  options: Partial<LoadRoutesOptions> = {},
): [string, number, number, string?][] {
  const result = load(text, options);
  if (result.ok) return [];
  return result.problems.map((p) =>
    p.routeId === undefined ? [p.code, p.line, p.column] : [p.code, p.line, p.column, p.routeId],
  );
}

function only(text: string, options: Partial<LoadRoutesOptions> = {}): ConfigProblem {
  const result = load(text, options);
  if (result.ok) throw new Error('expected problems');
  expect(result.problems).toHaveLength(1);
  return result.problems[0]!;
}

describe('loadRoutesConfig: a valid file', () => {
  const result = load(fixture, { file: 'fixtures/valid.routes.yaml', env: { BETA_PERCENT: '30' } });
  if (!result.ok) throw new Error(JSON.stringify(result.problems, null, 2));
  const { config } = result;
  const byId = (id: string) => config.routes.find((r) => r.id === id)!;

  it('fills every default and expands ${VAR} (unquoted values are read again as YAML)', () => {
    expect(config.legacy).toEqual({
      url: 'http://127.0.0.1:4000',
      balance: 'least-outstanding',
      outlier: { consecutiveFailures: 5, ejectFor: 10_000, maxEjectFor: 300_000, maxEjectedPercent: 50 },
      timeout: 30_000,
      health: '/health',
      maxConcurrent: 256,
      retry: { attempts: 1, budget: 0.2 },
      breaker: { consecutiveFailures: 5, failureRate: 0.5, minRequests: 20, window: 10_000, openFor: 5_000 },
    });
    expect(config.services.catalog?.timeout).toBe(5_000);
    expect(config.proxy.maxBodyBytes).toBe(10 * 1_048_576);
    expect(byId('orders-beta').canary).toEqual({ percent: 30 });
    expect(result.warnings).toEqual([]);
  });

  it('applies defaults: route values win key by key, lists are replaced, shadow only where it applies', () => {
    expect(byId('orders').shadow).toMatchObject({ percent: 5, timeout: 1_000, sticky: 'header:x-user-id' });
    expect(byId('product-reviews').shadow).toMatchObject({ percent: 50, timeout: 1_000, unsafe: false });
    // A canary is compared at its step: it gets the default shadow block too.
    expect(byId('products').stage).toBe('canary');
    expect(byId('products').shadow).toMatchObject({ percent: 50, unsafe: false });
    expect(byId('products').compare).toEqual({
      ignore: ['$.meta.requestId'],
      ignoreHeaders: ['date', 'x-request-id'],
      compareHeaders: [],
      arrays: {},
      tolerance: { '$.items[*].price': 0.01 },
      normalize: {},
      status: {},
      redact: [],
      keep: [],
      redactQuery: [],
    });
    expect(byId('orders').plan?.gate).toMatchObject({ minCompared: 200, maxMismatchRate: 0.01 });
    expect(byId('products').methods).toEqual(['GET', 'HEAD']);
  });

  it('freezes the whole config', () => {
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.routes)).toBe(true);
    expect(Object.isFrozen(byId('products').compare?.ignore)).toBe(true);
    expect(Object.isFrozen(config.services.catalog?.retry)).toBe(true);
    expect(() => {
      (config.routes as unknown as unknown[]).push({});
    }).toThrow(TypeError);
  });

  it('accepts an empty route list and no services', () => {
    const minimal = load('version: 1\nlegacy: http://127.0.0.1:4000\n');
    expect(minimal).toMatchObject({ ok: true, config: { routes: [], services: {} } });
  });

  it('supports anchors, aliases and merge keys', () => {
    const text =
      HEAD +
      yaml`
      routes:
        - &base
          id: a
          path: /a
          service: catalog
          stage: legacy
        - <<: *base
          id: b
          path: /b
      `;
    const loaded = load(text);
    expect(loaded.ok && loaded.config.routes.map((r) => [r.id, r.path, r.service])).toEqual([
      ['a', '/a', 'catalog'],
      ['b', '/b', 'catalog'],
    ]);
  });
});

describe('loadRoutesConfig: the document', () => {
  it('reports YAML syntax errors with their location', () => {
    expect(problemsOf('version: 1\nroutes: [\n  {id: a\n')[0]).toEqual([
      'CONFIG_YAML_SYNTAX',
      expect.any(Number),
      expect.any(Number),
    ]);
    const problem = only('version: 1\nlegacy: "unterminated\n');
    expect(problem).toMatchObject({ code: 'CONFIG_YAML_SYNTAX', file: 'routes.yaml' });
    expect(problem.line).toBeGreaterThanOrEqual(2); // the parser reports a missing quote where the input ends
  });

  it('refuses several documents in one file', () => {
    expect(problemsOf('version: 1\n---\nversion: 1\n')).toEqual([['CONFIG_YAML_SYNTAX', 2, 1]]);
  });

  it('refuses duplicate keys, at the repeated key', () => {
    expect(problemsOf(HEAD + 'version: 1\n')).toEqual([['CONFIG_DUPLICATE_KEY', 6, 1]]);
    const nested =
      HEAD +
      yaml`
      routes:
        - id: a
          path: /a
          service: catalog
          stage: legacy
          path: /b
    `;
    expect(problemsOf(nested)).toEqual([['CONFIG_DUPLICATE_KEY', 11, 5]]);
  });

  it('refuses complex keys', () => {
    expect(problemsOf(HEAD + '? [a, b]\n: 1\n')).toEqual([['CONFIG_COMPLEX_KEY', 6, 3]]);
  });

  it.each([
    ['', 'an empty file'],
    ['# only a comment\n', 'a comment'],
    ['- a\n- b\n', 'a list'],
    ['just text\n', 'a scalar'],
  ])('refuses %j (%s) as root', (text) => {
    expect(only(text).code).toBe('CONFIG_ROOT_NOT_MAPPING');
  });

  it('refuses files over the size limit before parsing', () => {
    expect(only(HEAD, { maxBytes: 20 })).toMatchObject({ code: 'CONFIG_FILE_TOO_LARGE', line: 1, column: 1 });
    expect(only('#' + 'x'.repeat(1_048_576)).code).toBe('CONFIG_FILE_TOO_LARGE');
    expect(only('# ' + 'é'.repeat(600_000)).code).toBe('CONFIG_FILE_TOO_LARGE'); // 1.2 MB in UTF-8
  });

  it('refuses alias bombs', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const name = String.fromCharCode(97 + i);
      const previous = String.fromCharCode(96 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    expect(only(levels.join('\n') + '\n').code).toBe('CONFIG_ALIAS_LIMIT');
  });

  it('refuses deep nesting', () => {
    const deep = 'version: 1\nx: ' + '['.repeat(40) + ']'.repeat(40) + '\n';
    expect(only(deep)).toMatchObject({ code: 'CONFIG_TOO_DEEP', line: 2 });
  });

  it('refuses a merge key that merges no mapping', () => {
    expect(problemsOf(HEAD + 'proxy:\n  <<: 3\n')[0]).toEqual(['CONFIG_YAML_SYNTAX', 7, 3]);
  });
});

describe('loadRoutesConfig: environment variables', () => {
  it('reports an unset variable where it is written, once, without consequences', () => {
    const text = 'version: 1\nlegacy: http://${LEGACY_HOST}:4000\n';
    expect(only(text)).toMatchObject({ code: 'CONFIG_ENV_UNSET', line: 2, column: 16, path: 'legacy' });
    expect(load(text, { env: { LEGACY_HOST: 'legacy.internal' } })).toMatchObject({
      ok: true,
      config: { legacy: { url: 'http://legacy.internal:4000' } },
    });
  });

  it('reports malformed references', () => {
    expect(only('version: 1\nlegacy: "${not valid}"\n')).toMatchObject({
      code: 'CONFIG_ENV_SYNTAX',
      line: 2,
      column: 10,
    });
  });

  it('keeps $${...} literal and quoted values strings', () => {
    const text =
      HEAD +
      yaml`
      routes:
        - id: a
          path: /a
          service: catalog
          stage: canary
          canary:
            percent: ${'${PCT}'}
          headers:
            x-template: '$$${'{'}literal}'
            x-number: '${'${PCT}'}'
      `;
    const loaded = load(text, { env: { PCT: '12.5' } });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    expect(loaded.config.routes[0]).toMatchObject({
      canary: { percent: 12.5 },
      headers: { 'x-template': '${literal}', 'x-number': '12.5' },
    });
  });

  it('never expands keys', () => {
    expect(only(HEAD + '${X}: 1\n', { env: { X: 'routes' } })).toMatchObject({
      code: 'CONFIG_UNKNOWN_KEY',
      message: expect.stringContaining('${X}'),
    });
  });
});

describe('loadRoutesConfig: schema problems, all at once', () => {
  it('names unknown keys, suggests the intended one, and points at the key', () => {
    const text =
      HEAD +
      yaml`
      routes:
        - id: products
          path: /api/products
          service: catalog
          stage: canary
          canary: { percnt: 10, percent: 5 }
          fallbak: legacy
    `;
    const result = load(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toMatchObject([
      {
        code: 'CONFIG_UNKNOWN_KEY',
        line: 11,
        column: 15,
        routeId: 'products',
        path: 'routes[0].canary.percnt',
        message: expect.stringMatching(
          /unknown key "percnt" in canary \(did you mean "percent"\?\); expected one of: percent, sticky/,
        ),
      },
      {
        code: 'CONFIG_UNKNOWN_KEY',
        line: 12,
        column: 5,
        path: 'routes[0].fallbak',
        message: expect.stringContaining('"fallback"'),
      },
    ]);
  });

  it('reports missing keys at the mapping, with the route id', () => {
    const text = HEAD + 'routes:\n  - id: products\n    path: /api/products\n    stage: legacy\n';
    expect(only(text)).toMatchObject({
      code: 'CONFIG_MISSING_KEY',
      line: 7,
      column: 5,
      routeId: 'products',
      path: 'routes[0].service',
    });
    expect(only('version: 1\n')).toMatchObject({
      code: 'CONFIG_MISSING_KEY',
      path: 'legacy',
      line: 1,
      column: 1,
    });
  });

  it('reports types, values and ranges at the value', () => {
    const text =
      HEAD +
      yaml`
      proxy:
        maxBodyBytes: lots
        drainTimeout: 10 seconds
      routes:
        - id: products
          path: api/products
          methods: GET
          service: catalog
          stage: canery
          canary:
            percent: 120
          plan:
            steps: [5, 1]
    `;
    expect(problemsOf(text)).toEqual([
      ['CONFIG_INVALID_TYPE', 7, 17],
      ['CONFIG_INVALID_VALUE', 8, 17],
      ['CONFIG_INVALID_VALUE', 11, 11, 'products'],
      ['CONFIG_INVALID_TYPE', 12, 14, 'products'],
      ['CONFIG_INVALID_VALUE', 14, 12, 'products'],
      ['CONFIG_OUT_OF_RANGE', 16, 16, 'products'],
      ['CONFIG_INVALID_VALUE', 18, 14, 'products'],
    ]);
    const result = load(text);
    const messages = result.ok ? [] : result.problems.map((p) => p.message);
    expect(messages).toContain(
      'stage: expected one of "legacy", "shadow", "canary", "migrated", got "canery" (did you mean "canary"?)',
    );
    expect(messages).toContain('percent: must be at most 100, got 120');
    expect(messages).toContain('maxBodyBytes: expected a number, got "lots"');
  });

  it('reports a bad upstream by the branch its type selects', () => {
    const text = 'version: 2\nlegacy: ftp://x\nservices:\n  a: { url: http://x, retry: 3 }\n  b: 5\n';
    expect(problemsOf(text)).toEqual([
      ['CONFIG_INVALID_VALUE', 1, 10],
      ['CONFIG_INVALID_VALUE', 2, 9],
      ['CONFIG_INVALID_TYPE', 4, 30],
      ['CONFIG_INVALID_TYPE', 5, 6],
    ]);
  });

  it('reports a bad default once, where the default is written', () => {
    const text =
      HEAD +
      yaml`
      defaults:
        shadow: { percent: 300 }
        compare: { ignore: ['$.a['] }
      routes:
        - { id: a, path: /a, service: catalog, stage: shadow }
        - { id: b, path: /b, service: catalog, stage: shadow }
        - { id: c, path: /c, service: orders, stage: shadow }
    `;
    expect(problemsOf(text)).toEqual([
      ['CONFIG_OUT_OF_RANGE', 7, 22],
      ['CONFIG_INVALID_JSON_PATH', 8, 23],
    ]);
  });

  it('does not let __proto__ through or pollute anything', () => {
    const text =
      HEAD +
      'routes:\n  - { id: a, path: /a, service: catalog, stage: legacy, __proto__: { polluted: true } }\n';
    expect(only(text)).toMatchObject({ code: 'CONFIG_UNKNOWN_KEY', path: 'routes[0].__proto__' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('loadRoutesConfig: semantic checks', () => {
  const routes = (body: string) => HEAD + 'routes:\n' + body;

  it('CONFIG_UNKNOWN_SERVICE at the service value, with a suggestion', () => {
    const problem = only(routes('  - { id: a, path: /a, service: catalgo, stage: legacy }\n'));
    expect(problem).toMatchObject({
      code: 'CONFIG_UNKNOWN_SERVICE',
      line: 7,
      column: 33,
      routeId: 'a',
      path: 'routes[0].service',
    });
    expect(problem.message).toContain('did you mean "catalog"');
  });

  it('CONFIG_OUT_OF_RANGE at a route id longer than the results store holds', () => {
    const longId = `r${'x'.repeat(MAX_ROUTE_ID_LENGTH)}`;
    const problem = only(routes(`  - { id: ${longId}, path: /a, service: catalog, stage: legacy }\n`));
    expect(problem).toMatchObject({ code: 'CONFIG_OUT_OF_RANGE', line: 7, column: 11, path: 'routes[0].id' });
    expect(problem.message).toContain(String(MAX_ROUTE_ID_LENGTH));
    expect(
      load(routes(`  - { id: ${longId.slice(1)}, path: /a, service: catalog, stage: legacy }\n`)).ok,
    ).toBe(true);
  });

  it('CONFIG_DUPLICATE_ROUTE_ID at the second id, naming the first line', () => {
    const problem = only(
      routes(
        '  - { id: a, path: /a, service: catalog, stage: legacy }\n  - { id: a, path: /b, service: catalog, stage: legacy }\n',
      ),
    );
    expect(problem).toMatchObject({ code: 'CONFIG_DUPLICATE_ROUTE_ID', line: 8, column: 11, routeId: 'a' });
    expect(problem.message).toContain('line 7');
  });

  it('CONFIG_CANARY_MISSING at the stage', () => {
    expect(only(routes('  - { id: a, path: /a, service: catalog, stage: canary }\n'))).toMatchObject({
      code: 'CONFIG_CANARY_MISSING',
      line: 7,
      column: 49,
      routeId: 'a',
    });
  });

  it('CONFIG_INVALID_PATH_PATTERN, one per problem in the pattern', () => {
    expect(problemsOf(routes('  - { id: a, path: "/a//:/*", service: catalog, stage: legacy }\n'))).toEqual([
      ['CONFIG_INVALID_PATH_PATTERN', 7, 20, 'a'],
      ['CONFIG_INVALID_PATH_PATTERN', 7, 20, 'a'],
      ['CONFIG_INVALID_PATH_PATTERN', 7, 20, 'a'],
    ]);
  });

  it('CONFIG_INVALID_HEADER_CONDITION for names that are not tokens or repeat ignoring case', () => {
    const text = routes(
      yaml`
      - id: a
        path: /a
        service: catalog
        stage: legacy
        headers: { X-Beta: '1', x-beta: '2', 'bad name': '*' }
    `.replace(/^/gm, '  '),
    );
    expect(problemsOf(text)).toEqual([
      ['CONFIG_INVALID_HEADER_CONDITION', 11, 29, 'a'],
      ['CONFIG_INVALID_HEADER_CONDITION', 11, 42, 'a'],
    ]);
  });

  it('CONFIG_INVALID_JSON_PATH in lists and record keys', () => {
    const text = routes(
      yaml`
      - id: a
        path: /a
        service: catalog
        stage: shadow
        compare:
          ignore: [$.ok, '$.items[-1]']
          arrays: { '$.items[': {}, 'items': {} }
          redact: ['$..']
    `.replace(/^/gm, '  '),
    );
    expect(problemsOf(text)).toEqual([
      ['CONFIG_INVALID_JSON_PATH', 12, 22, 'a'],
      ['CONFIG_INVALID_JSON_PATH', 13, 17, 'a'],
      ['CONFIG_INVALID_JSON_PATH', 13, 33, 'a'],
      ['CONFIG_INVALID_JSON_PATH', 14, 16, 'a'],
    ]);
  });

  it('CONFIG_CONFLICTING_RULES and unknown time formats at their place, in routes and defaults', () => {
    const text =
      HEAD +
      yaml`
      defaults:
        compare:
          normalize: { '$.at': { time: { formats: [iso, when] } } }
      routes:
        - id: a
          path: /a
          service: catalog
          stage: shadow
          compare:
            tolerance: { '$.created': 1 }
            normalize:
              '$.created': { time: true }
              '$.tags': { sortedSet: true, trim: true }
              '$.price': { number: true }
            status: { 201: 200 }
      `;
    expect(problemsOf(text)).toEqual([
      // The default's bad format once, where it is written (not again for the route it applies to).
      ['CONFIG_INVALID_VALUE', 8, 51],
      ['CONFIG_CONFLICTING_RULES', 15, 20, 'a'],
      ['CONFIG_CONFLICTING_RULES', 18, 32, 'a'],
    ]);
  });

  it('CONFIG_UNREACHABLE_ROUTE names the covering routes and explains the rule', () => {
    const text = routes(
      yaml`
      - { id: reads, path: /api/orders/:id, methods: [GET], service: orders, stage: legacy }
      - { id: writes, path: /api/orders/:order, methods: [POST, PUT], service: orders, stage: legacy }
      - { id: both, path: /api/orders/:x, methods: [GET, POST], service: orders, stage: legacy, headers: { x-a: '1' } }
      - { id: item, path: /api/orders/:x, service: orders, stage: legacy }
      - { id: prefix, path: /api/orders, service: orders, stage: legacy }
    `.replace(/^/gm, '  '),
    );
    const result = load(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toMatchObject([
      { code: 'CONFIG_UNREACHABLE_ROUTE', line: 9, column: 23, routeId: 'both', path: 'routes[2].path' },
    ]);
    expect(result.problems[0]!.message).toBe(
      'route "both" can never match: routes "reads" (line 7, GET) and "writes" (line 8, POST, PUT) come first with the same path pattern (/api/orders/:), take every method "both" takes and require no header it does not; equally specific routes win in file order',
    );
  });

  it('CONFIG_UNREACHABLE_ROUTE for two patterns that differ only in case, unless paths count case', () => {
    const body = yaml`
      - { id: orders, path: /api/orders, service: orders, stage: migrated }
      - { id: orders-upper, path: /API/Orders, service: orders, stage: legacy }
    `.replace(/^/gm, '  ');
    const result = load(routes(body));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toMatchObject([
      { code: 'CONFIG_UNREACHABLE_ROUTE', line: 8, routeId: 'orders-upper', path: 'routes[1].path' },
    ]);
    expect(result.problems[0]!.message).toMatch(
      /route "orders" \(line 7, every method\) comes first .*; paths match ignoring case \(proxy\.caseSensitive: false\)$/,
    );
    const sensitive = load(HEAD + 'proxy: { caseSensitive: true }\nroutes:\n' + body);
    expect(sensitive).toMatchObject({ ok: true, config: { proxy: { caseSensitive: true } } });
  });

  it('proxy.caseSensitive defaults to false and must be a boolean', () => {
    const plain = load(routes('  - { id: a, path: /a, service: catalog, stage: legacy }\n'));
    expect(plain.ok && plain.config.proxy.caseSensitive).toBe(false);
    const bad = load(HEAD + 'proxy: { caseSensitive: "yes" }\nroutes: []\n');
    expect(bad.ok ? [] : bad.problems.map((problem) => [problem.code, problem.path])).toEqual([
      ['CONFIG_INVALID_TYPE', 'proxy.caseSensitive'],
    ]);
  });

  it('CONFIG_UNUSED_SERVICE is a warning: the config still loads', () => {
    const result = load(routes('  - { id: a, path: /a, service: catalog, stage: legacy }\n'));
    expect(result).toMatchObject({
      ok: true,
      warnings: [{ code: 'CONFIG_UNUSED_SERVICE', line: 5, column: 3, path: 'services.orders' }],
    });
  });

  it('reports every problem of every kind in one pass, sorted by position', () => {
    const text = routes(
      yaml`
      - { id: a, path: /a, service: nope, stage: legacy }
      - { id: a, path: /a, service: catalog, stage: canary }
      - { id: c, path: /c//d, service: catalog, stage: legacy, color: red }
      - { id: d, path: /d, service: catalog, stage: legacy, canary: { percent: -1 } }
    `.replace(/^/gm, '  '),
    );
    expect(problemsOf(text).map(([code, line]) => `${line} ${code}`)).toEqual([
      '7 CONFIG_UNKNOWN_SERVICE',
      '8 CONFIG_DUPLICATE_ROUTE_ID',
      '8 CONFIG_UNREACHABLE_ROUTE',
      '8 CONFIG_CANARY_MISSING',
      '9 CONFIG_INVALID_PATH_PATTERN',
      '9 CONFIG_UNKNOWN_KEY',
      '10 CONFIG_OUT_OF_RANGE',
    ]);
  });

  it('caps the report', () => {
    const body = Array.from(
      { length: 20 },
      (_, i) => `  - { id: r${i}, path: /r${i}, service: none, stage: legacy }\n`,
    ).join('');
    const result = load(routes(body), { maxProblems: 5 });
    expect(result.ok ? [] : result.problems.map((p) => p.code)).toEqual([
      ...Array<string>(5).fill('CONFIG_UNKNOWN_SERVICE'),
      'CONFIG_TOO_MANY_PROBLEMS',
    ]);
  });
});
