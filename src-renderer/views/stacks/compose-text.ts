// Pure readings of a compose file's text for the editor: which bundled schema fits its `version`, which
// variables it interpolates (with defaults and required ones), which files its secrets and configs read,
// and where Flotilla's diagnostics go as editor markers.
import { parseDocument, isMap, isScalar, isSeq, type Node as YamlNode } from 'yaml';

/** the bundled compose schemas (assets/compose-schemas: the docker CLI 28's 3.0 to 3.13), newest last */
export const SCHEMA_VERSIONS = ['3.0', '3.1', '3.2', '3.3', '3.4', '3.5', '3.6', '3.7', '3.8', '3.9', '3.10', '3.11', '3.12', '3.13'] as const;
export type SchemaVersion = (typeof SCHEMA_VERSIONS)[number];
export const NEWEST_SCHEMA: SchemaVersion = '3.13';

/** the file's `version:` as written at the top level, or undefined */
export function versionOf(text: string): string | undefined {
  const m = /^version:[ \t]*["']?([^"'\s#]+)/m.exec(text);
  return m?.[1];
}

/** the schema the loader validates against (core/stacks/schema.ts): exactly the file's version, the newest when absent or "3"; a version the CLI does not know (the loader refuses it) gets the newest for completion */
export function schemaFor(version: string | undefined): SchemaVersion {
  return SCHEMA_VERSIONS.find((v) => v === version) ?? NEWEST_SCHEMA;
}

export interface VariableRef {
  name: string;
  /** first line (1-based) where it is used */
  line: number;
  /** `${X:-d}` / `${X-d}` */
  defaultValue?: string;
  /** `${X:?msg}` / `${X?msg}`: the file cannot load without it */
  required?: string;
}

const REF = /\$\{([_a-zA-Z][_a-zA-Z0-9]*)(?:(:?[-?])([^}]*))?\}|\$([_a-zA-Z][_a-zA-Z0-9]*)/g;

/** variables the text interpolates, in order of first use; `$$` is an escaped dollar */
export function variableRefs(text: string): VariableRef[] {
  const out = new Map<string, VariableRef>();
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const code = raw.replace(/\$\$/g, '  ');
    if (/^\s*#/.test(code)) return;
    for (const m of code.matchAll(REF)) {
      const name = m[1] ?? m[4];
      const ref = out.get(name) ?? { name, line: i + 1 };
      if (m[2]?.endsWith('-') && ref.defaultValue === undefined) ref.defaultValue = m[3] ?? '';
      if (m[2]?.endsWith('?') && ref.required === undefined) ref.required = m[3] || `${name} is required`;
      out.set(name, ref);
    }
  });
  return [...out.values()];
}

export type VariableStatus = 'set' | 'default' | 'missing-required' | 'unset-empty';

export interface VariableRow extends VariableRef {
  value?: string;
  status: VariableStatus;
}

/** what each variable will be: the person's value, the default, or missing (required) / empty (the CLI's blank default) */
export function variableRows(refs: VariableRef[], values: Record<string, string>): VariableRow[] {
  return refs.map((r) => {
    const value = values[r.name];
    if (value !== undefined) return { ...r, value, status: 'set' };
    if (r.required !== undefined) return { ...r, status: 'missing-required' };
    if (r.defaultValue !== undefined) return { ...r, status: 'default' };
    return { ...r, status: 'unset-empty' };
  });
}

export interface FileRef {
  kind: 'secret' | 'config' | 'env_file';
  /** the secret or config key, or the service for env_file */
  key: string;
  /** the path as written */
  file: string;
  line: number;
}

/** the files the stack reads from disk: secrets' and configs' `file:` and services' `env_file` */
export function fileRefs(text: string): FileRef[] {
  let doc;
  try {
    doc = parseDocument(text, { keepSourceTokens: false });
  } catch {
    return [];
  }
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const lineOf = (n: YamlNode | null | undefined): number => {
    const off = n?.range?.[0] ?? 0;
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= off) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const out: FileRef[] = [];
  const root = doc.contents;
  if (!isMap(root)) return out;
  for (const kind of ['secret', 'config'] as const) {
    const section = root.get(`${kind}s`, true);
    if (!isMap(section)) continue;
    for (const pair of section.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!isMap(pair.value)) continue;
      const f = pair.value.get('file', true);
      if (isScalar(f) && typeof f.value === 'string') out.push({ kind, key, file: f.value, line: lineOf(f) });
    }
  }
  const services = root.get('services', true);
  if (isMap(services))
    for (const pair of services.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!isMap(pair.value)) continue;
      const ef: unknown = pair.value.get('env_file', true);
      const items: unknown[] = isScalar(ef) ? [ef] : isSeq(ef) ? ef.items : [];
      for (const it of items) if (isScalar(it) && typeof it.value === 'string') out.push({ kind: 'env_file', key, file: it.value, line: lineOf(it) });
    }
  return out;
}

export interface DiagnosticLike {
  severity: 'error' | 'warning' | 'info';
  message: string;
  line: number;
  column: number;
  path: string;
}

export interface MarkerRange {
  severity: DiagnosticLike['severity'];
  message: string;
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
  code: string;
}

/** a diagnostic as an editor range: clamped into the text, spanning the key or value that starts at its column */
export function markerRange(d: DiagnosticLike, text: string): MarkerRange {
  const lines = text.split('\n');
  const line = Math.min(Math.max(1, d.line || 1), Math.max(1, lines.length));
  const lineText = lines[line - 1] ?? '';
  let start = Math.min(Math.max(1, d.column || 1), lineText.length + 1);
  // column 1 on an indented line: start at its first non-blank character
  if (start === 1) start = (/\S/.exec(lineText)?.index ?? 0) + 1;
  const rest = lineText.slice(start - 1);
  const lead = rest.startsWith('- ') ? 2 : 0;
  const token = tokenLength(rest.slice(lead));
  let end = start + lead + token;
  if (end <= start) end = Math.max(start + 1, lineText.length + 1);
  return {
    severity: d.severity,
    message: d.message,
    startLineNumber: line,
    startColumn: start,
    endLineNumber: line,
    endColumn: end,
    code: d.path,
  };
}

/** a quoted scalar, a `key:`'s key, or a plain value up to a comment */
function tokenLength(s: string): number {
  const quoted = /^(["'])(?:\\.|(?!\1).)*\1?/.exec(s);
  if (quoted) return quoted[0].length;
  const key = /^([^\s:#][^:#]*?):(?:\s|$)/.exec(s);
  if (key) return key[1].length;
  return s.replace(/\s+#.*$/, '').trimEnd().length;
}
