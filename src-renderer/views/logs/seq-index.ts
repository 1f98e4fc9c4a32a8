// Which lines of the ring a view shows when it filters (stderr only, matching lines only): their seqs,
// kept up to date incrementally (new lines tested once, dropped ones trimmed from the front), so
// filtering 100,000 lines costs one pass when the filter changes and nothing per frame after.
import type { LogEntry, LogRing } from './ring-buffer';

export class SeqIndex {
  private seqs: number[] = [];
  private head = 0;
  private nextSeq = 0;

  constructor(private readonly keep: (e: LogEntry) => boolean) {}

  /** brings the index up to the ring's current content */
  update(ring: LogRing): void {
    const first = ring.firstSeq;
    if (this.nextSeq < first) this.nextSeq = first;
    for (let i = ring.indexOfSeq(this.nextSeq); i >= 0 && i < ring.length; i++) {
      const e = ring.at(i) as LogEntry;
      if (this.keep(e)) this.seqs.push(e.seq);
    }
    this.nextSeq = first + ring.length;
    while (this.head < this.seqs.length && this.seqs[this.head] < first) this.head++;
    // compact now and then so the array does not grow without end
    if (this.head > 4096 && this.head * 2 > this.seqs.length) {
      this.seqs = this.seqs.slice(this.head);
      this.head = 0;
    }
  }

  get length(): number {
    return this.seqs.length - this.head;
  }

  seqAt(i: number): number {
    return this.seqs[this.head + i];
  }

  /** position of the first seq >= seq (binary search) */
  lowerBound(seq: number): number {
    let lo = this.head;
    let hi = this.seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seqs[mid] < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo - this.head;
  }
}
