// The harness of the jsdom benches (board-jsdom, logs): bundles a renderer bench entry with esbuild (production
// React, as the app ships), puts a jsdom window's globals in place, imports the bundle, runs it, and puts everything
// back. Kept here once so the two benches measure in the same conditions.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

interface JsdomModule {
  JSDOM: new (html: string, opts: { pretendToBeVisual: boolean; url: string }) => { window: Record<string, unknown> & { document: unknown; close(): void } };
}

/** the globals every bench entry needs from the jsdom window */
const BASE_GLOBALS = ['window', 'document', 'navigator', 'HTMLElement', 'Element', 'Node', 'Text', 'Event', 'getComputedStyle', 'requestAnimationFrame', 'cancelAnimationFrame', 'location'];

/** the repository root: the first folder up from this file that holds `entry` (a path relative to the root) */
function findRoot(entry: string): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, entry))) {
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

async function installDom(extraGlobals: string[]): Promise<() => void> {
  const jsdomName = 'jsdom'; // untyped package: loaded by name, shaped by JsdomModule
  const { JSDOM } = (await import(jsdomName)) as JsdomModule;
  const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true, url: 'http://127.0.0.1/' });
  const g = globalThis as Record<string, unknown>;
  const names = [...BASE_GLOBALS, ...extraGlobals];
  const saved = new Map(names.map((n) => [n, Object.getOwnPropertyDescriptor(g, n)]));
  for (const n of names) Object.defineProperty(g, n, { value: n === 'window' ? dom.window : dom.window[n], configurable: true, writable: true });
  return () => {
    for (const [n, d] of saved) {
      if (d) Object.defineProperty(g, n, d);
      else delete g[n];
    }
    dom.window.close();
  };
}

/**
 * Bundles `entry` (relative to the repository root, e.g. src-renderer/views/logs/bench-entry.tsx), imports it with a
 * jsdom window in place (plus `extraGlobals` of it), and returns what `run` makes of the module.
 */
export async function runJsdomEntry<M, R>(entry: string, extraGlobals: string[], run: (mod: M) => R): Promise<R> {
  const root = findRoot(entry);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-bench-'));
  const out = path.join(dir, 'bench.mjs');
  try {
    await build({
      entryPoints: [path.join(root, entry)],
      bundle: true,
      platform: 'node',
      format: 'esm',
      jsx: 'automatic',
      outfile: out,
      define: { 'process.env.NODE_ENV': '"production"' }, // production React, as the app ships
      loader: { '.css': 'empty' },
      logLevel: 'error',
    });
    const restore = await installDom(extraGlobals);
    try {
      return run((await import(pathToFileURL(out).href)) as M);
    } finally {
      restore();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
