// `service ps` / `stack ps` output as docker CLI 28 prints it (cli/command/task/print.go and formatter.go): task names
// SERVICE.SLOT (SERVICE.NODEID for global services), sorted by name in natural order and newest first within a slot,
// older tasks of a slot marked ` \_ ` in table formats; truncation (12-character IDs, the image without its digest
// when it has a tag, errors cut at 30 columns with `…`) unless --no-trunc; CURRENT STATE as "Running 5 minutes ago"
// (go-units HumanDuration, lowercased). The JSON fields are the context's methods: CurrentState, DesiredState, Error,
// ID, Image, Name, Node, Ports.
import type { PsTask } from '../api/domains/swarm';
import type { Listing, Row } from './docker-format';

export interface TaskData {
  tasks: PsTask[];
  services: Record<string, string>;
  nodes: Record<string, string>;
}

export interface TaskPrintOptions {
  trunc: boolean;
  /** --no-resolve: service and node IDs in place of their names */
  resolve: boolean;
  format?: string;
  /** the time ages are counted to (ms) */
  now?: number;
}

/** fvbommel/sortorder.NaturalLess: digit runs compared as numbers (fewer leading zeros first), the rest bytewise */
export function naturalLess(a: string, b: string): boolean {
  const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const d1 = isDigit(a[i]);
    const d2 = isDigit(b[j]);
    if (d1 !== d2) return d1;
    if (!d1) {
      if (a[i] !== b[j]) return a[i]! < b[j]!;
      i++;
      j++;
      continue;
    }
    while (i < a.length && a[i] === '0') i++;
    while (j < b.length && b[j] === '0') j++;
    const [s1, s2] = [i, j];
    while (isDigit(a[i])) i++;
    while (isDigit(b[j])) j++;
    if (i - s1 !== j - s2) return i - s1 < j - s2;
    const [n1, n2] = [a.slice(s1, i), b.slice(s2, j)];
    if (n1 !== n2) return n1 < n2;
    if (s1 !== s2) return s1 < s2;
  }
  return a.length < b.length;
}

/** go-units HumanDuration (v0.5) */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(ms / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(ms / 3_600_000 / 24 / 365)} years`;
}

/** formatter.Ellipsis for a width: the first width-1 columns and `…` (wide East Asian characters count two) */
export function ellipsis(s: string, width: number): string {
  const chars = [...s];
  const w = (c: string): number => (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]/u.test(c) ? 2 : 1);
  if (chars.reduce((n, c) => n + w(c), 0) <= width) return s;
  let used = 0;
  let out = '';
  for (const c of chars) {
    if (used + w(c) > width - 1) break;
    used += w(c);
    out += c;
  }
  return `${out}…`;
}

/** formatter.PrettyPrint: the first letter in capitals, the rest lower case */
export const prettyPrint = (s: string): string => (s.length <= 1 ? s.toLowerCase() : s[0]!.toUpperCase() + s.slice(1).toLowerCase());

/**
 * taskContext.Image with truncation: a reference with a tag printed as its familiar NAME:TAG (digest dropped,
 * docker.io/library/ left out); one without a tag, or that reference.ParseNormalizedNamed refuses, printed whole.
 */
export function displayImage(image: string): string {
  const name = image.split('@')[0]!;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon <= slash) return image;
  const [repo, tag] = [name.slice(0, colon), name.slice(colon + 1)];
  if (!/^[\w][\w.-]{0,127}$/.test(tag)) return image;
  const first = repo.indexOf('/');
  const head = first < 0 ? '' : repo.slice(0, first);
  const isDomain = first >= 0 && (/[.:]/.test(head) || head === 'localhost' || head.toLowerCase() !== head);
  let domain = isDomain ? head : 'docker.io';
  let path = isDomain ? repo.slice(first + 1) : repo;
  if (domain === 'index.docker.io') domain = 'docker.io';
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(path)) return image;
  if (domain !== 'docker.io') return `${domain}/${path}:${tag}`;
  if (path.startsWith('library/') && !path.slice(8).includes('/')) path = path.slice(8);
  return `${path}:${tag}`;
}

/** an RFC 3339 time with up to nanoseconds, as a comparable string (fractions padded to 9 digits) */
const sortableTime = (t: string): string => t.replace(/(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/, (_m, f: string | undefined, z: string) => `.${(f ?? '').padEnd(9, '0')}${z}`);

const COLUMNS: Array<[string, string]> = [
  ['ID', 'ID'],
  ['NAME', 'Name'],
  ['IMAGE', 'Image'],
  ['NODE', 'Node'],
  ['DESIRED STATE', 'DesiredState'],
  ['CURRENT STATE', 'CurrentState'],
  ['ERROR', 'Error'],
  ['PORTS', 'Ports'],
];

/** docker's `raw` format for tasks (newTaskFormat) */
export const rawTaskFormat = (quiet: boolean): string =>
  quiet ? 'id: {{.ID}}' : 'id: {{.ID}}\\nname: {{.Name}}\\nimage: {{.Image}}\\nnode: {{.Node}}\\ndesired_state: {{.DesiredState}}\\ncurrent_state: {{.CurrentState}}\\nerror: {{.Error}}\\nports: {{.Ports}}\\n';

/** the listing task.Print writes, for formatListing */
export function taskListing(data: TaskData, o: TaskPrintOptions): Listing {
  const now = o.now ?? Date.now();
  const named = data.tasks.map((t) => {
    const svc = o.resolve ? (data.services[t.serviceId] ?? t.serviceId) : t.serviceId;
    return { t, name: t.slot !== 0 ? `${svc}.${t.slot}` : `${svc}.${t.nodeId}` };
  });
  // sort.Stable: by name, then the newest first
  const sorted = named
    .map((x, i) => ({ ...x, i, created: sortableTime(x.t.createdAt) }))
    .sort((a, b) => (a.name !== b.name ? (naturalLess(a.name, b.name) ? -1 : naturalLess(b.name, a.name) ? 1 : a.i - b.i) : a.created !== b.created ? (a.created > b.created ? -1 : 1) : a.i - b.i));
  const rows: Row[] = sorted.map(({ t, name }) => {
    const err = o.trunc ? ellipsis(t.error, 30) : t.error;
    return {
      CurrentState: `${prettyPrint(t.state)} ${humanDuration(now - Date.parse(t.timestamp)).toLowerCase()} ago`,
      DesiredState: prettyPrint(t.desiredState),
      Error: err ? `"${err}"` : '',
      ID: o.trunc ? t.id.slice(t.id.indexOf(':') + 1, t.id.indexOf(':') + 13) : t.id,
      Image: o.trunc ? displayImage(t.image) : t.image,
      Name: name,
      Node: !t.nodeId ? '' : o.resolve ? (data.nodes[t.nodeId] ?? t.nodeId) : t.nodeId,
      Ports: t.ports.map((p) => `*:${p.published}->${p.target}/${p.protocol}`).join(','),
    };
  });
  // the ` \_ ` of older tasks of a slot: in table formats only
  const indented = rows.map((r, i) => (i > 0 && rows[i - 1]!.Name === r.Name ? { ...r, Name: ` \\_ ${String(r.Name)}` } : r));
  return { columns: COLUMNS, table: indented, tableTemplate: indented, json: rows, ids: rows.map((r) => String(r.ID)), goType: 'task.taskContext' };
}
