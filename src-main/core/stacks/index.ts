// The stacks module's entry points, for the host's stacks handlers (which the window and the CLI both call): load-or-fail, deploy with
// history, rollback, history diff.
import fs from 'node:fs';
import type Docker from 'dockerode';
import { dockerConfigText } from './docker-config';
import { FlotillaError } from '../../api/errors';
import { deployStack, type DeployEvent, type DeployResult } from './deploy';
import { hashVariables, lineDiff, listHistory, readHistory, recordDeploy, type HistoryEntry } from './history';
import { formatDiagnostic, loadStack, type LoadResult } from './loader';
import type { ComposeConfig } from './model';
import { parseEnvFile } from './normalize';
import type { ResolveImage } from './registry';
import type { ComposeSource, Diagnostic } from './types';

export { loadStack, type LoadResult } from './loader';
export type { Diagnostic, ComposeSource } from './types';
export type { DeployEvent } from './deploy';
export { planStack } from './plan';
export { removeStack, listStacks, stackTasks, stackServices } from './remove';
export type { HistoryEntry } from './history';

export interface StackFilesInput {
  files: ComposeSource[];
  variables: Record<string, string | undefined>;
  dotEnv?: boolean;
  workingDir?: string;
  /** reads the files the compose files name (env_file, secrets, configs); default: the disk. The host's attached
   * files (what a browser sends) come through here. */
  readFile?: (p: string) => Buffer;
}

export class StackLoadError extends FlotillaError {
  constructor(readonly diagnostics: Diagnostic[]) {
    const errs = diagnostics.filter((d) => d.severity === 'error');
    super('BAD_INPUT', errs.map(formatDiagnostic).join('\n') || 'the compose files could not be loaded');
  }
}

export function loadOrThrow(input: StackFilesInput, o: { forConfig?: boolean } = {}): LoadResult & { config: ComposeConfig } {
  const read = input.readFile;
  const r = loadStack({ files: input.files, env: input.variables, dotEnv: input.dotEnv, workingDir: input.workingDir, readFile: read && ((p) => read(p).toString('utf8')), forConfig: o.forConfig });
  if (!r.config) throw new StackLoadError(r.diagnostics);
  return r as LoadResult & { config: ComposeConfig };
}

/** `stack config`: the merged, interpolated model, as the same text `docker stack config` prints (docker-config.ts) */
export function renderConfig(config: ComposeConfig): string {
  return dockerConfigText(config, config.extras);
}

/** the history key of an engine: its swarm's cluster id, so every manager of one swarm shares a history */
export async function historyKey(docker: Docker): Promise<string> {
  const info = (await docker.info()) as { ID?: string; Swarm?: { Cluster?: { ID?: string } } };
  return info.Swarm?.Cluster?.ID ?? info.ID ?? 'engine';
}

export interface DeployRequest extends StackFilesInput {
  stack: string;
  prune?: boolean;
  resolveImage?: ResolveImage;
  withRegistryAuth?: boolean;
  wait?: boolean;
  signal?: AbortSignal;
  onEvent?: (e: DeployEvent) => void;
  home: string;
}

export async function deployWithHistory(docker: Docker, req: DeployRequest): Promise<DeployResult & { history: number; diagnostics: Diagnostic[] }> {
  const loaded = loadOrThrow(req);
  for (const d of loaded.diagnostics) if (d.severity === 'warning') req.onEvent?.({ type: 'warning', message: formatDiagnostic(d) });
  const result = await deployStack(docker, {
    stack: req.stack,
    config: loaded.config,
    prune: req.prune,
    resolveImage: req.resolveImage,
    withRegistryAuth: req.withRegistryAuth,
    wait: req.wait,
    readFile: req.readFile,
    signal: req.signal,
    onEvent: req.onEvent,
  });
  const entry = await recordDeploy(req.home, {
    stack: req.stack,
    engine: await historyKey(docker),
    sources: req.files.map((f) => f.file),
    contents: req.files,
    workingDir: loaded.workingDir,
    variables: loaded.variables,
    dotEnvFile: loaded.dotEnvFile,
    options: { prune: req.prune, resolveImage: req.resolveImage, withRegistryAuth: req.withRegistryAuth },
    config: loaded.config,
  });
  return { ...result, history: entry.n, diagnostics: loaded.diagnostics };
}

export async function stackHistory(docker: Docker, home: string, stack: string): Promise<HistoryEntry[]> {
  return listHistory(home, await historyKey(docker), stack);
}

/** line diff of the compose files (and variables) of two deployments */
export async function historyDiff(docker: Docker, home: string, stack: string, a: number, b: number): Promise<string> {
  const key = await historyKey(docker);
  const ha = readHistory(home, key, stack, a);
  const hb = readHistory(home, key, stack, b);
  const out: string[] = [];
  const n = Math.max(ha.contents.length, hb.contents.length);
  for (let i = 0; i < n; i++) {
    const fa = ha.contents[i];
    const fb = hb.contents[i];
    out.push(`--- ${a}: ${fa?.file ?? '(none)'}`, `+++ ${b}: ${fb?.file ?? '(none)'}`);
    out.push(...lineDiff(fa?.content ?? '', fb?.content ?? '').filter((l) => !l.startsWith('  ')));
  }
  // values are never kept: a changed value shows as a changed hash
  const vars = (e: HistoryEntry) => e.variables.map((k) => `${k} (value ${e.variableHashes[k] ?? 'unknown'})`).join('\n');
  const vd = lineDiff(vars(ha.entry), vars(hb.entry)).filter((l) => !l.startsWith('  '));
  if (vd.length) out.push('--- variables', '+++ variables', ...vd);
  return out.join('\n');
}

/**
 * The values deployment n used, from values the caller has (the window's memory, the CLI's environment) and the
 * .env file it read, each accepted only when its hash matches the one kept. History never keeps values, so a
 * variable no source can supply stops the rollback with the names to set.
 */
export function valuesForRollback(home: string, entry: HistoryEntry, offered: Record<string, string | undefined>): Record<string, string> {
  const fromDotEnv: Record<string, string> = {};
  if (entry.dotEnvFile && fs.existsSync(entry.dotEnvFile)) {
    for (const [k, v] of parseEnvFile(fs.readFileSync(entry.dotEnvFile, 'utf8'), entry.dotEnvFile, (k) => offered[k])) fromDotEnv[k] = v;
  }
  const values: Record<string, string> = {};
  const missing: string[] = [];
  const differ: string[] = [];
  for (const name of entry.variables) {
    const candidates = [offered[name], fromDotEnv[name]].filter((v): v is string => v !== undefined);
    const hit = candidates.find((v) => hashVariables(home, { [name]: v })[name] === entry.variableHashes[name]);
    if (hit !== undefined) values[name] = hit;
    else (candidates.length ? differ : missing).push(name);
  }
  if (missing.length || differ.length) {
    const parts = [
      missing.length ? `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set` : '',
      differ.length ? `${differ.join(', ')} ${differ.length === 1 ? 'has' : 'have'} a different value now` : '',
    ].filter(Boolean);
    throw new FlotillaError(
      'PRECONDITION',
      `deployment ${entry.n} of stack ${entry.stack} used ${[...missing, ...differ].join(', ')}, and Flotilla keeps only a hash of each value, never the value: ${parts.join(' and ')}; set ${missing.length + differ.length === 1 ? 'it' : 'them'} to the values deployment ${entry.n} used (the Variables panel, or the environment for the CLI) and roll back again`,
    );
  }
  return values;
}

/** redeploys the files of deployment n with its variables' values (checked against their hashes; secret/config files are read again from their paths) */
export async function rollbackStack(docker: Docker, req: { home: string; stack: string; to: number; variables?: Record<string, string | undefined>; signal?: AbortSignal; onEvent?: (e: DeployEvent) => void; wait?: boolean }) {
  const { entry, contents } = readHistory(req.home, await historyKey(docker), req.stack, req.to);
  for (const [file, sum] of Object.entries(entry.objectFiles)) {
    if (!fs.existsSync(file)) throw new FlotillaError('NOT_FOUND', `deployment ${req.to} used ${file}, which no longer exists: restore it to roll back`);
    void sum;
  }
  const variables = valuesForRollback(req.home, entry, req.variables ?? {});
  return deployWithHistory(docker, {
    home: req.home,
    stack: req.stack,
    files: contents,
    variables,
    workingDir: entry.workingDir,
    prune: true,
    resolveImage: (entry.options.resolveImage as ResolveImage | undefined) ?? 'always',
    withRegistryAuth: entry.options.withRegistryAuth,
    wait: req.wait,
    signal: req.signal,
    onEvent: req.onEvent,
  });
}
