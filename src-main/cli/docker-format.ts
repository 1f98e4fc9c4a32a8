// Listing output the way the docker CLI 28 prints it (cli/command/formatter): a table through Go's text/tabwriter
// as formatter.NewContext sets it up (tabwriter.NewWriter(out, 10, 1, 3, ' ', 0): cells padded by 3, at least 10
// wide, the last cell of a line never padded), `-q` printing one ID a line, and `--format` with `table`, `json`,
// `{{json .}}` (the row's fields as a JSON object, keys sorted as json.Marshal sorts a map) or a template of
// `{{.Field}}` / `{{json .Field}}` and docker's string functions (upper, lower, title, truncate, pad). The format is
// read as Context.preFormat reads it: a leading `table` makes a table (with or without a space after it), `json`
// means `{{json .}}`, spaces around are trimmed, and `\t` / `\n` are a tab and a newline. Hand-written: the subset of Go templates docker's own help and tests use; a field the row lacks and
// an unclosed action get Go's own error text, any other template construct is refused naming the action.
import { FlotillaError } from '../api/errors';

export type Row = Record<string, string | boolean>;

/** text/tabwriter with docker's settings: minwidth 10, padding 3, the last cell unpadded */
export function tabwrite(lines: string[][]): string {
  const cols = Math.max(0, ...lines.map((l) => l.length - 1));
  const widths = Array.from({ length: cols }, (_, i) => Math.max(10, ...lines.map((l) => (i < l.length - 1 ? [...(l[i] ?? '')].length + 3 : 0))));
  return lines.map((l) => l.map((c, i) => (i < l.length - 1 ? c + ' '.repeat(widths[i]! - [...c].length) : c)).join('') + '\n').join('');
}

/** json.Marshal's text: HTML characters escaped as \u003c, \u003e, \u0026 */
const goJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');

const sortedJson = (row: Row): string => goJson(Object.fromEntries(Object.keys(row).sort().map((k) => [k, row[k]])));

/** Go's template error position `LINE:COL` of byte offset `at` (COL counts bytes from the line's start, from 0) */
function position(text: string, at: number): string {
  const before = text.slice(0, at);
  const nl = before.lastIndexOf('\n');
  return `${before.split('\n').length}:${Buffer.byteLength(before.slice(nl + 1))}`;
}

interface Action {
  /** where the action's text (after `{{`) starts in the template */
  at: number;
  text: string;
}

/** the template split into literal text and actions; an action without `}}` is Go's "unclosed action" */
function parse(template: string): Array<string | Action> {
  const parts: Array<string | Action> = [];
  let i = 0;
  for (;;) {
    const open = template.indexOf('{{', i);
    if (open < 0) {
      parts.push(template.slice(i));
      return parts;
    }
    const close = template.indexOf('}}', open + 2);
    if (close < 0) throw new FlotillaError('BAD_INPUT', `template parsing error: template: :${template.slice(0, open).split('\n').length}: unclosed action`);
    parts.push(template.slice(i, open), { at: open + 2, text: template.slice(open + 2, close) });
    i = close + 2;
  }
}

/** strings.Title: the first letter of each word in capitals (a word starts after a character that is not a letter, digit or _) */
const goTitle = (v: string): string => v.replace(/(^|[^\p{L}\p{N}_\p{M}])(\p{Ll})/gu, (_m, sep: string, c: string) => sep + c.toUpperCase());

/** docker's template functions (templates.basicFunctions) on strings; `header` gives HeaderFunctions' (the header kept, pad applied) */
const FUNCTIONS: Record<string, { args: Array<'string' | 'int'>; run: (v: string, n: number[], header: boolean) => string }> = {
  upper: { args: ['string'], run: (v, _n, h) => (h ? v : v.toUpperCase()) },
  lower: { args: ['string'], run: (v, _n, h) => (h ? v : v.toLowerCase()) },
  title: { args: ['string'], run: (v, _n, h) => (h ? v : goTitle(v)) },
  truncate: { args: ['string', 'int'], run: (v, n, h) => (h || Buffer.byteLength(v) < n[0]! ? v : Buffer.from(v).subarray(0, n[0]).toString()) },
  pad: { args: ['string', 'int', 'int'], run: (v, n) => (v === '' ? v : ' '.repeat(n[0]!) + v + ' '.repeat(n[1]!)) },
};

/**
 * one action: `.Field`, `json .`, `json .Field`, or one of FUNCTIONS over a field (`truncate .ID 5`); `goType`
 * names the row in Go's error, as docker's context type. With `header`, the row is the columns' headers.
 */
function evalAction(a: Action, row: Row, template: string, goType: string, header = false): string {
  const text = a.text.trim();
  const refuse = (): never => {
    throw new FlotillaError('BAD_INPUT', `flotilla's --format reads {{.Field}}, {{json .}}, {{json .Field}} and {{upper|lower|title .Field}}, {{truncate .Field N}}, {{pad .Field N M}} only; it cannot run {{${a.text}}} in ${JSON.stringify(template)} (fields: ${Object.keys(row).sort().join(', ')})`);
  };
  // json.Marshal of the row (its MarshalJSON): keys sorted, HTML characters escaped
  if (text === 'json .') return header ? '' : sortedJson(row);
  const words = text.split(/\s+/);
  const m = /^\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(words.length === 1 ? words[0]! : (words[1] ?? ''));
  if (!m) return refuse();
  const field = m[1]!;
  if (!(field in row)) {
    const at = a.at + a.text.indexOf(`.${field}`);
    throw new FlotillaError('BAD_INPUT', `template parsing error: template: :${position(template, at)}: executing "" at <.${field}>: can't evaluate field ${field} in type *${goType}`);
  }
  const v = row[field]!;
  if (words.length === 1) return String(v);
  const fn = words[0]!;
  // the json function encodes without HTML escapes (SetEscapeHTML(false)); the header keeps the column's name
  if (fn === 'json' && words.length === 2) return header ? String(v) : JSON.stringify(v);
  const f = FUNCTIONS[fn];
  const nums = words.slice(2).map((w) => (/^-?\d+$/.test(w) ? Number(w) : NaN));
  if (!f || f.args.length !== words.length - 1 || nums.some((n) => Number.isNaN(n)) || typeof v !== 'string') return refuse();
  return f.run(v, nums, header);
}

function render(parts: Array<string | Action>, row: Row, template: string, goType: string): string {
  return parts.map((p) => (typeof p === 'string' ? p : evalAction(p, row, template, goType))).join('');
}

/** Context.preFormat: `table` stripped, `json` as `{{json .}}`, spaces trimmed, `\t` and `\n` made real */
function preFormat(format: string): { table: boolean; template: string } {
  const table = format.startsWith('table');
  const t = table ? format.slice(5) : format === 'json' ? '{{json .}}' : format;
  return { table, template: t.replace(/^ +| +$/g, '').replace(/\\t|\\n/g, (s) => (s === '\\t' ? '\t' : '\n')) };
}

export interface Listing {
  /** the table's columns: header and the row field it shows */
  columns: Array<[string, string]>;
  /** what the default table prints for a row (truncated, marked) */
  table: Row[];
  /** the row fields a non-table `--format` sees */
  json: Row[];
  /** the row fields a `table TEMPLATE` sees; defaults to `json` */
  tableTemplate?: Row[];
  /** what -q prints, one a line */
  ids: string[];
  /** the Go type docker's template errors name (`task.taskContext`) */
  goType?: string;
}

/** the text docker prints for a listing, given -q and --format */
export function formatListing(l: Listing, o: { quiet?: boolean; format?: string }): string {
  const format = o.format ?? '';
  const goType = l.goType ?? 'formatter.Context';
  if (o.quiet && (!format || format === 'table')) return l.ids.map((id) => `${id}\n`).join('');
  if (!format || format === 'table') return tabwrite([l.columns.map(([h]) => h), ...l.table.map((r) => l.columns.map(([, k]) => String(r[k] ?? '')))]);
  const { table, template } = preFormat(format);
  const parts = parse(template);
  if (table) {
    const rows = (l.tableTemplate ?? l.json).map((r) => render(parts, r, template, goType));
    // the header line is the same template run over the columns' headers (a field no column shows: its name in capitals)
    const headers: Row = Object.fromEntries(Object.keys(l.json[0] ?? Object.fromEntries(l.columns.map(([, k]) => [k, '']))).map((k) => [k, l.columns.find(([, c]) => c === k)?.[0] ?? k.toUpperCase()]));
    const header = parts.map((p) => (typeof p === 'string' ? p : evalAction(p, headers, template, goType, true))).join('');
    return tabwrite([header, ...rows].flatMap((line) => line.split('\n')).map((line) => line.split('\t')));
  }
  return l.json.map((r) => `${render(parts, r, template, goType)}\n`).join('');
}

/**
 * docker's --filter flag (opts.FilterOpt, filters.ParseFlag): KEY=VALUE, the key lowercased, both trimmed, a value
 * given twice kept once, an empty flag ignored. With `allowed`, other keys are refused as the daemon refuses them.
 */
export function parseFilters(list: string[] | undefined, allowed?: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of list ?? []) {
    if (f === '') continue;
    const i = f.indexOf('=');
    if (i < 0) throw new FlotillaError('BAD_INPUT', `invalid argument "${f}" for "-f, --filter" flag: bad format of filter (expected name=value)`);
    const k = f.slice(0, i).trim().toLowerCase();
    const v = f.slice(i + 1).trim();
    // the daemon's words (it sees the key lowercased): `Error response from daemon: Invalid filter 'bogus'`
    if (allowed && !allowed.includes(k)) throw new FlotillaError('BAD_INPUT', `Invalid filter '${k}'`);
    const vals = (out[k] ??= []);
    if (!vals.includes(v)) vals.push(v);
  }
  return out;
}

/** a label filter `KEY` or `KEY=VALUE` against labels */
export function labelMatches(labels: Record<string, string>, want: string): boolean {
  const i = want.indexOf('=');
  if (i < 0) return want in labels;
  return labels[want.slice(0, i)] === want.slice(i + 1);
}
