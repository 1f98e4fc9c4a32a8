// Lines into the ring as they arrive, and one notification per animation frame at most: a burst of
// 10,000 lines is one re-render, not 10,000.
import { LogRing, type LogEntry } from './ring-buffer';

export class LogFeed {
  readonly ring: LogRing;
  private listeners = new Set<() => void>();
  private scheduled = false;

  constructor(capacity?: number) {
    this.ring = new LogRing(capacity);
  }

  push(line: Omit<LogEntry, 'seq'>): void {
    this.ring.push(line);
    this.schedule();
  }

  clear(): void {
    this.ring.clear();
    this.schedule();
  }

  onChange(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const run = (): void => {
      this.scheduled = false;
      for (const l of this.listeners) l();
    };
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(run);
    else setTimeout(run, 16);
  }
}
