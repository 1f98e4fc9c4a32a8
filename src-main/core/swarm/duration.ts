// Go-style durations ("10s", "1m30s", "500ms", "2h") and byte sizes ("512m", "1g") as the docker CLI takes them.
import { FlotillaError } from '../../api/errors';

const UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Parses a duration to nanoseconds. */
export function parseDuration(v: string, flag = 'duration'): number {
  const s = v.trim();
  // time.ParseDuration: a number needs its unit, except 0
  if (/^[-+]?\d+(\.\d+)?$/.test(s) && Number(s) !== 0) throw new FlotillaError('BAD_INPUT', `invalid ${flag} "${v}": time: missing unit in duration "${v}"; add a unit, e.g. ${s}s`);
  if (/^[-+]?0+(\.0+)?$/.test(s)) return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(s))) {
    total += Number(m[1]) * UNITS[m[2]];
    consumed = re.lastIndex;
  }
  if (consumed !== s.length || s.length === 0) throw new FlotillaError('BAD_INPUT', `invalid ${flag} "${v}": expected a duration like 10s, 1m30s or 500ms`);
  return Math.round(total);
}

/** Parses a byte size ("512m", "1g", "1024", "64k", "1.5GiB") to bytes. */
export function parseBytes(v: string, flag = 'size'): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?$/i.exec(v.trim());
  if (!m) throw new FlotillaError('BAD_INPUT', `invalid ${flag} "${v}": expected a size like 512m or 1g`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.round(Number(m[1]) * mult);
}
