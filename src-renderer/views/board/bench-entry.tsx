// The board bench's renderer half (bundled by bench/board.ts and run in jsdom): mounts the Board on a
// 50-node / 1,000-task model, then times applying 20-task changes against full re-renders.
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { Board } from './Board';
import { changeTasks, makeModel } from './fixture';
import type { BoardModel } from '../../stores/cluster';

export interface BoardBenchResult {
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

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

export function runBoardBench(opts: { nodes: number; tasks: number; change: number; runs: number; warmup: number }): BoardBenchResult {
  // jsdom lays nothing out: a scroller this wide puts every column in the board's window (all cards rendered, as
  // this bench always measured; the windowed figures come from Chromium, `npm run bench -- board`)
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1_000_000 });
  Object.defineProperty(HTMLElement.prototype, 'offsetWidth', { configurable: true, get: () => 236 });
  const base = makeModel({ nodes: opts.nodes, tasks: opts.tasks, seed: 1 });
  const el = document.createElement('div');
  document.body.appendChild(el);
  const root = createRoot(el);
  const render = (m: BoardModel): number => {
    const t0 = performance.now();
    flushSync(() => root.render(<Board model={m} animate={false} />));
    return performance.now() - t0;
  };

  const firstRenderMs = render(base);
  const cards = el.querySelectorAll('[data-testid="task-card"]').length;

  // a 20-task change as the live model applies it: those tasks are new objects, the rest keep identity
  let model = base;
  const diff: number[] = [];
  for (let i = 0; i < opts.warmup + opts.runs; i++) {
    model = changeTasks(model, opts.change, 1000 + i);
    const ms = render(model);
    if (i >= opts.warmup) diff.push(ms);
  }
  // the same change where every task is a new object (a polling UI that rebuilds the model): everything re-renders
  const full: number[] = [];
  for (let i = 0; i < opts.warmup + opts.runs; i++) {
    model = changeTasks(model, opts.change, 5000 + i);
    model = { nodes: model.nodes.map((n) => ({ ...n })), services: model.services.map((s) => ({ ...s })), tasks: model.tasks.map((t) => ({ ...t })) };
    const ms = render(model);
    if (i >= opts.warmup) full.push(ms);
  }
  root.unmount();
  el.remove();
  return {
    nodes: opts.nodes,
    tasks: opts.tasks,
    cards,
    firstRenderMs,
    diffP50Ms: pct(diff, 50),
    diffP95Ms: pct(diff, 95),
    fullP50Ms: pct(full, 50),
    fullP95Ms: pct(full, 95),
    changedPerStep: opts.change,
    runs: opts.runs,
  };
}
