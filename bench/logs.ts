// `npm run bench -- logs`: the Logs view's ring buffer + virtualized list, rendered with react-dom in
// jsdom (production React). 1,000,000 lines (plain, ANSI-coloured, stack traces on stderr) go in 1,000 per
// frame; printed: lines per second, time per frame (responsive = well under 16 ms), DOM rows, and the heap
// after the million lines; against a naive view measured in the same run (every line kept in an array
// and re-rendered each frame), on fewer lines because it slows down with every line it keeps.
// Options: BENCH_LINES (1000000), BENCH_PER_FRAME (1000), BENCH_NAIVE_LINES (10000).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

interface LogsBenchResult {
  lines: number;
  perFrame: number;
  capacity: number;
  kept: number;
  oursSeconds: number;
  oursLinesPerSec: number;
  oursFrameP50: number;
  oursFrameP95: number;
  oursFrameMax: number;
  oursDomRows: number;
  heapAfterMB: number;
  heapBeforeMB: number;
  naiveLines: number;
  naiveLinesPerSec: number;
  naiveFrameP95: number;
  naiveLastFrameMs: number;
  naiveHeapMB: number;
}
interface BenchModule {
  runLogsBench(opts: { lines: number; perFrame: number; capacity: number; naiveLines: number; heapMB: () => number; clock?: () => number }): LogsBenchResult;
}
interface JsdomModule {
  JSDOM: new (html: string, opts: { pretendToBeVisual: boolean; url: string }) => { window: Record<string, unknown> & { document: unknown; close(): void } };
}

function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'src-renderer', 'views', 'logs', 'bench-entry.tsx'))) {
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
  const names = ['window', 'document', 'navigator', 'HTMLElement', 'Element', 'Node', 'Text', 'Event', 'getComputedStyle', 'requestAnimationFrame', 'cancelAnimationFrame', 'location'];
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

/** heap in MB after a full collection (gc exposed at run time, so `npm run bench` needs no node flags) */
function heapMeter(): () => number {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  return () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed / 1024 / 1024;
  };
}

/** this process's CPU time in ms: frame times that other processes on a shared machine do not inflate */
function cpuClock(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export async function benchLogs(): Promise<LogsBenchResult> {
  const root = findRoot();
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-bench-')), 'logs-bench.mjs');
  await build({
    entryPoints: [path.join(root, 'src-renderer', 'views', 'logs', 'bench-entry.tsx')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    jsx: 'automatic',
    outfile: out,
    define: { 'process.env.NODE_ENV': '"production"' },
    loader: { '.css': 'empty' },
    logLevel: 'error',
  });
  const restore = await installDom();
  try {
    const mod = (await import(pathToFileURL(out).href)) as BenchModule;
    return mod.runLogsBench({
      lines: Number(process.env.BENCH_LINES ?? 1_000_000),
      perFrame: Number(process.env.BENCH_PER_FRAME ?? 1000),
      capacity: 100_000,
      naiveLines: Number(process.env.BENCH_NAIVE_LINES ?? 10_000),
      heapMB: heapMeter(),
      clock: cpuClock,
    });
  } finally {
    restore();
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  }
}

const r = await benchLogs();
const n = (x: number): string => Math.round(x).toLocaleString('en-US');
const ms = (x: number): string => `${x.toFixed(1)} ms`;
process.stdout.write(
  [
    `logs: ${n(r.lines)} lines, ${n(r.perFrame)} per frame, ring of ${n(r.capacity)} lines, react-dom in jsdom, production build; times are this process's CPU time`,
    `  ring + virtualized list: ${n(r.oursLinesPerSec)} lines/s (${r.oursSeconds.toFixed(1)} s); per frame p50 ${ms(r.oursFrameP50)}  p95 ${ms(r.oursFrameP95)}  max ${ms(r.oursFrameMax)}; ${r.oursDomRows} rows in the DOM`,
    `  heap after ${n(r.lines)} lines: ${r.heapAfterMB.toFixed(1)} MB (${(r.heapAfterMB - r.heapBeforeMB).toFixed(1)} MB for the ring holding ${n(r.kept)} lines; ${n(r.lines - r.kept)} oldest dropped)`,
    `  naive (array of all lines, full re-render): ${n(r.naiveLinesPerSec)} lines/s over ${n(r.naiveLines)} lines; per frame p95 ${ms(r.naiveFrameP95)}, last frame ${ms(r.naiveLastFrameMs)} (grows with every line)`,
    `  naive heap for the same ${n(r.lines)} lines, data only, no DOM: ${r.naiveHeapMB.toFixed(1)} MB`,
    `  ratio lines/s ring / naive: ${(r.oursLinesPerSec / r.naiveLinesPerSec).toFixed(1)}x; frame p95 naive / ring: ${(r.naiveFrameP95 / r.oursFrameP95).toFixed(1)}x; memory naive / ring: ${(r.naiveHeapMB / Math.max(0.1, r.heapAfterMB - r.heapBeforeMB)).toFixed(1)}x`,
    '',
  ].join('\n'),
);
