// The layering rules of eslint.config.js, run through ESLint's own Node API on code placed at the
// paths they guard: a broken rule (wrong glob, a later block switching it off) fails here, not in review.
import { beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint, type Linter } from 'eslint';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const electronMessage = 'electron may be imported only in src-main/electron/: keep the core plain Node.';
const nodeOnlyMessage = 'Node-only modules cannot run in the renderer: call the core through the contract (src-renderer/api) instead.';

let eslint: ESLint;

async function lint(code: string, relPath: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, relPath) });
  expect(result, `ESLint returned no result for ${relPath}`).toBeDefined();
  // a file ESLint ignores would pass every rule: make sure it was really linted
  expect(result.messages.filter((m) => m.message.includes('ignored'))).toEqual([]);
  return result.messages;
}

function restricted(messages: Linter.LintMessage[]): Linter.LintMessage[] {
  return messages.filter((m) => m.ruleId === 'no-restricted-imports');
}

describe('layering lint rules', () => {
  beforeAll(() => {
    eslint = new ESLint({ cwd: root });
  });

  it('fails `electron` imported under src-main/core/', async () => {
    const messages = await lint("import { app } from 'electron';\nexport const name = app.getName();\n", 'src-main/core/lint-probe.ts');
    const hits = restricted(messages);
    expect(hits).toHaveLength(1);
    expect(hits[0].severity).toBe(2);
    expect(hits[0].message).toContain("'electron' import is restricted");
    expect(hits[0].message).toContain(electronMessage);
  });

  it('fails `electron` imported under src-main/host/ and src-main/server/ too', async () => {
    for (const file of ['src-main/host/lint-probe.ts', 'src-main/server/lint-probe.ts', 'src-main/cli/lint-probe.ts']) {
      const hits = restricted(await lint("import { app } from 'electron';\nexport const name = app.getName();\n", file));
      expect(hits.map((m) => m.message), file).toEqual([expect.stringContaining(electronMessage)]);
    }
  });

  it('passes `electron` imported under src-main/electron/', async () => {
    const messages = await lint("import { app } from 'electron';\nexport const name = app.getName();\n", 'src-main/electron/lint-probe.ts');
    expect(restricted(messages)).toEqual([]);
    expect(messages.filter((m) => m.severity === 2)).toEqual([]);
  });

  const rendererCases: Array<[string, string]> = [
    ["import fs from 'node:fs';\nexport const read = fs.readFileSync;\n", "'node:fs'"],
    ["import fs from 'fs';\nexport const read = fs.readFileSync;\n", "'fs'"],
    ["import { spawn } from 'child_process';\nexport const run = spawn;\n", "'child_process'"],
    ["import { spawn } from 'node:child_process';\nexport const run = spawn;\n", "'node:child_process'"],
    ["import Docker from 'dockerode';\nexport const docker = new Docker();\n", "'dockerode'"],
    ["import { Client } from 'ssh2';\nexport const client = new Client();\n", "'ssh2'"],
  ];

  for (const [code, specifier] of rendererCases) {
    it(`fails ${specifier} imported under src-renderer/`, async () => {
      for (const file of ['src-renderer/lint-probe.ts', 'src-renderer/views/lint-probe.tsx']) {
        const hits = restricted(await lint(code, file));
        expect(hits, `${specifier} in ${file}`).toHaveLength(1);
        expect(hits[0].severity).toBe(2);
        expect(hits[0].message).toContain(`${specifier} import is restricted`);
        expect(hits[0].message).toContain(nodeOnlyMessage);
      }
    });
  }

  it('fails `electron` and the core imported under src-renderer/', async () => {
    const electronHits = restricted(await lint("import { ipcRenderer } from 'electron';\nexport const ipc = ipcRenderer;\n", 'src-renderer/lint-probe.ts'));
    expect(electronHits.map((m) => m.message)).toEqual([expect.stringContaining('The renderer may import only src-main/api (the contract), never the core or Electron.')]);
    const coreHits = restricted(await lint("import { x } from '../src-main/core/engine/connect';\nexport const y = x;\n", 'src-renderer/lint-probe.ts'));
    expect(coreHits.map((m) => m.message)).toEqual([expect.stringContaining('The renderer may import only src-main/api (the contract), never the core or Electron.')]);
  });

  it('passes the contract and browser-safe libraries under src-renderer/', async () => {
    const messages = await lint("import { create } from 'zustand';\nimport { z } from 'zod';\nexport const store = create(() => ({ n: z.number().parse(1) }));\n", 'src-renderer/lint-probe.ts');
    expect(restricted(messages)).toEqual([]);
  });

  it('passes Node modules under src-main/core/', async () => {
    const messages = await lint("import fs from 'node:fs';\nimport Docker from 'dockerode';\nexport const both = [fs.readFileSync, new Docker()];\n", 'src-main/core/lint-probe.ts');
    expect(restricted(messages)).toEqual([]);
  });
});
