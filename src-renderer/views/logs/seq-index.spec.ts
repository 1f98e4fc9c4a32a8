import { describe, expect, it } from 'vitest';
import { LogRing } from './ring-buffer';
import { SeqIndex } from './seq-index';

describe('SeqIndex', () => {
  it('follows the ring: new lines tested once, dropped lines trimmed', () => {
    const ring = new LogRing(5);
    const errs = new SeqIndex((e) => e.stream === 'stderr');
    for (let i = 0; i < 4; i++) ring.push({ stream: i % 2 ? 'stderr' : 'stdout', text: String(i) });
    errs.update(ring);
    expect([errs.seqAt(0), errs.seqAt(1)]).toEqual([1, 3]);
    for (let i = 4; i < 9; i++) ring.push({ stream: i % 2 ? 'stderr' : 'stdout', text: String(i) });
    errs.update(ring); // ring keeps 4..8
    expect(Array.from({ length: errs.length }, (_, i) => errs.seqAt(i))).toEqual([5, 7]);
    expect(errs.lowerBound(6)).toBe(1);
    expect(errs.lowerBound(100)).toBe(2);
  });

  it('catches up after the ring wrapped more than once between updates', () => {
    const ring = new LogRing(3);
    const all = new SeqIndex(() => true);
    all.update(ring);
    for (let i = 0; i < 10; i++) ring.push({ stream: 'stdout', text: String(i) });
    all.update(ring);
    expect(Array.from({ length: all.length }, (_, i) => all.seqAt(i))).toEqual([7, 8, 9]);
  });
});
