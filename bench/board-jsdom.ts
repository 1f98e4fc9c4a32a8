// `npm run bench -- board-jsdom`: the unit-level regression check of the board (the real figures are `npm run bench
// -- board`, in Chromium): a 50-node / 1,000-task model (deterministic, from src-renderer/views/board/fixture.ts),
// rendered with react-dom in jsdom (no layout: every column is in the board's window). Prints the first render time
// and the p95 time to apply a 20-task change, with its ratio to a full re-render (every card redrawn).
// Runs on import (the bench dispatcher imports it) or directly once bundled.
import { runJsdomEntry } from './lib/jsdom-entry';

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

export async function benchBoard(): Promise<BoardBenchResult> {
  return runJsdomEntry('src-renderer/views/board/bench-entry.tsx', ['HTMLInputElement', 'HTMLSelectElement', 'MouseEvent', 'KeyboardEvent', 'localStorage'], (mod: BenchModule) =>
    mod.runBoardBench({ nodes: 50, tasks: 1000, change: 20, runs: Number(process.env.BENCH_RUNS ?? 100), warmup: 10 }),
  );
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
