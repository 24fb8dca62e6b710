// Type-aware linting and the layers of STYLE.md: shared/ is pure; the renderer reaches the
// rest only through shared/ (the API contract); electron/core never imports electron.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = [
  'node:*',
  'fs',
  'path',
  'os',
  'crypto',
  'child_process',
  'http',
  'https',
  'net',
  'stream',
  'url',
  'worker_threads',
  'readline',
  'zlib',
];

const layer = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
});

export default tseslint.config(
  {
    ignores: [
      '.ci-out/**',
      'out/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'native/**',
      'dist/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: globals.node,
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: layer(
      [...NODE_BUILTINS, 'electron', 'react', 'react-dom', '**/electron/**', '**/renderer/**', 'better-sqlite3'],
      'shared/ is pure: no Node, Electron, DOM or UI imports (STYLE.md, Layers).',
    ),
    languageOptions: { globals: {} },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'Buffer', 'require', '__dirname'],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: globals.browser },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...layer(
        [...NODE_BUILTINS, 'electron', 'better-sqlite3', '**/electron/**'],
        'The renderer imports shared/ only and reaches the core through the API (STYLE.md, Layers).',
      ),
      'no-restricted-syntax': [
        'error',
        {
          selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
          message: 'Log text is hostile: render it as text, never HTML.',
        },
      ],
    },
  },
  {
    files: ['electron/core/**/*.ts', 'electron/cli/**/*.ts', 'electron/web/**/*.ts'],
    rules: layer(
      ['electron', '**/renderer/**', '**/electron/main/**', '**/electron/preload/**'],
      'The core, CLI and web mode never import Electron (STYLE.md, Layers).',
    ),
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: layer(
      [...NODE_BUILTINS, '**/electron/core/**', '**/renderer/**', 'better-sqlite3'],
      'The sandboxed preload imports electron and the shared contract only.',
    ),
  },
);
