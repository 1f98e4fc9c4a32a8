// The logs view's memory: a ring of at most `capacity` lines. When full, each new line overwrites the
// oldest one (the top of the view scrolls away, as `docker logs --tail` would have cut it); the number
// dropped is counted so the view can say so. Lines longer than `maxLineChars` keep their head and say
// how much was cut, so one runaway line cannot hold megabytes.

export type LogStream = 'stdout' | 'stderr';

export interface LogEntry {
  /** position since the stream started (0, 1, 2...), never reused: a stable React key and search anchor */
  seq: number;
  stream: LogStream;
  /** the raw text, ANSI escapes included */
  text: string;
  /** RFC3339, when the engine sent one */
  timestamp?: string;
  /** the task that wrote it (service logs), for the coloured prefix */
  taskId?: string;
  /** whole-stack logs: the line's docker prefix (service.slot.taskid@node) and its service, coloured as on the Board */
  source?: { label: string; service: string };
}

export const DEFAULT_CAPACITY = 100_000;
export const DEFAULT_MAX_LINE_CHARS = 8_192;

export class LogRing {
  private readonly slots: Array<LogEntry | undefined>;
  private start = 0;
  private count = 0;
  private next = 0;
  /** lines overwritten because the ring was full */
  dropped = 0;
  /** bumps on every change: a cheap "did anything change" for renderers */
  version = 0;

  constructor(
    readonly capacity = DEFAULT_CAPACITY,
    private readonly maxLineChars = DEFAULT_MAX_LINE_CHARS,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, not ${capacity}`);
    this.slots = new Array<LogEntry | undefined>(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** seq of the oldest line kept (the first visible one) */
  get firstSeq(): number {
    return this.next - this.count;
  }

  push(line: Omit<LogEntry, 'seq'>): LogEntry {
    const text = line.text.length > this.maxLineChars ? `${line.text.slice(0, this.maxLineChars)} … [${line.text.length - this.maxLineChars} more characters cut]` : line.text;
    const e: LogEntry = { ...line, text, seq: this.next++ };
    const i = (this.start + this.count) % this.capacity;
    this.slots[i] = e;
    if (this.count < this.capacity) this.count++;
    else {
      this.start = (this.start + 1) % this.capacity;
      this.dropped++;
    }
    this.version++;
    return e;
  }

  /** the i-th kept line, 0 = oldest */
  at(i: number): LogEntry | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.slots[(this.start + i) % this.capacity];
  }

  /** the index of a line by its seq, or -1 when it was dropped (or never existed) */
  indexOfSeq(seq: number): number {
    const i = seq - this.firstSeq;
    return i >= 0 && i < this.count ? i : -1;
  }

  clear(): void {
    this.slots.fill(undefined);
    this.start = 0;
    this.count = 0;
    this.dropped = 0;
    this.version++;
  }

  *[Symbol.iterator](): IterableIterator<LogEntry> {
    for (let i = 0; i < this.count; i++) yield this.slots[(this.start + i) % this.capacity] as LogEntry;
  }
}
