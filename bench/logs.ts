// `npm run bench -- logs`: the Logs view's ring buffer + virtualized list, rendered with react-dom in
// jsdom (production React). 1,000,000 lines (plain, ANSI-coloured, stack traces on stderr) go in 1,000 per
// frame; printed: lines per second, time per frame (responsive = well under 16 ms), DOM rows, and the heap
// after the million lines; against a naive view measured in the same run (every line kept in an array
// and re-rendered each frame), on fewer lines because it slows down with every line it keeps.
// Options: BENCH_LINES (1000000), BENCH_PER_FRAME (1000), BENCH_NAIVE_LINES (10000).
import v8 from 'node:v8';
import vm from 'node:vm';
import { runJsdomEntry } from './lib/jsdom-entry';

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
  return runJsdomEntry('src-renderer/views/logs/bench-entry.tsx', [], (mod: BenchModule) =>
    mod.runLogsBench({
      lines: Number(process.env.BENCH_LINES ?? 1_000_000),
      perFrame: Number(process.env.BENCH_PER_FRAME ?? 1000),
      capacity: 100_000,
      naiveLines: Number(process.env.BENCH_NAIVE_LINES ?? 10_000),
      heapMB: heapMeter(),
      clock: cpuClock,
    }),
  );
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
