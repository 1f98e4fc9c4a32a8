// `npm run bench -- board-jsdom`: the unit-level regression check of the board (the real figures are `npm run bench
// -- board`, in Chromium): a 50-node / 1,000-task model (deterministic, from src-renderer/views/board/fixture.ts),
// rendered with react-dom in jsdom (no layout: every column is in the board's window). Prints the first render time
// and the p95 time to apply a 20-task change, with its ratio to a full re-render (every card redrawn).
// Runs on import (the bench dispatcher imports it) or directly once bundled.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

interface BoardBenchResult {
  nodes: number;
  tasks: number;
  cards: number;
  firstRenderMs: number;
  diffP50Ms: number;
  diffP95Ms: number;
  fullP50Ms: number;
  fullP95Ms: number;
  changedPerStep: number;
  runs: number;
}
interface BenchModule {
  runBoardBench(opts: { nodes: number; tasks: number; change: number; runs: number; warmup: number }): BoardBenchResult;
}
interface JsdomModule {
  JSDOM: new (html: string, opts: { pretendToBeVisual: boolean; url: string }) => { window: Record<string, unknown> & { document: unknown; close(): void } };
}

function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'src-renderer', 'views', 'board', 'bench-entry.tsx'))) {
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

async function installDom(): Promise<() => void> {
  const jsdomName = 'jsdom'; // untyped package: loaded by name, shaped by JsdomModule
  const { JSDOM } = (await import(jsdomName)) as JsdomModule;
  const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true, url: 'http://127.0.0.1/' });
  const g = globalThis as Record<string, unknown>;
  const names = ['window', 'document', 'navigator', 'HTMLElement', 'HTMLInputElement', 'HTMLSelectElement', 'Element', 'Node', 'Text', 'Event', 'MouseEvent', 'KeyboardEvent', 'getComputedStyle', 'requestAnimationFrame', 'cancelAnimationFrame', 'location', 'localStorage'];
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

export async function benchBoard(): Promise<BoardBenchResult> {
  const root = findRoot();
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-bench-')), 'board-bench.mjs');
  await build({
    entryPoints: [path.join(root, 'src-renderer', 'views', 'board', 'bench-entry.tsx')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    jsx: 'automatic',
    outfile: out,
    define: { 'process.env.NODE_ENV': '"production"' }, // production React, as the app ships
    logLevel: 'error',
  });
  const restore = await installDom();
  try {
    const mod = (await import(pathToFileURL(out).href)) as BenchModule;
    return mod.runBoardBench({ nodes: 50, tasks: 1000, change: 20, runs: Number(process.env.BENCH_RUNS ?? 100), warmup: 10 });
  } finally {
    restore();
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  }
}

const r = await benchBoard();
const f = (ms: number): string => `${ms.toFixed(1)} ms`;
process.stdout.write(
  [
    `board: ${r.nodes} nodes, ${r.tasks} tasks (${r.cards} cards), react-dom in jsdom, production build`,
    `  first render:                      ${f(r.firstRenderMs)}`,
    `  apply a ${r.changedPerStep}-task change   p50 ${f(r.diffP50Ms)}  p95 ${f(r.diffP95Ms)}  (${r.runs} runs)`,
    `  full re-render (same change)       p50 ${f(r.fullP50Ms)}  p95 ${f(r.fullP95Ms)}`,
    `  ratio p95 change / full re-render: ${(r.diffP95Ms / r.fullP95Ms).toFixed(3)} (${(r.fullP95Ms / r.diffP95Ms).toFixed(1)}x faster)`,
    '',
  ].join('\n'),
);
process.stdout.write(JSON.stringify({ bench: 'board-jsdom', engine: 'jsdom', nodes: r.nodes, tasks: r.tasks, cards: r.cards, firstRenderMs: r.firstRenderMs, diffP50Ms: r.diffP50Ms, diffP95Ms: r.diffP95Ms, fullP50Ms: r.fullP50Ms, fullP95Ms: r.fullP95Ms }) + '\n');
