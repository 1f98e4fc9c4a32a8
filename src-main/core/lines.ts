// A byte stream split into lines, each held to at most `max` bytes: a peer that never sends a newline (a container
// printing megabytes without one, a runaway event) cannot make a reader hold more. The rest of an over-long line is
// counted, dropped, and named by a marker at the end of what was kept.
export const cutMarker = (bytes: number): string => `… [cut: ${bytes} bytes]`;

/** how much of `buf` ends on a whole UTF-8 character (a cut can fall inside one) */
function wholeUtf8(buf: Buffer): number {
  let i = buf.length - 1;
  let cont = 0;
  while (i >= 0 && cont < 3 && (buf[i] & 0xc0) === 0x80) {
    i--;
    cont++;
  }
  if (i < 0) return buf.length;
  const b = buf[i];
  const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
  return i + need > buf.length ? i : buf.length;
}

export class BoundedLines {
  private parts: Buffer[] = [];
  private size = 0;
  private dropped = 0;

  /** onLine gets each line without its newline (with the cut marker when it was cut) and how many bytes were cut */
  constructor(
    private readonly max: number,
    private readonly onLine: (line: string, cutBytes: number) => void,
  ) {}

  push(data: Buffer): void {
    let off = 0;
    while (off < data.length) {
      const nl = data.indexOf(0x0a, off);
      this.keep(data.subarray(off, nl < 0 ? data.length : nl));
      if (nl < 0) return;
      this.emit();
      off = nl + 1;
    }
  }

  /** the unfinished last line, if any, as a line */
  flush(): void {
    if (this.size || this.dropped) this.emit();
  }

  /** bytes held right now (never more than max) */
  held(): number {
    return this.size;
  }

  private keep(piece: Buffer): void {
    const room = this.max - this.size;
    if (piece.length <= room) {
      if (piece.length) this.parts.push(piece);
      this.size += piece.length;
      return;
    }
    // copied: a subarray would keep the whole (possibly huge) chunk alive
    if (room > 0) this.parts.push(Buffer.from(piece.subarray(0, room)));
    this.size += Math.max(room, 0);
    this.dropped += piece.length - Math.max(room, 0);
  }

  private emit(): void {
    let buf = Buffer.concat(this.parts, this.size);
    let cut = this.dropped;
    if (cut) {
      const whole = wholeUtf8(buf);
      cut += buf.length - whole;
      buf = buf.subarray(0, whole);
    }
    this.parts = [];
    this.size = 0;
    this.dropped = 0;
    this.onLine(cut ? buf.toString('utf8') + cutMarker(cut) : buf.toString('utf8'), cut);
  }
}
