// Monaco for the compose editor, loaded lazily with the editor: the editor core and its YAML grammar only
// (not every language), workers bundled by vite (`?worker` files under the app's own origin, so the CSP's
// worker-src 'self' covers them), and monaco-yaml with the docker CLI's compose schema for completion and
// hover (all 14 of the CLI 28's schemas, 3.0 to 3.13, one per file by its `version`, the newest without one). Validation is Flotilla's own loader (markers set by the editor), so monaco-yaml does not validate.
import 'monaco-editor/esm/vs/editor/edcore.main.js';
import * as monaco from 'monaco-editor/esm/vs/editor/editor.api.js';
import 'monaco-editor/esm/vs/basic-languages/yaml/yaml.contribution.js';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker.js?worker';
import { configureMonacoYaml, type JSONSchema, type MonacoYaml } from 'monaco-yaml';
import YamlWorker from './yaml.worker.ts?worker';
import { COMPOSE_SCHEMAS, schemaUri } from './compose-schemas';
import type { SchemaVersion } from './compose-text';

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}

window.MonacoEnvironment = {
  getWorker() {
    return new EditorWorker(); // the yaml worker is made by monacoForYaml below
  },
};

let yaml: MonacoYaml | undefined;

interface LegacyWorkerOptions {
  label?: string;
  createData?: unknown;
  host?: Record<string, (...args: unknown[]) => unknown>;
  keepIdleModels?: boolean;
}

// monaco-yaml 5.5 asks for its worker the pre-0.55 way (createWebWorker({moduleId, label, createData}));
// Monaco 0.55 takes the Worker itself, and the worker reads its create data from its second message
// (as monaco-editor/esm/vs/common/workers.js does for Monaco's own languages).
const monacoForYaml = {
  ...monaco,
  editor: {
    ...monaco.editor,
    createWebWorker: (opts: LegacyWorkerOptions) => {
      const worker = new YamlWorker();
      worker.postMessage('ignore');
      worker.postMessage(opts.createData);
      return monaco.editor.createWebWorker({ worker, host: opts.host, keepIdleModels: opts.keepIdleModels });
    },
  },
} as unknown as typeof monaco;

/** the compose schema for one model: the one of the file's version (compose-text.ts schemaFor) */
export function setComposeSchema(modelUri: string, version: SchemaVersion): void {
  const schemas = [
    {
      uri: schemaUri(version),
      fileMatch: [modelUri],
      schema: COMPOSE_SCHEMAS[version] as JSONSchema,
    },
  ];
  if (!yaml)
    yaml = configureMonacoYaml(monacoForYaml, {
      enableSchemaRequest: false,
      validate: false,
      hover: true,
      completion: true,
      schemas,
    });
  else void yaml.update({ schemas });
}

/** Monaco themes from the app's CSS variables, so the editor follows the light and dark themes */
export function applyEditorTheme(): 'flotilla-light' | 'flotilla-dark' {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback;
  const bg = v('--bg-elev', '#ffffff');
  const dark = isDark(bg);
  const name = dark ? 'flotilla-dark' : 'flotilla-light';
  monaco.editor.defineTheme(name, {
    base: dark ? 'vs-dark' : 'vs',
    inherit: true,
    rules: [],
    colors: {
      'editor.background': bg,
      'editor.foreground': v('--fg', dark ? '#e6e9ef' : '#1d2330'),
      'editorGutter.background': bg,
      'editorLineNumber.foreground': v('--fg-faint', '#8a93a3'),
      'editor.lineHighlightBackground': v('--bg-sunken', dark ? '#101318' : '#eef0f3'),
      'editorError.foreground': v('--err', '#b91c1c'),
      'editorWarning.foreground': v('--warn', '#b45309'),
      'editorInfo.foreground': v('--info', '#0369a1'),
    },
  });
  monaco.editor.setTheme(name);
  return name;
}

function isDark(color: string): boolean {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (!m) return false;
  const n = parseInt(m[1], 16);
  const lum = 0.2126 * ((n >> 16) & 255) + 0.7152 * ((n >> 8) & 255) + 0.0722 * (n & 255);
  return lum < 128;
}

export { monaco };
