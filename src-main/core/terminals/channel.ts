// What every kind of terminal looks like to the host: bytes in, bytes out, a size, an end.
export interface TerminalExit {
  /** -1 when the channel closed without an exit status */
  code: number;
  signal?: string;
}

export interface TerminalChannel {
  /** where it is, for the tab title ("root@wb-m1", "web.1 on wb-w1") */
  readonly title: string;
  write(data: Buffer): void;
  resize(cols: number, rows: number): Promise<void>;
  /** ends the channel and releases what it holds (SSH connection, hijacked exec stream); idempotent */
  close(): void;
  /** output bytes, as they come (a UTF-8 character may be split between two calls) */
  onData(cb: (data: Buffer) => void): void;
  /** settles once, when the program ends or the channel closes */
  readonly exited: Promise<TerminalExit>;
}

export interface TerminalSize {
  cols: number;
  rows: number;
}

export const TERM = 'xterm-256color';
