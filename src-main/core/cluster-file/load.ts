// A cluster file from its text: YAML through the compose loader's parser (the same limits, and a position for every
// dotted path), then the contract's zod schema, then what a schema cannot say (a node that is not one of the file's
// machines, an option the driver does not have). Every problem is a Diagnostic with its line and column, formatted
// as the compose loader's are (`file:line:column: message`).
import type { z } from 'zod';
import { ClusterFile } from '../../api/domains/cluster';
import { FlotillaError } from '../../api/errors';
import { swarmMachineNames } from '../machines/one-click';
import { formatDiagnostic } from '../stacks/loader';
import type { Diagnostic, Position } from '../stacks/types';
import { ramInBytes } from '../stacks/units';
import { parseYaml, positionOf } from '../stacks/yaml';

export interface LoadedClusterFile {
  spec: ClusterFile;
  /** every machine the file names, managers first */
  managers: string[];
  workers: string[];
  memoryMb?: number;
  diskGb?: number;
}

export interface ClusterLoadResult {
  loaded?: LoadedClusterFile;
  diagnostics: Diagnostic[];
}

/** the dotted path of a zod issue (`machines.workers`, `nodes.cc-w1.labels`) */
function dotted(path: ReadonlyArray<PropertyKey>): string {
  return path.map(String).join('.');
}

function issueMessage(issue: z.core.$ZodIssue): string {
  const at = dotted(issue.path) || 'the file';
  if (issue.code === 'unrecognized_keys') return `${at}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')} (known: see assets/cluster-file.schema.json)`;
  if (issue.code === 'invalid_type') {
    const got = /received (\w+)$/.exec(issue.message)?.[1];
    if (got === 'undefined') return `${at} is required`;
    const want = issue.expected === 'record' || issue.expected === 'object' ? 'a mapping' : issue.expected === 'array' ? 'a list' : `a ${issue.expected}`;
    return `${at} must be ${want}${got ? `, not a ${got === 'object' ? 'mapping' : got}` : ''}`;
  }
  if (issue.code === 'invalid_union') return `${at}: ${issue.errors.flat()[0]?.message ?? issue.message}`;
  return `${at}: ${issue.message}`;
}

/** options: the driver's option flags, when the driver is known here (an unknown driver is refused by name) */
export interface LoadOptions {
  driverOptions?: (driver: string) => string[] | undefined;
}

export function loadClusterFile(file: string, content: string, o: LoadOptions = {}): ClusterLoadResult {
  const diagnostics: Diagnostic[] = [];
  const parsed = parseYaml(content);
  const err = (pos: Position, p: string, message: string): void => {
    diagnostics.push({ severity: 'error', message, file, line: pos.line, column: pos.column, path: p });
  };
  if (parsed.error) {
    err(parsed.error, '', `yaml: line ${parsed.error.line}: ${parsed.error.message}`);
    return { diagnostics };
  }
  const at = (p: string): Position => positionOf(parsed.positions, p);
  const r = ClusterFile.safeParse(parsed.value ?? {});
  if (!r.success) {
    for (const issue of r.error.issues) {
      // an unknown key is positioned at the key itself
      const p = issue.code === 'unrecognized_keys' && issue.keys.length ? dotted([...issue.path, issue.keys[0]!]) : dotted(issue.path);
      err(at(p), p, issueMessage(issue));
    }
    return { diagnostics };
  }
  const spec = r.data;
  const names = swarmMachineNames(spec.name, spec.machines.managers, spec.machines.workers);
  const all = [...names.managers, ...names.workers];
  for (const node of Object.keys(spec.nodes ?? {})) {
    if (!all.includes(node)) err(at(`nodes.${node}`), `nodes.${node}`, `nodes.${node}: no machine ${node} in this file: its machines are ${all.join(', ')}`);
  }
  const driver = spec.machines.driver;
  const known = driver ? o.driverOptions?.(driver) : undefined;
  if (driver && o.driverOptions && !known) err(at('machines.driver'), 'machines.driver', `machines.driver: no driver ${driver}: use container, qemu, virtualbox, hyperv or generic`);
  if (known) {
    for (const k of Object.keys(spec.machines.options ?? {})) {
      if (!known.includes(k)) err(at(`machines.options.${k}`), `machines.options.${k}`, `machines.options.${k}: the ${driver} driver has no option ${k} (its options: ${known.join(', ') || 'none'})`);
    }
  }
  const size = (p: 'memory' | 'disk', unit: number): number | undefined => {
    const v = spec.machines[p];
    if (v === undefined) return undefined;
    const bytes = typeof v === 'number' ? v : ramInBytes(v.replace(/\s+/g, ''));
    const n = Math.round(bytes / unit);
    if (n < 1) err(at(`machines.${p}`), `machines.${p}`, `machines.${p}: ${v} is less than 1 ${unit === 2 ** 20 ? 'MB' : 'GB'}: write it with a unit, e.g. ${p === 'memory' ? '2g' : '20g'}`);
    return n;
  };
  const memoryMb = size('memory', 2 ** 20);
  const diskGb = size('disk', 2 ** 30);
  if (diagnostics.length) return { diagnostics };
  return { loaded: { spec, ...names, memoryMb, diskGb }, diagnostics };
}

export class ClusterFileError extends FlotillaError {
  constructor(readonly diagnostics: Diagnostic[]) {
    super('BAD_INPUT', diagnostics.map(formatDiagnostic).join('\n') || 'the cluster file could not be loaded');
  }
}

export function loadClusterFileOrThrow(file: string, content: string, o: LoadOptions = {}): LoadedClusterFile {
  const r = loadClusterFile(file, content, o);
  if (!r.loaded) throw new ClusterFileError(r.diagnostics);
  return r.loaded;
}
