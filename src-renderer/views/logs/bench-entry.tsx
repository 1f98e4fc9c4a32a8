// The logs bench's renderer half (bundled by bench/logs.ts, run in jsdom): lines pushed into the ring a
// frame's worth at a time and the virtualized list rendered after each frame, against a naive view
// (every line kept in an array and every line rendered on each frame).
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import type { ReactElement } from 'react';
import { LogList, type Prefix, type RowSource } from './LogList';
import { LogRing, type LogEntry } from './ring-buffer';
import { parseAnsi } from './ansi';
import { taskTone } from './task-colours';

export interface LogsBenchResult {
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

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

const TASKS = ['q1w2e3r4t5y6u7i8o9p0asdf', 'z1x2c3v4b5n6m7l8k9j0hgfd', 'p0o9i8u7y6t5r4e3w2q1mnbv'];

/** a realistic mix: plain lines, coloured levels, and Java-style stack traces (one line per frame) on stderr */
export function makeLine(n: number): Omit<LogEntry, 'seq'> {
  const taskId = TASKS[n % TASKS.length];
  const timestamp = new Date(1_700_000_000_000 + n * 7).toISOString();
  const k = n % 40;
  if (k >= 30) return { stream: 'stderr', taskId, timestamp, text: k === 30 ? `java.lang.IllegalStateException: request ${n} failed` : `\tat com.example.service.Handler.handle(Handler.java:${100 + k})` };
  if (k % 7 === 0) return { stream: 'stdout', taskId, timestamp, text: `\x1b[33mWARN\x1b[0m slow query ${n}: SELECT * FROM orders WHERE id = ${n} took 1200ms` };
  return { stream: 'stdout', taskId, timestamp, text: `\x1b[32mINFO\x1b[0m GET /api/orders/${n} 200 ${n % 97}ms user=${n % 13}` };
}

const prefixes = new Map(TASKS.map((t, i) => [t, { label: `web.${i + 1}@node-${i + 1}`, tone: taskTone(t) } satisfies Prefix]));
const prefixOf = (e: LogEntry): Prefix | undefined => (e.taskId ? prefixes.get(e.taskId) : undefined);

/** the baseline: all lines in an array, all rendered, every frame */
function NaiveLog({ lines }: { lines: Array<Omit<LogEntry, 'seq'>> }): ReactElement {
  return (
    <div className="naive">
      {lines.map((l, i) => (
        <div key={i} className={l.stream}>
          <span>{l.timestamp}</span> <span>{l.taskId ? prefixes.get(l.taskId)?.label : ''}</span>{' '}
          {parseAnsi(l.text).map((s, j) => (
            <span key={j}>{s.text}</span>
          ))}
        </div>
      ))}
    </div>
  );
}

export function runLogsBench(opts: { lines: number; perFrame: number; capacity: number; naiveLines: number; heapMB: () => number; clock?: () => number }): LogsBenchResult {
  // CPU time of this process when given (other processes on a busy machine do not count), else wall time
  const now = opts.clock ?? (() => performance.now());
  const el = document.createElement('div');
  document.body.appendChild(el);
  const root = createRoot(el);
  const heapBeforeMB = opts.heapMB();

  // ours: ring + virtualized list, following the bottom
  const ring = new LogRing(opts.capacity);
  const rows: RowSource = {
    get count() {
      return ring.length;
    },
    entryAt: (i) => ring.at(i),
  };
  const frames: number[] = [];
  const t0 = now();
  for (let n = 0; n < opts.lines; ) {
    const f0 = now();
    for (let j = 0; j < opts.perFrame; j++) ring.push(makeLine(n++));
    flushSync(() => root.render(<LogList rows={rows} version={ring.version} follow onFollowChange={() => undefined} showTimestamps prefixOf={prefixOf} />));
    frames.push(now() - f0);
  }
  const oursSeconds = (now() - t0) / 1000;
  const oursDomRows = el.querySelectorAll('.log-row').length;
  // memory with the ring and the list still alive, after 1,000,000 lines went through
  const heapAfterMB = opts.heapMB();
  const kept = ring.length;
  root.unmount();

  // naive: keep everything, render everything
  const root2 = createRoot(el);
  const all: Array<Omit<LogEntry, 'seq'>> = [];
  const naiveFrames: number[] = [];
  const n0 = now();
  for (let n = 0; n < opts.naiveLines; ) {
    const f0 = now();
    for (let j = 0; j < opts.perFrame; j++) all.push(makeLine(n++));
    flushSync(() => root2.render(<NaiveLog lines={[...all]} />));
    naiveFrames.push(now() - f0);
  }
  const naiveSeconds = (now() - n0) / 1000;
  root2.unmount();
  el.remove();

  // the naive view's memory for the same 1,000,000 lines (data only, before any DOM): what the ring saves
  const base = opts.heapMB();
  const keep: Array<Omit<LogEntry, 'seq'>> = [];
  for (let n = 0; n < opts.lines; n++) keep.push(makeLine(n));
  const naiveHeapMB = opts.heapMB() - base;
  if (keep.length !== opts.lines) throw new Error('the naive array lost lines');

  return {
    lines: opts.lines,
    perFrame: opts.perFrame,
    capacity: opts.capacity,
    kept,
    oursSeconds,
    oursLinesPerSec: opts.lines / oursSeconds,
    oursFrameP50: pct(frames, 50),
    oursFrameP95: pct(frames, 95),
    oursFrameMax: Math.max(...frames),
    oursDomRows,
    heapAfterMB: heapAfterMB,
    heapBeforeMB,
    naiveLines: opts.naiveLines,
    naiveLinesPerSec: opts.naiveLines / naiveSeconds,
    naiveFrameP95: pct(naiveFrames, 95),
    naiveLastFrameMs: naiveFrames[naiveFrames.length - 1],
    naiveHeapMB,
  };
}
