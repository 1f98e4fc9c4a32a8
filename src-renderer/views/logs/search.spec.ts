import { describe, expect, it } from 'vitest';
import { markSegments, parseQuery } from './search';
import { parseAnsi } from './ansi';

describe('parseQuery', () => {
  it('lower-case text matches any case; capitals match exactly', () => {
    const any = parseQuery('error').matcher!;
    expect(any.ranges('Error and ERROR and error')).toEqual([
      [0, 5],
      [10, 15],
      [20, 25],
    ]);
    const exact = parseQuery('Error').matcher!;
    expect(exact.ranges('Error and error')).toEqual([[0, 5]]);
    expect(parseQuery('a.b').matcher!.test('axb')).toBe(false); // plain text, not a pattern
  });

  it('a /regex/ with flags; a bad one says why; an empty match does not loop', () => {
    expect(parseQuery('/time(out)?s?/i').matcher!.ranges('TIMEOUT then time')).toEqual([
      [0, 7],
      [13, 17],
    ]);
    expect(parseQuery('/(/').error).toMatch(/not a valid regular expression/);
    expect(parseQuery('/x*/').matcher!.ranges('aaxa')).toEqual([[2, 3]]);
    expect(parseQuery('').matcher).toBeUndefined();
  });
});

describe('markSegments', () => {
  it('cuts styled segments at the match boundaries', () => {
    const segs = parseAnsi('\x1b[31mfatal\x1b[0m: disk full');
    const m = parseQuery('al: di').matcher!;
    expect(markSegments(segs, m.ranges('fatal: disk full'))).toEqual([
      { text: 'fat', style: { fg: 1 } },
      { text: 'al', style: { fg: 1 }, mark: true },
      { text: ': di', style: {}, mark: true },
      { text: 'sk full', style: {} },
    ]);
  });
});
