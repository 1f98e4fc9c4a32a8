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
