// Listing output the way the docker CLI 28 prints it (cli/command/formatter): a table through Go's text/tabwriter
// as formatter.NewContext sets it up (tabwriter.NewWriter(out, 10, 1, 3, ' ', 0): cells padded by 3, at least 10
// wide, the last cell of a line never padded), `-q` printing one ID a line, and `--format` with `table`, `json`,
// `{{json .}}` (the row's fields as a JSON object, keys sorted as json.Marshal sorts a map) or a template of
// `{{.Field}}` / `{{json .Field}}` with `\t` between cells. Hand-written: the subset of Go templates docker's own
// help and tests use; anything else is refused with a message naming the template.
import { FlotillaError } from '../api/errors';

export type Row = Record<string, string | boolean>;

/** text/tabwriter with docker's settings: minwidth 10, padding 3, the last cell unpadded */
export function tabwrite(lines: string[][]): string {
  const cols = Math.max(0, ...lines.map((l) => l.length - 1));
  const widths = Array.from({ length: cols }, (_, i) => Math.max(10, ...lines.map((l) => (i < l.length - 1 ? [...(l[i] ?? '')].length + 3 : 0))));
  return lines.map((l) => l.map((c, i) => (i < l.length - 1 ? c + ' '.repeat(widths[i]! - [...c].length) : c)).join('') + '\n').join('');
}

/** one template action: `.Field`, `json .`, `json .Field` */
function evalAction(action: string, row: Row, template: string): string {
  const a = action.trim();
  if (a === 'json .') return goJson(Object.fromEntries(Object.keys(row).sort().map((k) => [k, row[k]])));
  const m = /^(json )?\.([A-Za-z]+)$/.exec(a);
  if (!m || !(m[2]! in row)) throw new FlotillaError('BAD_INPUT', `template parsing error: ${template}: can't evaluate {{${a}}}; fields: ${Object.keys(row).sort().join(', ')}`);
  const v = row[m[2]!]!;
  return m[1] ? goJson(v) : String(v);
}

/** json.Marshal's text: HTML characters escaped as \u003c, \u003e, \u0026 */
const goJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');

/** a Go template of the subset above, `\t` read as a tab as docker does */
function render(template: string, row: Row): string {
  return template.replace(/\\t/g, '\t').replace(/\{\{(.*?)\}\}/g, (_m, a: string) => evalAction(a, row, template));
}

export interface Listing {
  /** the table's columns: header and the row field it shows */
  columns: Array<[string, string]>;
  /** what the table prints for a row (truncated, marked); defaults to `json` */
  table: Row[];
  /** the row fields `--format` sees */
  json: Row[];
  /** what -q prints, one a line */
  ids: string[];
}

/** the text docker prints for a listing, given -q and --format */
export function formatListing(l: Listing, o: { quiet?: boolean; format?: string }): string {
  const format = o.format ?? '';
  if (o.quiet && (!format || format === 'table')) return l.ids.map((id) => `${id}\n`).join('');
  if (!format || format === 'table') return tabwrite([l.columns.map(([h]) => h), ...l.table.map((r) => l.columns.map(([, k]) => String(r[k] ?? '')))]);
  if (format === 'json' || format === '{{json .}}') return l.json.map((r) => `${evalAction('json .', r, format)}\n`).join('');
  if (format.startsWith('table ')) {
    const t = format.slice(6);
    const header = t.replace(/\{\{\s*(?:json )?\.([A-Za-z]+)\s*\}\}/g, (_m, f: string) => l.columns.find(([, k]) => k === f)?.[0] ?? f.toUpperCase());
    return tabwrite([header.replace(/\\t/g, '\t').split('\t'), ...l.json.map((r) => render(t, r).split('\t'))]);
  }
  return l.json.map((r) => `${render(format, r)}\n`).join('');
}

/** docker's --filter KEY=VALUE flags, repeatable, grouped by key */
export function parseFilters(list: string[] | undefined, allowed: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of list ?? []) {
    const i = f.indexOf('=');
    if (i < 0) throw new FlotillaError('BAD_INPUT', `bad format of filter (expected name=value)`);
    const k = f.slice(0, i).trim().toLowerCase();
    if (!allowed.includes(k)) throw new FlotillaError('BAD_INPUT', `invalid filter '${f.slice(0, i)}'`);
    (out[k] ??= []).push(f.slice(i + 1));
  }
  return out;
}

/** a label filter `KEY` or `KEY=VALUE` against labels */
export function labelMatches(labels: Record<string, string>, want: string): boolean {
  const i = want.indexOf('=');
  if (i < 0) return want in labels;
  return labels[want.slice(0, i)] === want.slice(i + 1);
}
