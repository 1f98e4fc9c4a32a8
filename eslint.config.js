// Lint rules that hold the layers apart (in the style of VS Code's code-layering):
// - the layering table below: for each folder, the folders of ours it may import
// - `electron` may be imported only in src-main/electron/
// - src-renderer/ may not import Node-only modules (node:*, fs, child_process, dockerode, ssh2, ...)
// - src-main/api/ is shared with the renderer, so it follows the renderer's rule too
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from 'eslint-plugin-boundaries';

// ---------------------------------------------------------------------------------------------------------------
// The layering table: folder -> the folders of ours it may import (besides itself). npm packages and Node are
// governed by the rules further down, not here. eslint-plugin-boundaries checks every import by the file it
// resolves to (through the TypeScript resolver and our tsconfigs), so `../core/x`, `../../src-main/core/x` and any
// tsconfig `paths` alias all count the same. test/unit/layering.test.ts writes a probe for each forbidden edge.
// ---------------------------------------------------------------------------------------------------------------
const layers = {
  // the zod contract (IPC and WebSocket alike) and the coded errors: shared with the renderer, so nothing of ours
  api: { folder: 'src-main/api', mayImport: [] },
  // plain Node: engines, machines, swarm, stacks, lab. Knows the contract's types; never a front end
  core: { folder: 'src-main/core', mayImport: ['api'] },
  // the contract's handlers over the core, and the one dispatcher every front end talks to
  host: { folder: 'src-main/host', mayImport: ['api', 'core'] },
  // front ends of the host: the Electron window, browser mode's HTTP/WebSocket server, the CLI
  electron: { folder: 'src-main/electron', mayImport: ['api', 'host'] },
  server: { folder: 'src-main/server', mayImport: ['api', 'host'] },
  // `flotilla serve` starts the server: the one front end that starts another
  cli: { folder: 'src-main/cli', mayImport: ['api', 'host', 'server'] },
  // the renderer's client of the contract (preload bridge or WebSocket)
  'renderer-api': { folder: 'src-renderer/api', mayImport: ['api'] },
  // zustand stores fed by subscriptions
  stores: { folder: 'src-renderer/stores', mayImport: ['renderer-api', 'api'] },
  // small shared pieces of UI: no state of their own beyond props
  components: { folder: 'src-renderer/components', mayImport: ['api'] },
  // one folder (or one file) per view; a view never imports another view (see the rule below)
  view: { folder: 'src-renderer/views', mayImport: ['stores', 'components', 'renderer-api', 'api'] },
  // the shell: App.tsx, main.tsx and the files beside them, which put the views together
  renderer: { folder: 'src-renderer', mayImport: ['renderer-api', 'stores', 'components', 'view', 'api'] },
};

// TEMPORARY exceptions: files that break the table today, one entry per file, each with the layer it may still
// import. Delete an entry when its file is fixed (the lint then holds it to the table; the layering test fails
// while an entry is no longer needed); the list is meant to end empty. Issue 20's other parts remove these:
// (none left: the CLI goes through the host, and the renderer's cluster model has one module)
const layeringExceptions = [];

const layerElements = Object.entries(layers).flatMap(([type, { folder }]) =>
  type === 'view'
    ? [
        { type, pattern: `${folder}/*`, capture: ['view'], partialMatch: false }, // a view's folder: views/board/**
        // the views of one file (views/EnginesView.tsx): one element for the plugin, which classifies folders, so
        // with no captured name; checkInternals (below) then refuses their imports of one another
        { type, pattern: folder, partialMatch: false },
      ]
    : { type, pattern: folder, partialMatch: false }, // the first element that matches wins, so 'renderer' (last) holds only the shell
);
const layerPolicies = Object.entries(layers).map(([type, { mayImport }]) => ({
  from: { element: { type } },
  allow: { to: { element: { types: { anyOf: type === 'view' ? mayImport : [type, ...mayImport] } } } },
}));
// a view imports only itself among the views: what two views share moves to stores/ or components/
layerPolicies.push({
  from: { element: { type: 'view' } },
  allow: { to: { element: { type: 'view', captured: { view: '{{ from.element.captured.view }}' } } } },
});

const layering = [
  {
    files: ['src-main/**', 'src-renderer/**'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { typescript: { project: ['tsconfig.node.json', 'tsconfig.web.json'], noWarnOnMultipleProjects: true } },
      'boundaries/elements': layerElements,
    },
    rules: {
      'boundaries/dependencies': ['error', { default: 'disallow', checkInternals: true, policies: layerPolicies }],
    },
  },
  ...layeringExceptions.map(({ file, mayAlsoImport }) => ({
    name: `layering-exception:${file}`, // test/unit/layering-table.test.ts checks each is still needed
    files: [file],
    rules: { 'boundaries/dependencies': ['error', { default: 'disallow', checkInternals: true, policies: [...layerPolicies, { allow: { to: { element: mayAlsoImport } } }] }] },
  })),
];

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
  ...layering,
  { files: ['scripts/**/*.mjs', 'bin/**/*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } } },
);
