import { describe, expect, it } from 'vitest';
import { parseAnsi, stripAnsi, xterm256 } from './ansi';

describe('parseAnsi', () => {
  it('plain text is one plain segment', () => {
    expect(parseAnsi('hello')).toEqual([{ text: 'hello', style: {} }]);
    expect(parseAnsi('')).toEqual([]);
  });

  it('basic, bright, 256 and true colours, bold, and reset', () => {
    const segs = parseAnsi('\x1b[31mred\x1b[0m plain \x1b[1;92mbold green\x1b[39m bold\x1b[0m \x1b[38;5;196mx\x1b[48;2;1;2;3my\x1b[m');
    expect(segs).toEqual([
      { text: 'red', style: { fg: 1 } },
      { text: ' plain ', style: {} },
      { text: 'bold green', style: { bold: true, fg: 10 } },
      { text: ' bold', style: { bold: true } },
      { text: ' ', style: {} },
      { text: 'x', style: { fg: 'rgb(255,0,0)' } },
      { text: 'y', style: { fg: 'rgb(255,0,0)', bg: 'rgb(1,2,3)' } },
    ]);
  });

  it('drops cursor moves and OSC titles, keeps the text', () => {
    expect(parseAnsi('\x1b[2K\x1b[1Gprogress \x1b]0;title\x07done')).toEqual([
      { text: 'progress ', style: {} },
      { text: 'done', style: {} },
    ]);
    expect(stripAnsi('\x1b[33mWARN\x1b[0m disk')).toBe('WARN disk');
    expect(stripAnsi('no escapes')).toBe('no escapes');
  });

  it('the 256-colour cube and grey ramp', () => {
    expect(xterm256(4)).toBe(4);
    expect(xterm256(16)).toBe('rgb(0,0,0)');
    expect(xterm256(231)).toBe('rgb(255,255,255)');
    expect(xterm256(232)).toBe('rgb(8,8,8)');
  });
});
