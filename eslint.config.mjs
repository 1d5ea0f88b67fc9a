// Lint: typescript-eslint's recommended rules, plus the one rule that matters most here —
// workflow code (workflows/, domain/) stays deterministic, so it may not import I/O, zod or Node APIs.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'path', 'os', 'http', 'https', 'net', 'crypto', 'child_process', 'process', 'events', 'stream', 'util', 'timers'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.cellarhand/', 'coverage/', '**/*.js', '!eslint.config.mjs', '!console/assets/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // Tests and the drivers that read the sandbox's JSON answers may use `any` for those answers.
    files: ['test/**/*.ts', 'sandbox/driver.ts', 'scripts/faults/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['zod', 'express', 'resend', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', ...nodeBuiltins],
          patterns: [
            { group: ['node:*'], message: 'Workflow code is deterministic: no Node APIs.' },
            {
              group: ['**/activities/**', '**/integrations/**', '**/config/**', '**/api/**', '**/temporal/**'],
              message: 'Workflow code imports only domain/ and workflows/.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'process', 'Buffer', 'fetch'],
    },
  },
  {
    // The console's browser script: plain JavaScript, served as it is.
    files: ['console/assets/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      sourceType: 'script',
      globals: Object.fromEntries(
        ['window', 'document', 'location', 'fetch', 'crypto', 'setInterval', 'setTimeout', 'Element', 'Uint8Array'].map((name) => [name, 'readonly']),
      ),
    },
  },
);
