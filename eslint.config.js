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
  {
    files: ['**/*.test.ts', '**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
);
