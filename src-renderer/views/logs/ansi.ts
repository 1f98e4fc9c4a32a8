// ANSI SGR colours in log lines, for display: text split into styled segments. Other escape sequences
// (cursor moves, OSC titles) are dropped; a log line is not a screen.

export interface AnsiStyle {
  /** a CSS colour, or a palette index 0-15 (drawn with the theme's --ansi-N variables) */
  fg?: string | number;
  bg?: string | number;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
  inverse?: boolean;
}

export interface AnsiSegment {
  text: string;
  style: AnsiStyle;
}

// CSI (ESC [ params final), OSC (ESC ] ... BEL or ESC \), and two-character escapes
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[([0-?]*)[ -/]*([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]/g;

/** 256-colour palette entry 16-255 as a CSS colour (0-15 stay indexes, so the theme decides them) */
export function xterm256(n: number): string | number {
  if (n < 16) return n;
  if (n < 232) {
    const v = n - 16;
    const c = (x: number): number => (x === 0 ? 0 : 55 + x * 40);
    return `rgb(${c(Math.floor(v / 36))},${c(Math.floor(v / 6) % 6)},${c(v % 6)})`;
  }
  const g = 8 + (n - 232) * 10;
  return `rgb(${g},${g},${g})`;
}

function applySgr(params: string, st: AnsiStyle): AnsiStyle {
  const ps = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  let s = { ...st };
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i];
    if (p === 0) s = {};
    else if (p === 1) s.bold = true;
    else if (p === 2) s.dim = true;
    else if (p === 3) s.italic = true;
    else if (p === 4) s.underline = true;
    else if (p === 7) s.inverse = true;
    else if (p === 22) s.bold = s.dim = undefined;
    else if (p === 23) s.italic = undefined;
    else if (p === 24) s.underline = undefined;
    else if (p === 27) s.inverse = undefined;
    else if (p >= 30 && p <= 37) s.fg = p - 30;
    else if (p >= 90 && p <= 97) s.fg = p - 90 + 8;
    else if (p === 39) s.fg = undefined;
    else if (p >= 40 && p <= 47) s.bg = p - 40;
    else if (p >= 100 && p <= 107) s.bg = p - 100 + 8;
    else if (p === 49) s.bg = undefined;
    else if (p === 38 || p === 48) {
      let colour: string | number | undefined;
      if (ps[i + 1] === 5 && ps[i + 2] !== undefined) {
        colour = xterm256(ps[i + 2]);
        i += 2;
      } else if (ps[i + 1] === 2 && ps[i + 4] !== undefined) {
        colour = `rgb(${ps[i + 2]},${ps[i + 3]},${ps[i + 4]})`;
        i += 4;
      }
      if (colour !== undefined) {
        if (p === 38) s.fg = colour;
        else s.bg = colour;
      }
    }
  }
  for (const k of Object.keys(s) as Array<keyof AnsiStyle>) if (s[k] === undefined) delete s[k];
  return s;
}

/** Splits a line into styled segments (empty style = plain). A line without ESC is one segment, fast. */
export function parseAnsi(line: string): AnsiSegment[] {
  if (!line.includes('\x1b')) return line ? [{ text: line, style: {} }] : [];
  const out: AnsiSegment[] = [];
  let style: AnsiStyle = {};
  let last = 0;
  ESCAPES.lastIndex = 0;
  for (let m = ESCAPES.exec(line); m; m = ESCAPES.exec(line)) {
    if (m.index > last) out.push({ text: line.slice(last, m.index), style });
    if (m[2] === 'm') style = applySgr(m[1], style);
    last = ESCAPES.lastIndex;
  }
  if (last < line.length) out.push({ text: line.slice(last), style });
  return out;
}

/** The text without any escape sequence (for search and download as plain text). */
export function stripAnsi(line: string): string {
  return line.includes('\x1b') ? line.replace(ESCAPES, '') : line;
}
