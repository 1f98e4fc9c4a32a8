// Small ports of Go helpers the CLI relies on: time.ParseDuration, units.RAMInBytes, google/shlex, fmt.Sprint.

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go time.ParseDuration, in integer nanoseconds. */
export function parseDuration(s: string): number {
  const m = /^([-+]?)(.*)$/.exec(s.trim());
  const body = m ? m[2] : '';
  if (body === '0') return 0;
  const re = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  let hit: RegExpExecArray | null;
  while ((hit = re.exec(body))) {
    total += Number(hit[1]) * UNIT_NS[hit[2]];
    consumed = re.lastIndex;
  }
  if (!body || consumed !== body.length) throw new Error(`time: invalid duration "${s}"`);
  return Math.round(m?.[1] === '-' ? -total : total);
}

/** docker/go-units RAMInBytes (parseSize with binary multiples): `1.5G` = 1610612736, `2gb` and `1KiB` are taken,
 * `256Mi` is an invalid suffix, a negative or digit-less size is an invalid size; the messages are go-units' own. */
export function ramInBytes(sizeStr: string): number {
  let sep = -1;
  for (let i = sizeStr.length - 1; i >= 0; i--) {
    if ('01234567890. '.includes(sizeStr[i]!)) {
      sep = i;
      break;
    }
  }
  if (sep === -1) throw new Error(`invalid size: '${sizeStr}'`);
  const num = sizeStr[sep] === ' ' ? sizeStr.slice(0, sep) : sizeStr.slice(0, sep + 1);
  let sfx = sizeStr.slice(sep + 1);
  // strconv.ParseFloat: a decimal number, nothing else
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(num)) throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(num)}: invalid syntax`);
  let size = Number(num);
  if (size < 0) throw new Error(`invalid size: '${sizeStr}'`);
  if (!sfx) return Math.trunc(size);
  const bad = (): Error => new Error(`invalid suffix: '${sfx}'`);
  if (sfx.length > 3) throw bad();
  sfx = sfx.toLowerCase();
  if (sfx[0] === 'b') {
    if (sfx.length > 1) throw bad();
    return Math.trunc(size);
  }
  const mult: Record<string, number> = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50 };
  const mul = mult[sfx[0]!];
  if (mul === undefined) throw bad();
  size *= mul;
  if ((sfx.length === 2 && sfx[1] !== 'b') || (sfx.length === 3 && sfx.slice(1) !== 'ib')) throw bad();
  return Math.trunc(size);
}

/** google/shlex Split: POSIX-ish words, quotes, backslash escapes, `#` comments. */
export function shlexSplit(s: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      i++;
    } else if (c === '#' && !inWord) {
      while (i < s.length && s[i] !== '\n') i++;
    } else if (c === "'") {
      inWord = true;
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw new Error('EOF found when expecting closing quote');
      cur += s.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      inWord = true;
      i++;
      for (;;) {
        if (i >= s.length) throw new Error('EOF found when expecting closing quote');
        const d = s[i];
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\\' && i + 1 < s.length && '"\\$`\n'.includes(s[i + 1])) {
          if (s[i + 1] !== '\n') cur += s[i + 1];
          i += 2;
          continue;
        }
        cur += d;
        i++;
      }
    } else if (c === '\\') {
      inWord = true;
      if (i + 1 >= s.length) throw new Error('EOF found after escape character');
      if (s[i + 1] !== '\n') cur += s[i + 1];
      i += 2;
    } else {
      inWord = true;
      cur += c;
      i++;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/** fmt.Sprint of a YAML scalar, as mapstructure turns map values into strings. */
export function goSprint(v: unknown): string {
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Math.abs(v) < 1e21) return String(v);
    // %v of float64 is strconv 'g' with the shortest representation
    const exp = v === 0 ? 0 : Math.floor(Math.log10(Math.abs(v)));
    const digits = String(Math.abs(v)).replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').length;
    if (exp < -4 || exp >= Math.max(digits, 21)) {
      const [mant, e] = v.toExponential().split('e');
      const n = Number(e);
      return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
    }
    return String(v);
  }
  if (v === null || v === undefined) return '';
  return String(v);
}
