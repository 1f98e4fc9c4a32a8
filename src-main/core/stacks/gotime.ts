// YAML timestamps as the docker CLI reads them. Its YAML decoder (gopkg.in/yaml.v3, resolve.go parseTimestamp)
// turns a plain scalar like `2001-12-14` or `2001-12-14T21:59:43.10-05:00` into a Go time.Time, and the compose
// loader then meets a time.Time where it expects a string (docker/cli cli/compose/loader/loader.go):
//  - the JSON schema check sees json.Marshal's form, RFC 3339 with nanoseconds ("2001-12-14T00:00:00Z");
//  - mapping values (labels, environment, options, sysctls, extra_hosts, build args) go through fmt.Sprint, which
//    gives time.Time.String(): "2001-12-14 00:00:00 +0000 UTC";
//  - extension values (x-...) stay a time.Time, which yaml.v3 prints unquoted as RFC 3339 with nanoseconds;
//  - anywhere else mapstructure refuses it ("'Image' expected type 'string', got unconvertible type 'time.Time'").
// Flotilla's YAML reader (YAML 1.2 core) keeps such scalars as strings; yaml.ts records where they are and the
// loader applies the rules above. Hand-written: a port of Go's time.Parse for exactly yaml.v3's four layouts.
import type { Dict, Json } from './types';
import { isDict } from './types';

export interface GoTime {
  /** time.Time.Format(time.RFC3339Nano): what json.Marshal and yaml.v3 print */
  rfc3339: string;
  /** time.Time.String(): what fmt.Sprint prints */
  text: string;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const daysIn = (month: number, year: number): number => (month === 2 ? ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31);

// yaml.v3 allowedTimestampFormats: "2006-1-2T15:4:5.999999999Z07:00", "2006-1-2t15:4:5.999999999Z07:00",
// "2006-1-2 15:4:5.999999999", "2006-1-2". time.Parse takes 1 or 2 digits where the layout has 1, a fraction
// after the seconds with `.` or `,` and any number of digits (nanoseconds kept), and Z or ±hh:mm for Z07:00.
const LAYOUT = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:([Tt])(\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,](\d+))?(Z|[+-]\d{2}:\d{2}))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,](\d+))?))?$/;

/** the time.Time yaml.v3 makes of a plain scalar, or undefined when it stays a string */
export function parseGoTimestamp(s: string): GoTime | undefined {
  const m = LAYOUT.exec(s);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const hour = Number(m[5] ?? m[10] ?? 0);
  const min = Number(m[6] ?? m[11] ?? 0);
  const sec = Number(m[7] ?? m[12] ?? 0);
  const frac = m[8] ?? m[13] ?? '';
  const zone = m[9];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour > 23 || min > 59 || sec > 59) return undefined;
  let offset = 0;
  if (zone && zone !== 'Z') {
    const [hh, mm] = [Number(zone.slice(1, 3)), Number(zone.slice(4, 6))];
    if (hh > 24 || mm > 59) return undefined;
    offset = (zone.startsWith('-') ? -1 : 1) * (hh * 60 + mm);
  }
  // the ".999999999" layouts: trailing zeros dropped, nothing when zero
  const nanos = frac.slice(0, 9).padEnd(9, '0').replace(/0+$/, '');
  const f = nanos ? `.${nanos}` : '';
  const clock = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
  const time = `${pad(hour)}:${pad(min)}:${pad(sec)}${f}`;
  const sign = offset < 0 ? '-' : '+';
  const a = Math.abs(offset);
  // a zero offset is Local, which is UTC where the docker CLI runs in a container or CI; other offsets are a
  // fabricated zone with no name, which Go prints as the offset again
  const zoneName = offset === 0 ? 'UTC' : `${sign}${pad(Math.floor(a / 60))}${pad(a % 60)}`;
  return {
    rfc3339: `${clock}T${time}${offset === 0 ? 'Z' : `${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`}`,
    text: `${clock} ${time} ${sign}${pad(Math.floor(a / 60))}${pad(a % 60)} ${zoneName}`,
  };
}

/** Where a timestamp scalar sits: its dotted path (for messages) and its keys (to reach it). */
export interface TimestampAt {
  path: string;
  keys: Array<string | number>;
  time: GoTime;
}

// Extension values carry their time.Time to the printer in a string no YAML or JSON file can hold as plain text
// (a NUL is not printable; a quoted "\0" would still need this exact prefix and an RFC 3339 time after it).
const TIME_MARK = '\u0000go-time:';
export const markedTime = (v: unknown): string | undefined => (typeof v === 'string' && v.startsWith(TIME_MARK) ? v.slice(TIME_MARK.length) : undefined);

// mapping fields the loader turns into map[string]string with fmt.Sprint (loader.go transformMappingOrListFunc,
// transformStringToStringMap, toServiceExtraHosts, build args/labels): the dotted shape below services.NAME or
// networks/volumes/secrets/configs.NAME, then one key
const SPRINT_MAPS = new Set(['environment', 'labels', 'deploy.labels', 'logging.options', 'sysctls', 'extra_hosts', 'build.args', 'build.labels', 'driver_opts']);

function at(dict: Json, keys: Array<string | number>): { parent: Dict | Json[]; key: string | number } | undefined {
  let cur: Json = dict;
  for (const k of keys.slice(0, -1)) {
    if (Array.isArray(cur) && typeof k === 'number') cur = cur[k] ?? null;
    else if (isDict(cur)) cur = cur[String(k)] ?? null;
    else return undefined;
  }
  if (!Array.isArray(cur) && !isDict(cur)) return undefined;
  return { parent: cur, key: keys[keys.length - 1]! };
}

function set(dict: Json, keys: Array<string | number>, value: string): void {
  const p = at(dict, keys);
  if (!p) return;
  if (Array.isArray(p.parent)) p.parent[p.key as number] = value;
  else p.parent[String(p.key)] = value;
}

/** What the schema check sees: each timestamp as json.Marshal writes a time.Time. Changes `dict` in place. */
export function timestampsForSchema(dict: Json, stamps: TimestampAt[]): void {
  for (const s of stamps) set(dict, s.keys, s.time.rfc3339);
}

export class TimestampError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * After the schema check: each timestamp as the loader's decoding leaves it (fmt.Sprint in mappings, kept in
 * extensions) or the refusal mapstructure gives anywhere else. Changes `dict` in place.
 */
export function timestampsAsDocker(dict: Json, stamps: TimestampAt[]): void {
  for (const s of stamps) {
    const keys = s.keys.map(String);
    if (keys.some((k) => k.startsWith('x-'))) {
      set(dict, s.keys, TIME_MARK + s.time.rfc3339);
      continue;
    }
    const inSection = ['services', 'networks', 'volumes', 'secrets', 'configs'].includes(keys[0]!) && keys.length >= 4;
    const shape = keys.slice(2, -1).join('.');
    if (inSection && SPRINT_MAPS.has(shape) && typeof s.keys[s.keys.length - 1] === 'string') {
      set(dict, s.keys, s.time.text);
      continue;
    }
    throw new TimestampError(s.path, `${s.path}: expected type 'string', got unconvertible type 'time.Time', value: '${s.time.text}': docker reads this unquoted value as a YAML timestamp; quote it to keep it a string`);
  }
}
