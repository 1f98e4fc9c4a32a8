// A YAML writer that prints what `docker stack config` prints: the docker CLI encodes its compose types with
// gopkg.in/yaml.v3 (indent 2, no line folding). Written by hand because no JavaScript YAML library reproduces
// yaml.v3's choices: which strings are quoted (YAML 1.1 booleans like `yes`, base-60 numbers like `22:22`, `~`),
// single against double quotes, its escapes, literal blocks with chomping hints, and its "natural" key order
// (x9 before x10, letters after other characters). Each rule below names the yaml.v3 function it follows
// (resolve.go, encode.go's stringv, emitterc.go's analyze_scalar / select_scalar_style / write_*, sorter.go).
// Only block style is produced, as docker's output never uses flow collections except `{}` and `[]`.

import { parseGoTimestamp } from './gotime';

export type GoNode =
  | { kind: 'map'; entries: Array<[string, GoNode]> }
  | { kind: 'seq'; items: GoNode[] }
  | { kind: 'str'; value: string }
  | { kind: 'int'; value: number | bigint }
  | { kind: 'float'; value: number; bits: 32 | 64 }
  | { kind: 'bool'; value: boolean }
  /** a Go time.Time: encode.go's timeMarshaler path, RFC 3339 text printed plain */
  | { kind: 'time'; value: string }
  | { kind: 'null' };

export const str = (value: string): GoNode => ({ kind: 'str', value });
export const int = (value: number | bigint): GoNode => ({ kind: 'int', value });
export const bool = (value: boolean): GoNode => ({ kind: 'bool', value });
export const nul: GoNode = { kind: 'null' };
export const seq = (items: GoNode[]): GoNode => ({ kind: 'seq', items });
/** a mapping whose entries are already in order (a Go struct's fields) */
export const struct = (entries: Array<[string, GoNode | undefined]>): GoNode => ({ kind: 'map', entries: entries.filter((e): e is [string, GoNode] => e[1] !== undefined) });
/** a Go map: yaml.v3 sorts its keys (sorter.go) */
export const gomap = (entries: Array<[string, GoNode]>): GoNode => ({ kind: 'map', entries: [...entries].sort((a, b) => (keyLess(a[0], b[0]) ? -1 : keyLess(b[0], a[0]) ? 1 : 0)) });

const isLetter = (c: string): boolean => /\p{L}/u.test(c);
const isDigit = (c: string): boolean => /\p{Nd}/u.test(c);

/** sorter.go keyList.Less for two string keys */
export function keyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
    if (al || bl) return bl;
    let an = 0;
    let bn = 0;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    // Go's int64 arithmetic on the digit runs (overflow wraps there; keys that long are not compose keys)
    for (; ai < ar.length && isDigit(ar[ai]!); ai++) an = an * 10 + (ar[ai]!.codePointAt(0)! - 48);
    for (; bi < br.length && isDigit(br[bi]!); bi++) bn = bn * 10 + (br[bi]!.codePointAt(0)! - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
  }
  return ar.length < br.length;
}

// ---- resolve.go: what a plain scalar would read back as ----

const RESOLVE_MAP = new Set(['true', 'True', 'TRUE', 'false', 'False', 'FALSE', '', '~', 'null', 'Null', 'NULL', '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '<<']);
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const OLD_BOOL = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** Go's strconv.ParseInt/ParseUint(s, 0, 64) accepting s: sign, 0x/0o/0b/leading-0 octal, underscores only after a base prefix */
function goParsesInt(s: string): boolean {
  const m = /^[-+]?(.*)$/.exec(s)!;
  const body = m[1]!;
  let digits: string;
  let re: RegExp;
  if (/^0[xX]/.test(body)) {
    digits = body.slice(2);
    re = /^_?[0-9a-fA-F]+(_[0-9a-fA-F]+)*$/;
  } else if (/^0[bB]/.test(body)) {
    digits = body.slice(2);
    re = /^_?[01]+(_[01]+)*$/;
  } else if (/^0[oO]/.test(body)) {
    digits = body.slice(2);
    re = /^_?[0-7]+(_[0-7]+)*$/;
  } else if (/^0[0-9_]/.test(body)) {
    digits = body.slice(1);
    re = /^_?[0-7]+(_[0-7]+)*$/;
  } else {
    return /^[0-9]+$/.test(body) && fitsInt64(s);
  }
  if (!re.test(digits)) return false;
  return fitsInt64(s);
}

function fitsInt64(s: string): boolean {
  try {
    const neg = s.startsWith('-');
    const v = BigInt((neg || s.startsWith('+') ? s.slice(1) : s).replace(/_/g, '').replace(/^0([0-7]+)$/, '0o$1'));
    return neg ? v <= 9223372036854775808n : v <= 18446744073709551615n;
  } catch {
    return false;
  }
}

function goParsesFloat(s: string): boolean {
  // strconv.ParseFloat accepts decimal and hex floats, inf/infinity/nan in any case, underscores only with a prefix
  if (/^[-+]?(inf|infinity|nan)$/i.test(s)) return true;
  if (/^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$/.test(s)) return true;
  return /^[-+]?0[xX]([0-9a-fA-F]+(\.[0-9a-fA-F]*)?|\.[0-9a-fA-F]+)[pP][-+]?[0-9]+$/.test(s);
}

/** whether yaml.v3 parses `YYYY-...` as a timestamp (parseTimestamp: time.Parse of its four layouts, so a date
 * that does not exist, like 2001-02-30, stays a string) */
const isTimestamp = (s: string): boolean => parseGoTimestamp(s) !== undefined;

/** resolve.go resolve("", s) === strTag */
function resolvesToString(s: string): boolean {
  const hint = s === '' ? 'N' : s[0]!;
  const isHint = s === '' || /[-+0-9yYnNtTfFoO~.]/.test(hint);
  if (!isHint) return true;
  if (RESOLVE_MAP.has(s)) return false;
  if (hint === '.') return !goParsesFloat(s);
  if (/[-+0-9]/.test(hint)) {
    if (isTimestamp(s)) return false;
    const plain = s.replace(/_/g, '');
    if (goParsesInt(plain)) return false;
    if (YAML_STYLE_FLOAT.test(plain) && goParsesFloat(plain)) return false;
    if (/^-?0b[01]+$/.test(plain) || /^-?0o[0-7]+$/.test(plain)) return false;
  }
  return true;
}

// ---- emitterc.go: scalar analysis ----

const isBreakCp = (c: number): boolean => c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029;
/** is_printable over the UTF-8 bytes, as code points (four-byte characters are not printable there) */
const isPrintableCp = (c: number): boolean => c === 0x0a || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);

interface Analysis {
  multiline: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

function analyze(value: string): Analysis {
  if (value === '') return { multiline: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  const cps = [...value].map((c) => c.codePointAt(0)!);
  let blockIndicators = value.startsWith('---') || value.startsWith('...');
  let lineBreaks = false;
  let special = false;
  let tabs = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWhitespace = true;
  let previousSpace = false;
  let previousBreak = false;
  const blank = (c: number | undefined): boolean => c === 0x20 || c === 0x09;
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i]!;
    const followedByWhitespace = i + 1 >= cps.length || blank(cps[i + 1]);
    const ch = String.fromCodePoint(c);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      else if ((ch === '?' || ch === ':') && followedByWhitespace) blockIndicators = true;
      else if (ch === '-' && followedByWhitespace) blockIndicators = true;
    } else if (ch === ':' && followedByWhitespace) blockIndicators = true;
    else if (ch === '#' && precededByWhitespace) blockIndicators = true;
    if (c === 0x09) tabs = true;
    else if (!isPrintableCp(c)) special = true;
    if (c === 0x20) {
      if (i === 0) leadingSpace = true;
      if (i === cps.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreakCp(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === cps.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = blank(c) || isBreakCp(c);
  }
  let blockPlainAllowed = true;
  let singleQuotedAllowed = true;
  let blockAllowed = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlainAllowed = false;
  if (trailingSpace) blockAllowed = false;
  if (breakSpace) blockPlainAllowed = singleQuotedAllowed = false;
  if (spaceBreak || tabs || special) blockPlainAllowed = singleQuotedAllowed = false;
  if (spaceBreak || special) blockAllowed = false;
  if (lineBreaks) blockPlainAllowed = false;
  if (blockIndicators) blockPlainAllowed = false;
  return { multiline: lineBreaks, blockPlainAllowed, singleQuotedAllowed, blockAllowed };
}

type Style = 'plain' | 'single' | 'double' | 'literal';

/** encode.go stringv (the requested style), then select_scalar_style (what the emitter allows) */
function styleOf(value: string, simpleKey: boolean): Style {
  const canUsePlain = resolvesToString(value) && !BASE60_FLOAT.test(value) && !OLD_BOOL.has(value);
  let style: Style = value.includes('\n') ? 'literal' : canUsePlain ? 'plain' : 'double';
  const a = analyze(value);
  if (simpleKey && a.multiline) style = 'double';
  if (style === 'plain') {
    if (!a.blockPlainAllowed) style = 'single';
    if (value === '' && simpleKey) style = 'single';
  }
  if (style === 'single' && !a.singleQuotedAllowed) style = 'double';
  if (style === 'literal' && (!a.blockAllowed || simpleKey)) style = 'double';
  return style;
}

const hex = (v: number, width: number): string => v.toString(16).toUpperCase().padStart(width, '0');

function doubleQuoted(value: string): string {
  let out = '"';
  for (const ch of value) {
    const c = ch.codePointAt(0)!;
    if (!isPrintableCp(c) || c === 0xfeff || isBreakCp(c) || ch === '"' || ch === '\\') {
      const named: Record<number, string> = { 0x00: '0', 0x07: 'a', 0x08: 'b', 0x09: 't', 0x0a: 'n', 0x0b: 'v', 0x0c: 'f', 0x0d: 'r', 0x1b: 'e', 0x22: '"', 0x5c: '\\', 0x85: 'N', 0xa0: '_', 0x2028: 'L', 0x2029: 'P' };
      out += '\\' + (named[c] ?? (c <= 0xff ? `x${hex(c, 2)}` : c <= 0xffff ? `u${hex(c, 4)}` : `U${hex(c, 8)}`));
    } else out += ch;
  }
  return out + '"';
}

/** the literal block: indicator, hints, then each line at `indent` (write_block_scalar_hints, write_literal_scalar) */
function literal(value: string, indent: number): string {
  const cps = [...value];
  let head = '|';
  if (cps[0] === ' ' || isBreakCp(cps[0]!.codePointAt(0)!)) head += '2';
  const last = cps.length - 1;
  const brk = (i: number): boolean => i >= 0 && isBreakCp(cps[i]!.codePointAt(0)!);
  if (!brk(last)) head += '-';
  else if (last === 0 || brk(last - 1)) head += '+';
  const pad = ' '.repeat(indent);
  let out = head;
  let breaks = true;
  for (const ch of cps) {
    if (isBreakCp(ch.codePointAt(0)!)) {
      out += '\n';
      breaks = true;
    } else {
      if (breaks) out += (out.endsWith('\n') ? '' : '\n') + pad;
      out += ch;
      breaks = false;
    }
  }
  return out;
}

function scalarText(value: string, simpleKey: boolean, indent: number): string {
  switch (styleOf(value, simpleKey)) {
    case 'plain':
      return value;
    case 'single':
      return `'${value.replace(/'/g, "''")}'`;
    case 'double':
      return doubleQuoted(value);
    case 'literal':
      return literal(value, indent);
  }
}

/** Go's strconv.FormatFloat(f, 'g', -1, bits), then yaml.v3's spellings of the infinities and NaN */
export function goFloat(f: number, bits: 32 | 64): string {
  if (Number.isNaN(f)) return '.nan';
  if (f === Infinity) return '.inf';
  if (f === -Infinity) return '-.inf';
  let digits = '';
  for (let p = 1; p <= 17; p++) {
    const s = f.toExponential(p - 1);
    if ((bits === 32 ? Math.fround(Number(s)) : Number(s)) === f) {
      digits = s;
      break;
    }
  }
  const [mant, expPart] = digits.split('e') as [string, string];
  const exp = Number(expPart);
  const ds = mant.replace('-', '').replace('.', '');
  const neg = f < 0 || Object.is(f, -0) ? '-' : '';
  if (exp < -4 || exp >= 21) {
    // %e with the shortest digits, Go writes at least two exponent digits
    const m = ds.length > 1 ? `${ds[0]}.${ds.slice(1)}` : ds;
    return `${neg}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${neg}0.${'0'.repeat(-exp - 1)}${ds}`;
  if (ds.length <= exp + 1) return `${neg}${ds}${'0'.repeat(exp + 1 - ds.length)}`;
  return `${neg}${ds.slice(0, exp + 1)}.${ds.slice(exp + 1)}`;
}

function inline(n: GoNode, indent: number): string | undefined {
  switch (n.kind) {
    case 'str':
      return scalarText(n.value, false, indent);
    case 'int':
      return String(n.value);
    case 'time':
      return n.value;
    case 'float':
      return goFloat(n.value, n.bits);
    case 'bool':
      return n.value ? 'true' : 'false';
    case 'null':
      return 'null';
    case 'map':
      return n.entries.length ? undefined : '{}';
    case 'seq':
      return n.items.length ? undefined : '[]';
  }
}

function block(n: GoNode, indent: number, out: string[], firstPrefix: string | undefined): void {
  // firstPrefix: the text already on the current line ("- " of a sequence item) for the first entry
  const pad = ' '.repeat(indent);
  if (n.kind === 'map') {
    n.entries.forEach(([k, v], i) => {
      const lead = i === 0 && firstPrefix !== undefined ? firstPrefix : pad;
      const one = inline(v, indent + 2);
      // check_simple_key: a key on one line of at most 128 bytes is written `key: value`; any other key is written
      // as an explicit `? key` line (a literal block when it has line breaks) followed by `: value`
      if (k.includes('\n') || /[\r\u0085\u2028\u2029]/.test(k) || Buffer.byteLength(k) > 128) {
        out.push(`${lead}? ${scalarText(k, false, indent + 2)}`);
        if (one !== undefined) out.push(`${pad}: ${one}`);
        else {
          out.push(`${pad}:`);
          block(v, indent + 2, out, undefined);
        }
        return;
      }
      const key = scalarText(k, true, indent);
      if (one !== undefined) out.push(`${lead}${key}: ${one}`);
      else {
        out.push(`${lead}${key}:`);
        block(v, indent + 2, out, undefined);
      }
    });
  } else if (n.kind === 'seq') {
    n.items.forEach((item, i) => {
      const lead = (i === 0 && firstPrefix !== undefined ? firstPrefix : pad) + '- ';
      const one = inline(item, indent + 2);
      if (one !== undefined) out.push(`${lead}${one}`);
      else block(item, indent + 2, out, lead);
    });
  }
}

/** the whole document, as yaml.v3's Encoder with SetIndent(2) writes it */
export function goYaml(root: GoNode): string {
  const one = inline(root, 0);
  if (one !== undefined) return `${one}\n`;
  const out: string[] = [];
  block(root, 0, out, undefined);
  return out.join('\n') + '\n';
}
