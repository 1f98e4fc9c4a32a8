// A service's backlog arrives task by task; shown in time order it reads like one log.
import type { LogEntry } from './ring-buffer';

type Line = Omit<LogEntry, 'seq'>;

/** RFC3339Nano drops trailing zeros ("…:05.12Z"): pad the fraction so timestamps compare as text */
export function timeKey(ts: string): string {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(.*)$/.exec(ts);
  if (!m) return ts;
  return `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}${m[3]}`;
}

/** stable sort by timestamp; when a line has none, the order is left as it came */
export function sortByTime(lines: Line[]): Line[] {
  if (lines.some((l) => !l.timestamp)) return lines;
  return lines
    .map((l, i) => ({ l, i, k: timeKey(l.timestamp as string) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i))
    .map((x) => x.l);
}

/**
 * Holds the first burst of lines, the backlog (each task's tail, sent one task after another), and hands it on
 * in time order once the burst pauses for `quietMs`, or `maxMs` after its first line for a log that never
 * pauses; every later line passes straight through. Timed from the first line, not from subscribing: a slow or
 * busy engine starts sending seconds later, and a window that had closed by then showed the backlog in the
 * order the engine copied the two streams, not in time order.
 */
export class BacklogGate {
  private held: Line[] | undefined = [];
  private first = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly out: (l: Line) => void,
    private readonly quietMs = 500,
    private readonly maxMs = 3000,
  ) {}

  push(l: Line): void {
    if (!this.held) return this.out(l);
    this.held.push(l);
    if (this.held.length === 1) this.first = Date.now();
    clearTimeout(this.timer);
    if (Date.now() - this.first >= this.maxMs) this.flush();
    else this.timer = setTimeout(() => this.flush(), this.quietMs);
  }

  /** hands on what is held, in time order; from then on lines pass through */
  flush(): void {
    clearTimeout(this.timer);
    const held = this.held;
    this.held = undefined;
    for (const l of sortByTime(held ?? [])) this.out(l);
  }

  /** drops what is held (the stream was closed) */
  dispose(): void {
    clearTimeout(this.timer);
    this.held = undefined;
  }
}
