import { describe, expect, it } from 'vitest';
import { BoundedLines, cutMarker } from './lines';

function run(max: number, chunks: Array<string | Buffer>, flush = true): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  const b = new BoundedLines(max, (l, cut) => out.push([l, cut]));
  for (const c of chunks) {
    b.push(Buffer.isBuffer(c) ? c : Buffer.from(c, 'utf8'));
    expect(b.held()).toBeLessThanOrEqual(max);
  }
  if (flush) b.flush();
  return out;
}

describe('BoundedLines', () => {
  it('splits on newlines across chunks and keeps short lines whole', () => {
    expect(run(10, ['ab', 'c\nde', 'f\n\n', 'g'])).toEqual([
      ['abc', 0],
      ['def', 0],
      ['', 0],
      ['g', 0],
    ]);
    expect(run(10, ['x\n'], true)).toEqual([['x', 0]]);
  });

  it('cuts a long line at max bytes, counts what it dropped, and marks it', () => {
    expect(run(4, ['abcdefgh', 'ij\nok\n'])).toEqual([
      [`abcd${cutMarker(6)}`, 6],
      ['ok', 0],
    ]);
    expect(cutMarker(1234567)).toBe('… [cut: 1234567 bytes]');
  });

  it('an unfinished line at the end (no newline ever) is flushed with its marker', () => {
    expect(run(3, ['abcdef'])).toEqual([[`abc${cutMarker(3)}`, 3]]);
    expect(run(3, ['abcdef'], false)).toEqual([]);
  });

  it('never cuts inside a UTF-8 character: a partial one goes into the cut count', () => {
    // "é" is 2 bytes, "€" 3: a cap of 4 falls inside the €
    const [[line, cut]] = run(4, ['aé€b\n']);
    expect(line).toBe(`aé${cutMarker(4)}`);
    expect(cut).toBe(4);
    // a character split across chunks is kept whole when it fits
    const euro = Buffer.from('€');
    expect(run(10, [euro.subarray(0, 1), euro.subarray(1), '\n'])).toEqual([['€', 0]]);
  });
});
