// Open terminal sessions by id. Ids are random UUIDs: writes and resizes name a session only a client
// that opened it has seen. A session leaves the registry when it closes, whichever side closed it.
import { randomUUID } from 'node:crypto';
import { FlotillaError } from '../../api/errors';
import type { TerminalChannel } from './channel';

export class TerminalRegistry {
  private readonly sessions = new Map<string, TerminalChannel>();

  add(ch: TerminalChannel): string {
    const id = randomUUID();
    this.sessions.set(id, ch);
    void ch.exited.then(() => this.sessions.delete(id));
    return id;
  }

  get(id: string): TerminalChannel {
    const ch = this.sessions.get(id);
    if (!ch) throw new FlotillaError('NOT_FOUND', `terminal session ${id.slice(0, 8)} is closed: open a new terminal`);
    return ch;
  }

  close(id: string): void {
    const ch = this.sessions.get(id);
    this.sessions.delete(id);
    ch?.close();
  }

  closeAll(): void {
    for (const id of [...this.sessions.keys()]) this.close(id);
  }

  get size(): number {
    return this.sessions.size;
  }
}

/**
 * Coalesces output chunks that arrive close together into one event (a `cat` of a big file would
 * otherwise be thousands of tiny messages), flushing after `delayMs` or at `maxBytes`.
 * Bytes are kept whole: a UTF-8 character split between chunks stays split only at event boundaries,
 * and the receiving side decodes as a stream.
 */
export class OutputBatcher {
  private parts: Buffer[] = [];
  private bytes = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly emit: (data: Buffer) => void,
    private readonly delayMs = 8,
    private readonly maxBytes = 64 * 1024,
  ) {}

  push(data: Buffer): void {
    let rest = data;
    while (rest.length > 0) {
      const room = this.maxBytes - this.bytes;
      const take = rest.subarray(0, room);
      this.parts.push(take);
      this.bytes += take.length;
      rest = rest.subarray(take.length);
      if (this.bytes >= this.maxBytes) this.flush();
    }
    if (this.bytes > 0 && !this.timer) this.timer = setTimeout(() => this.flush(), this.delayMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.bytes === 0) return;
    const out = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
    this.parts = [];
    this.bytes = 0;
    this.emit(out);
  }
}
