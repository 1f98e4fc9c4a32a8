/// <reference lib="dom" />
// `npm run bench -- board [--runs N] [--loads N] [--sizes 50x1000,200x5000] [--shots DIR] [--renderer DIR]`: the Board of the
// production renderer (`npm run build` output, out/renderer) in Debian's Chromium through Playwright at 1440×900, on
// a recorded model (bench/board-model.ts, written to out/bench/board-model-NxT.json).
//
// How the model reaches the page: browser mode's own server (src-main/server startServer: the same files, CSP and
// WebSocket) in front of a Dispatcher whose handlers replay the recording: engines.list / engines.info name one
// manager, 'swarm.model' sends the snapshot and then, on the bench's cue, 20-task diffs. So the page runs exactly
// as with `flotilla serve`: WebSocket frame -> JSON -> the client's zod check -> cluster store -> BoardView -> paint.
// Only Docker is absent (no swarm of 200 nodes fits this machine); the stats stream stays open and silent.
//
// --renderer DIR runs another build of the renderer (an A/B against an older commit's `electron-vite build`).
// Figures, taken in the page (performance.now() is ms since navigation start):
// - first render: navigation start -> the frame that shows every column of the model painted (a requestAnimationFrame
//   poll sees them all in the DOM, then a MessageChannel message posted from that frame runs after its paint). With
//   virtualised columns the off-screen ones are placeholders of the same size: every column's header is there.
// - change: the diff's WebSocket frame arriving at the page (a listener registered before the app's) -> the paint of
//   the frame after the first DOM mutation it caused (each diff moves one task onto the first column, so every
//   change shows on screen).
// The machine's load average is printed with the figures: on a shared 2-core machine it moves them a lot.
// BOARD_PROFILE=/tmp/x writes Chromium CPU profiles of the last load and of the changes (/tmp/x-SIZE*.cpuprofile);
// BOARD_TRACE=/tmp/x Chromium traces of the last load and of the changes (/tmp/x-SIZE*.json, for Perfetto).
// BOARD_PAINT_RECTS=/tmp/x: a screenshot of one more change with Chromium's paint rectangles on (/tmp/x-SIZE.png).
// - floor: the same probe on a bare page that paints the same columns and cards and changes one text node per
//   message (bench/board-floor.ts): what any page scores here. A change's p95 cannot go much under one 60 Hz frame.
// Reports; never fails on a target.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright';
import { startServer } from '../src-main/server/server';
import { Dispatcher, type AnyHandlers } from '../src-main/host/dispatcher';
import { contract } from '../src-main/api/contract';
import { FlotillaError } from '../src-main/api/errors';
import type { ClusterModel, ModelEvent } from '../src-main/api/domains/swarm';
import { nextChange, recordModel, rng } from './board-model';
import { measureFloor, type FloorResult } from './board-floor';

const TARGETS: Record<string, { firstRenderMs: number; changeP95Ms: number }> = {
  '50x1000': { firstRenderMs: 200, changeP95Ms: 16 },
  '200x5000': { firstRenderMs: 1000, changeP95Ms: 50 },
};

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
const round = (ms: number): number => Math.round(ms * 10) / 10;

const ENGINE = { id: 'bench-manager', name: 'mgr-1', url: 'tcp://10.20.0.10:2376' };

/** The host side: every contract method answers "not in this bench" except what the Board needs. */
function benchHost(model: () => ClusterModel): { dispatcher: Dispatcher; push(e: ModelEvent): number; invoked: Set<string> } {
  const sinks = new Set<(e: ModelEvent) => void>();
  const invoked = new Set<string>();
  const handlers: AnyHandlers = {};
  for (const name of Object.keys(contract)) {
    handlers[name] = () => {
      invoked.add(name);
      return Promise.reject(new FlotillaError('UNSUPPORTED', `${name} is not part of the board bench`));
    };
  }
  const untilAborted = (signal: AbortSignal): Promise<void> => new Promise((r) => signal.addEventListener('abort', () => r(), { once: true }));
  handlers['engines.list'] = () => Promise.resolve([{ ...ENGINE, source: 'added', transport: 'tcp' }]);
  handlers['engines.info'] = () =>
    Promise.resolve({ ...ENGINE, reachable: true, dockerVersion: '28.5.1', apiVersion: '1.51', os: 'linux', arch: 'x86_64', cpus: 2, memoryBytes: 4 * 1024 ** 3, swarm: { state: 'active', isManager: true, nodeId: Object.keys(model().nodes)[0] } });
  handlers['engines.events'] = (_input, _emit, ctx) => untilAborted((ctx as { signal: AbortSignal }).signal);
  handlers['swarm.stats'] = (_input, _emit, ctx) => untilAborted((ctx as { signal: AbortSignal }).signal);
  handlers['machines.ls'] = () => Promise.resolve([]);
  handlers['swarm.model'] = async (_input, emit, ctx) => {
    const signal = (ctx as { signal: AbortSignal }).signal;
    const send = emit as (e: ModelEvent) => void;
    send({ type: 'snapshot', model: model(), at: Date.now() });
    send({ type: 'source', source: 'manager', connected: true, via: ENGINE.name, at: Date.now() });
    sinks.add(send);
    await untilAborted(signal);
    sinks.delete(send);
  };
  return {
    dispatcher: new Dispatcher(handlers),
    push(e) {
      for (const s of sinks) s(e);
      return sinks.size;
    },
    invoked,
  };
}

/** Runs in the page before the app: the first-render poll and the change probe. */
function probe(expectedColumns: number): void {
  interface Probe {
    firstPaint?: number;
    /** when the snapshot's frame arrived, when the app's script ran, when the socket opened */
    snapshotAt?: number;
    scriptAt?: number;
    openAt?: number;
    changes: number[];
    arrivals: number;
  }
  const p: Probe = { changes: [], arrivals: 0 };
  (window as unknown as { __board: Probe }).__board = p;
  localStorage.setItem('flotilla.view', 'board');
  const afterPaint = (cb: (t: number) => void): void => {
    requestAnimationFrame(() => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => cb(performance.now());
      ch.port2.postMessage(0);
    });
  };
  // first render: every column of the model placed (data-columns), and every column that is on screen in the DOM with
  // its header and cards (off-screen columns are windowed out: the rendered ones reach the scroller's right edge)
  const poll = (): void => {
    const board = document.querySelector<HTMLElement>('[data-testid="board-columns"]');
    const cols = document.querySelectorAll('[data-testid="node-column"]');
    const last = cols[cols.length - 1];
    const full = !!board && !!last && (cols.length >= expectedColumns || last.getBoundingClientRect().right >= board.getBoundingClientRect().right);
    if (board && Number(board.dataset.columns ?? cols.length) === expectedColumns && full && document.querySelector('[data-testid="task-card"]')) {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => (p.firstPaint = performance.now());
      ch.port2.postMessage(0);
    } else requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
  // changes: a listener on the app's WebSocket registered before the app's own
  const Native = window.WebSocket;
  class Probed extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      p.scriptAt ??= performance.now();
      this.addEventListener('open', () => (p.openAt = performance.now()));
      this.addEventListener('message', (ev: MessageEvent) => {
        if (typeof ev.data === 'string' && p.snapshotAt === undefined && ev.data.includes('"type":"snapshot"')) p.snapshotAt = performance.now();
        if (typeof ev.data !== 'string' || !ev.data.includes('"type":"diff"')) return;
        const t0 = performance.now();
        p.arrivals++;
        const root = document.getElementById('root') as HTMLElement;
        const mo = new MutationObserver(() => {
          mo.disconnect();
          afterPaint((t1) => p.changes.push(t1 - t0));
        });
        mo.observe(root, { subtree: true, childList: true, attributes: true, characterData: true });
      });
    }
  }
  window.WebSocket = Probed;
}

interface SizeResult {
  size: string;
  nodes: number;
  tasks: number;
  columns: number;
  cardsInDom: number;
  domNodes: number;
  firstRenderMs: number;
  firstRenderRunsMs: number[];
  /** medians, ms since navigation start: HTML received, the app's script running (its socket made), socket open, snapshot arrived, painted */
  firstRenderPhasesMs: Record<string, number>;
  changeP50Ms: number;
  changeP95Ms: number;
  changeRuns: number;
  /** main-thread time per change (Chromium's Performance metrics; the bench's own polling included) */
  changeSplit: { scriptMs: number; styleMs: number; layoutMs: number; taskMs: number; cpuMs: number };
  /** the page's main-thread CPU time from its start to the first render's paint (median of the loads) */
  firstRenderCpuMs: number;
  /** the same span's main-thread time in script, style and layout (medians of the loads) */
  firstRenderSplit: Record<string, number>;
  targetFirstRenderMs?: number;
  targetChangeP95Ms?: number;
  /** the same probe on a bare page painting the same columns and cards (bench/board-floor.ts) */
  floor: FloorResult;
}

async function benchSize(spec: string, opts: { root: string; renderer: string; runs: number; loads: number; shots?: string }): Promise<SizeResult> {
  const [nodes, tasks] = spec.split('x').map(Number);
  const rec = recordModel({ nodes, tasks });
  const file = path.join(opts.root, 'out', 'bench', `board-model-${spec}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(rec.model));
  // the page gets the recording as read back from the file, a fresh copy per load
  const text = fs.readFileSync(file, 'utf8');
  let model = JSON.parse(text) as ClusterModel;
  const host = benchHost(() => model);
  const server = await startServer({ host, port: 0, rendererDir: opts.renderer, log: () => undefined });
  const pending = Object.values(model.tasks).some((t) => !t.nodeId && t.desiredState === 'running');
  const expectedColumns = nodes + (pending ? 1 : 0);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const firsts: number[] = [];
    const phases: Array<Record<string, number>> = [];
    const loadCpu: number[] = [];
    const loadSplits: Array<Record<string, number>> = [];
    let page: Page | undefined;
    for (let i = 0; i < opts.loads; i++) {
      await page?.context().close();
      model = JSON.parse(text) as ClusterModel;
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, reducedMotion: 'no-preference' });
      page = await context.newPage();
      await page.addInitScript(probe, expectedColumns);
      const prof = process.env.BOARD_PROFILE && i === opts.loads - 1 ? await page.context().newCDPSession(page) : undefined;
      if (prof) {
        await prof.send('Profiler.enable');
        await prof.send('Profiler.setSamplingInterval', { interval: 200 });
        await prof.send('Profiler.start');
      }
      const trace = process.env.BOARD_TRACE && i === opts.loads - 1;
      if (trace) await browser.startTracing(page, { path: `${process.env.BOARD_TRACE}-${spec}.json`, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'cc', 'v8.execute', 'loading', 'netlog'] });
      const loadCdp = await page.context().newCDPSession(page);
      await loadCdp.send('Performance.enable');
      await page.goto(server.url);
      const handle = await page.waitForFunction(() => (window as unknown as { __board: { firstPaint?: number } }).__board.firstPaint, undefined, { timeout: 120_000 });
      firsts.push(Number(await handle.jsonValue()));
      if (trace) await browser.stopTracing();
      // the renderer's main-thread CPU time up to here (the page's process is new with its context): what the load
      // of this machine cannot stretch, unlike the wall-clock figure
      const loadMetrics = Object.fromEntries((await loadCdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value * 1000]));
      loadCpu.push(loadMetrics.ThreadTime ?? NaN);
      loadSplits.push({ scriptMs: loadMetrics.ScriptDuration, styleMs: loadMetrics.RecalcStyleDuration, layoutMs: loadMetrics.LayoutDuration, taskMs: loadMetrics.TaskDuration });
      if (prof && process.env.BOARD_PROFILE) fs.writeFileSync(`${process.env.BOARD_PROFILE}-${spec}.cpuprofile`, JSON.stringify((await prof.send('Profiler.stop')).profile));
      phases.push(
        await page.evaluate(() => {
          const b = (window as unknown as { __board: { scriptAt?: number; openAt?: number; snapshotAt?: number; firstPaint?: number } }).__board;
          const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
          return { html: nav?.responseEnd ?? 0, script: b.scriptAt ?? 0, open: b.openAt ?? 0, snapshot: b.snapshotAt ?? 0, painted: b.firstPaint ?? 0 };
        }),
      );
    }
    if (!page) throw new Error('no page');
    const cardsInDom = await page.locator('[data-testid="task-card"]').count();
    const domNodes = await page.evaluate(() => document.getElementsByTagName('*').length);
    if (opts.shots) await page.screenshot({ path: path.join(opts.shots, `board-${spec}.png`) });
    // changes: one at a time, each waited for before the next
    const firstNode = await page.locator('[data-testid="node-column"]').first().getAttribute('data-node');
    const touch = Object.values(model.nodes).find((n) => n.hostname === firstNode)?.id;
    const rand = rng(99);
    const warmup = 10;
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const metrics = async (): Promise<Record<string, number>> => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
    let before: Record<string, number> = {};
    for (let i = 0; i < warmup + opts.runs; i++) {
      if (i === warmup) {
        if (process.env.BOARD_TRACE) await browser.startTracing(page, { path: `${process.env.BOARD_TRACE}-${spec}-changes.json`, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'cc', 'v8.execute'] });
        before = await metrics();
        if (process.env.BOARD_PROFILE) {
          await cdp.send('Profiler.enable');
          await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
          await cdp.send('Profiler.start');
        }
      }
      const changes = nextChange(model, 20, rand, Date.now(), touch);
      if (host.push({ type: 'diff', changes, at: Date.now() }) === 0) throw new Error('the page is not subscribed to the model');
      await page.waitForFunction((n) => (window as unknown as { __board: { changes: number[] } }).__board.changes.length >= n, i + 1, { timeout: 30_000, polling: 20 });
      await page.waitForTimeout(30);
    }
    const after = await metrics();
    if (process.env.BOARD_TRACE) await browser.stopTracing();
    if (process.env.BOARD_PROFILE) fs.writeFileSync(`${process.env.BOARD_PROFILE}-${spec}-changes.cpuprofile`, JSON.stringify((await cdp.send('Profiler.stop')).profile));
    const per = (k: string): number => round(((after[k] - before[k]) * 1000) / opts.runs);
    const split = { scriptMs: per('ScriptDuration'), styleMs: per('RecalcStyleDuration'), layoutMs: per('LayoutDuration'), taskMs: per('TaskDuration'), cpuMs: per('ThreadTime') };
    const all = await page.evaluate(() => (window as unknown as { __board: { changes: number[] } }).__board.changes);
    const changes = all.slice(warmup);
    if (opts.shots) await page.screenshot({ path: path.join(opts.shots, `board-${spec}-after.png`) });
    if (process.env.BOARD_PAINT_RECTS) {
      await cdp.send('DOM.enable');
      await cdp.send('Overlay.enable');
      await cdp.send('Overlay.setShowPaintRects', { result: true });
      await page.waitForTimeout(500);
      const n0 = (await page.evaluate(() => (window as unknown as { __board: { changes: number[] } }).__board.changes.length));
      host.push({ type: 'diff', changes: nextChange(model, 20, rand, Date.now(), touch), at: Date.now() });
      await page.waitForFunction((n) => (window as unknown as { __board: { changes: number[] } }).__board.changes.length > n, n0);
      await page.screenshot({ path: `${process.env.BOARD_PAINT_RECTS}-${spec}.png` });
    }
    const cardsPerColumn = await page.evaluate(() => Array.from(document.querySelectorAll('[data-testid="node-column"]')).map((c) => c.querySelectorAll('[data-testid="task-card"]').length));
    const box = await page.evaluate(() => {
      const r = (document.querySelector('[data-testid="board-columns"]') as HTMLElement).getBoundingClientRect();
      return { left: Math.round(r.left), top: Math.round(r.top), width: Math.round(r.width), height: Math.round(r.height) };
    });
    await page.context().close();
    const floor = await measureFloor(browser, { expectedColumns, cardsPerColumn, box, loads: opts.loads, runs: opts.runs, probe, pct });
    const t = TARGETS[spec];
    return {
      size: spec,
      nodes,
      tasks: rec.tasks,
      columns: expectedColumns,
      cardsInDom,
      domNodes,
      firstRenderMs: round(pct(firsts, 50)),
      firstRenderRunsMs: firsts.map(round),
      firstRenderCpuMs: round(pct(loadCpu, 50)),
      firstRenderSplit: Object.fromEntries(Object.keys(loadSplits[0]).map((k) => [k, round(pct(loadSplits.map((x) => x[k]), 50))])),
      firstRenderPhasesMs: Object.fromEntries(Object.keys(phases[0]).map((k) => [k, round(pct(phases.map((x) => x[k]), 50))])),
      changeP50Ms: round(pct(changes, 50)),
      changeP95Ms: round(pct(changes, 95)),
      changeRuns: changes.length,
      changeSplit: split,
      targetFirstRenderMs: t?.firstRenderMs,
      targetChangeP95Ms: t?.changeP95Ms,
      floor,
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

async function main(): Promise<void> {
  const root = findRoot();
  const renderer = path.resolve(arg('renderer', path.join(root, 'out', 'renderer')));
  if (!fs.existsSync(path.join(renderer, 'index.html'))) throw new Error(`the built renderer is missing (${renderer}): run \`npm run build\` first`);
  const runs = Number(arg('runs', '100'));
  const loads = Number(arg('loads', '5'));
  const sizes = arg('sizes', '50x1000,200x5000').split(',');
  const shots = process.argv.includes('--shots') ? path.resolve(arg('shots', path.join(root, 'out', 'bench'))) : undefined;
  if (shots) fs.mkdirSync(shots, { recursive: true });
  const results: SizeResult[] = [];
  const loadBefore = os.loadavg()[0];
  for (const spec of sizes) {
    if (!/^\d+x\d+$/.test(spec)) throw new Error(`--sizes takes NODESxTASKS[,NODESxTASKS], e.g. 50x1000,200x5000 (got "${spec}")`);
    process.stderr.write(`board ${spec}…\n`);
    results.push(await benchSize(spec, { root, renderer, runs, loads, shots }));
  }
  const mark = (v: number, target?: number): string => (target === undefined ? '' : v <= target ? ` (target ≤ ${target}: met)` : ` (target ≤ ${target}: MISSED)`);
  const load = [loadBefore, os.loadavg()[0]].map((x) => Math.round(x * 10) / 10);
  const lines = [
    'board: production renderer in Chromium (/usr/bin/chromium, Playwright, 1440×900), recorded model over browser mode\'s WebSocket',
    `  load average ${load[0]} before, ${load[1]} after, on ${os.cpus().length} CPUs`,
  ];
  for (const r of results) {
    lines.push(
      `  ${r.nodes} nodes × ${r.tasks} tasks (${r.columns} columns; ${r.cardsInDom} cards and ${r.domNodes} elements in the DOM)`,
      `    first render   median ${r.firstRenderMs} ms of ${r.firstRenderRunsMs.length} loads [${r.firstRenderRunsMs.join(', ')}]${mark(r.firstRenderMs, r.targetFirstRenderMs)}`,
      `    first render phases (median ms since navigation start): ${Object.entries(r.firstRenderPhasesMs).map(([k, v]) => `${k} ${v}`).join(', ')}; main-thread CPU until painted ${r.firstRenderCpuMs} ms (script ${r.firstRenderSplit.scriptMs}, style ${r.firstRenderSplit.styleMs}, layout ${r.firstRenderSplit.layoutMs}; all tasks ${r.firstRenderSplit.taskMs})`,
      `    20-task change p50 ${r.changeP50Ms} ms  p95 ${r.changeP95Ms} ms (${r.changeRuns} changes)${mark(r.changeP95Ms, r.targetChangeP95Ms)}`,
      `    main thread per change: script ${r.changeSplit.scriptMs} ms, style ${r.changeSplit.styleMs} ms, layout ${r.changeSplit.layoutMs} ms (all tasks ${r.changeSplit.taskMs} ms; CPU ${r.changeSplit.cpuMs} ms)`,
      `    floor (a bare page painting the same ${r.cardsInDom} cards, the same probe): first render median ${r.floor.firstRenderMs} ms [${r.floor.firstRenderRunsMs.join(', ')}], one-text-node change p50 ${r.floor.changeP50Ms} ms p95 ${r.floor.changeP95Ms} ms (${r.floor.changeRuns} changes)`,
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
  const main50 = results.find((r) => r.size === '50x1000') ?? results[0];
  const perSize = Object.fromEntries(results.map((r) => [r.size, { firstRenderMs: r.firstRenderMs, firstRenderCpuMs: r.firstRenderCpuMs, firstRenderSplit: r.firstRenderSplit, changeP50Ms: r.changeP50Ms, changeP95Ms: r.changeP95Ms, changeCpuMs: r.changeSplit.cpuMs, cardsInDom: r.cardsInDom, domNodes: r.domNodes, tasks: r.tasks, floorFirstRenderMs: r.floor.firstRenderMs, floorChangeP95Ms: r.floor.changeP95Ms }]));
  process.stdout.write(
    JSON.stringify({
      bench: 'board',
      engine: 'chromium',
      nodes: main50.nodes,
      tasks: main50.tasks,
      firstRenderMs: main50.firstRenderMs,
      changeP95Ms: main50.changeP95Ms,
      diffP95Ms: main50.changeP95Ms,
      floorFirstRenderMs: main50.floor.firstRenderMs,
      floorChangeP95Ms: main50.floor.changeP95Ms,
      sizes: perSize,
      loadAverage: load,
      cpus: os.cpus().length,
    }) + '\n',
  );
}

await main().catch((e: unknown) => {
  process.stderr.write(`bench board failed: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
