// The logs as a text file: the lines given (ANSI escapes removed), one line each with its time (unless
// timestamps are off), task and stream, the way `docker service logs [--timestamps]` prints them.
import type { LogEntry } from './ring-buffer';
import { stripAnsi } from './ansi';

export function logText(entries: Iterable<LogEntry>, prefixOf?: (e: LogEntry) => string | undefined, opts: { timestamps?: boolean } = {}): string {
  const out: string[] = [];
  const withTime = opts.timestamps !== false;
  for (const e of entries) {
    const prefix = prefixOf?.(e);
    out.push(`${withTime && e.timestamp ? `${e.timestamp} ` : ''}${prefix ? `${prefix} ` : ''}${e.stream === 'stderr' ? '[stderr] ' : ''}${stripAnsi(e.text)}`);
  }
  return out.join('\n') + (out.length ? '\n' : '');
}

export function downloadText(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
