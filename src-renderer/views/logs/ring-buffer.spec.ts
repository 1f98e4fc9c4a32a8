import { describe, expect, it } from 'vitest';
import { LogRing } from './ring-buffer';

const line = (text: string) => ({ stream: 'stdout' as const, text });

describe('LogRing', () => {
  it('keeps lines in order until full, then drops the oldest and counts them', () => {
    const r = new LogRing(3);
    for (const t of ['a', 'b', 'c', 'd', 'e']) r.push(line(t));
    expect([...r].map((e) => e.text)).toEqual(['c', 'd', 'e']);
    expect(r.length).toBe(3);
    expect(r.dropped).toBe(2);
    expect(r.firstSeq).toBe(2);
    expect(r.at(0)?.seq).toBe(2);
    expect(r.at(3)).toBeUndefined();
    expect(r.indexOfSeq(4)).toBe(2);
    expect(r.indexOfSeq(1)).toBe(-1);
  });

  it('holds at most its capacity after a million lines (memory is bounded)', () => {
    const r = new LogRing(1000);
    for (let i = 0; i < 1_000_000; i++) r.push(line(`line ${i}`));
    expect(r.length).toBe(1000);
    expect(r.dropped).toBe(999_000);
    expect(r.at(0)?.text).toBe('line 999000');
    expect(r.at(999)?.text).toBe('line 999999');
  });

  it('cuts a runaway line and says how much', () => {
    const r = new LogRing(2, 10);
    const e = r.push(line('x'.repeat(25)));
    expect(e.text).toBe(`${'x'.repeat(10)} … [15 more characters cut]`);
  });

  it('clear empties it and seqs keep growing (stable keys)', () => {
    const r = new LogRing(5);
    r.push(line('a'));
    r.clear();
    expect(r.length).toBe(0);
    expect(r.push(line('b')).seq).toBe(1);
    expect(() => new LogRing(0)).toThrow(/positive integer/);
  });
});
