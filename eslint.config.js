// Lint rules that hold the layers apart (like VS Code's layering rules):
// - `electron` may be imported only in src-main/electron/
// - src-renderer/ may not import Node-only modules (node:*, fs, child_process, dockerode, ssh2, ...)
// - src-main/api/ is shared with the renderer, so it follows the renderer's rule too
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeOnly = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'net', 'tls', 'http', 'https', 'crypto', 'stream', 'dockerode', 'ssh2', 'ws', 'node-forge'];
const noNodeInBrowser = {
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        { group: nodeOnly, message: 'Node-only modules cannot run in the renderer: call the core through the contract (src-renderer/api) instead.' },
        { group: ['electron', '**/src-main/core/**', '**/src-main/host/**', '**/src-main/electron/**', '**/src-main/server/**'], message: 'The renderer may import only src-main/api (the contract), never the core or Electron.' },
      ],
    },
  ],
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'e2e/artifacts/**', 'test-results/**', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'electron may be imported only in src-main/electron/: keep the core plain Node.' }] }],
    },
  },
  { files: ['src-main/electron/**'], rules: { 'no-restricted-imports': 'off' } },
  { files: ['src-renderer/**', 'src-main/api/**'], rules: noNodeInBrowser },
  { files: ['scripts/**/*.mjs', 'bin/**/*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } } },
);
