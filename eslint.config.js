// Type-aware lint for every workspace. The boundary rules keep the pure core free of I/O libraries:
// routing, comparison, config and promotion logic must stay testable without a network or a database.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const ioLibraries = [
  'express',
  'http-proxy-middleware',
  'knex',
  'sqlite3',
  'pg',
  'commander',
  'pino',
  'prom-client',
  'node:http',
  'node:net',
  'node:fs',
  'node:fs/promises',
];

/** Every folder of strangler-proxy/src but config/ and errors/ (the code catalogue, which imports nothing). */
const layersAboveConfig = [
  'admin',
  'auth',
  'cli',
  'compare',
  'logging',
  'promote',
  'proxy',
  'ratelimit',
  'report',
  'routing',
  'runtime',
  'safety',
  'shadow',
  'store',
  'tracing',
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'reports/**', '**/*.db'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: { allowDefaultProject: ['*.js', 'strangler-proxy/bin/*.js'] } },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: [
      'strangler-proxy/src/config/**/*.ts',
      'strangler-proxy/src/routing/**/*.ts',
      'strangler-proxy/src/compare/**/*.ts',
      'strangler-proxy/src/promote/plan*.ts',
      'strangler-proxy/src/promote/gate*.ts',
    ],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ioLibraries.map((name) => ({
            name,
            message: 'The pure core does no I/O: move this to the edge.',
          })),
        },
      ],
    },
  },
  // Proxy → shadow boundary: the proxy knows its observers only through `proxy/exchange-observer.ts`; the
  // shadow is a plug-in that depends on the proxy, never the other way round.
  {
    name: 'layering/proxy-imports-nothing-from-shadow',
    files: ['strangler-proxy/src/proxy/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/shadow/**', '**/shadow'],
              message: 'proxy/ imports nothing from shadow/: observe exchanges through exchange-observer.ts.',
            },
          ],
        },
      ],
    },
  },
  // config/ is the bottom layer (config < routing, compare < promote; the edges above them): it imports
  // from no other folder of src/ but errors/, the catalogue of codes. A rule of its own, so that it keeps the pure-core block's
  // I/O-library paths (a later block's no-restricted-imports replaces an earlier one's for a file).
  {
    name: 'layering/config-imports-nothing-above',
    files: ['strangler-proxy/src/config/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ioLibraries.map((name) => ({
            name,
            message: 'The pure core does no I/O: move this to the edge.',
          })),
          patterns: [
            {
              regex: `^(\\.\\./)+(${layersAboveConfig.join('|')})(/|$)`,
              message:
                'config/ is the bottom layer and imports nothing above it: move the code that needs this to that layer.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', '**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
);
