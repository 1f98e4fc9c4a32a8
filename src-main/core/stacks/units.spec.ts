import { describe, expect, it } from 'vitest';
import { parseDuration, ramInBytes, shlexSplit, goSprint } from './units';

describe('go helpers', () => {
  it.each([
    ['10s', 10e9],
    ['1m30s', 90e9],
    ['1.5h', 5400e9],
    ['500ms', 5e8],
    ['0', 0],
    ['2us', 2000],
  ])('duration %s', (s, ns) => expect(parseDuration(s)).toBe(ns));
  it.each(['1d', '', '10', 'x'])('bad duration %s', (s) => expect(() => parseDuration(s)).toThrow());
  it.each([
    ['128M', 134217728],
    ['1.5G', 1610612736],
    ['64m', 67108864],
    ['1024', 1024],
    ['512k', 524288],
    ['1gb', 1073741824],
  ])('size %s', (s, n) => expect(ramInBytes(s)).toBe(n));
  it.each([
    ['sh -c "echo hi; sleep 1"', ['sh', '-c', 'echo hi; sleep 1']],
    ["a 'b c' d\\ e", ['a', 'b c', 'd e']],
    ['x # comment', ['x']],
    ['  ', []],
    ['a"b"c', ['abc']],
  ])('shlex %s', (s, w) => expect(shlexSplit(s)).toEqual(w));
  it.each([
    [1, '1'],
    [1.5, '1.5'],
    [true, 'true'],
    ['s', 's'],
  ])('sprint %s', (v, s) => expect(goSprint(v)).toBe(s));
});
