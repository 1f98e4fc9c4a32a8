// Loading compose files as `docker stack deploy` does: per file parse, version, forbidden options,
// interpolation, schema, normalization; then merge; then the CLI's unsupported/deprecated warnings and the
// image check. Every finding is a Diagnostic with file, line, column and dotted path.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { interpolate, InterpolationError, type EnvMap } from './interpolate';
import { mergeConfigs } from './merge';
import type { ComposeConfig } from './model';
import { LoadError, normalizeService, normalizeTop, parseEnvFile } from './normalize';
import { timestampsAsDocker, timestampsForSchema, TimestampError } from './gotime';
import { chooseSchema, composeVersion, validateSchema } from './schema';
import { isDict, type ComposeSource, type Diagnostic, type Dict, type Json, type Position } from './types';
import { budgetError, cpuClock, parseYaml, positionOf, YAML_LIMITS } from './yaml';

export const FORBIDDEN: Record<string, string> = {
  extends: 'Support for `extends` is not implemented yet.',
  volume_driver: 'Instead of setting the volume driver on the service, define a volume using the top-level `volumes` option and specify the driver there.',
  volumes_from: 'To share a volume between services, define it using the top-level `volumes` option and reference it from each service that shares it using the service-level `volumes` option.',
  cpu_quota: 'Set resource limits using deploy.resources',
  cpu_shares: 'Set resource limits using deploy.resources',
  cpuset: 'Set resource limits using deploy.resources',
  mem_limit: 'Set resource limits using deploy.resources',
  memswap_limit: 'Set resource limits using deploy.resources',
};
export const UNSUPPORTED = ['build', 'cgroupns_mode', 'cgroup_parent', 'devices', 'domainname', 'external_links', 'ipc', 'links', 'mac_address', 'network_mode', 'pid', 'privileged', 'restart', 'security_opt', 'shm_size', 'userns_mode'];
export const DEPRECATED: Record<string, string> = {
  container_name: 'Setting the container name is not supported.',
  expose: 'Exposing ports is unnecessary - services on the same network can access each other\'s containers on any port.',
};

export interface LoadOptions {
  files: ComposeSource[];
  /** variables for interpolation (the CLI passes its process environment) */
  env: EnvMap;
  /** defaults to the directory of the first file (cwd for stdin, named "-") */
  workingDir?: string;
  /** read `.env` beside the first file into the variables (the docker CLI never does) */
  dotEnv?: boolean;
  skipInterpolation?: boolean;
  home?: string;
  readFile?: (p: string) => string;
  /** CPU milliseconds the load may take (default YAML_LIMITS.budgetMs); past it the load ends with an error */
  budgetMs?: number;
  /** for `stack config`, which prints what docker prints: a service without an image is docker's deploy-time error,
   * not a load error, so it is not reported (deploy, plan and the editor keep the check) */
  forConfig?: boolean;
}

export interface LoadResult {
  config?: ComposeConfig;
  /** the merged, interpolated dicts (what `stack config` prints) */
  dict?: Dict;
  diagnostics: Diagnostic[];
  version?: string;
  /** the .env file read, when asked for and present */
  dotEnvFile?: string;
  /** variables the files refer to, with the values used (unset ones omitted) */
  variables: Record<string, string>;
  workingDir: string;
}

interface FileState {
  src: ComposeSource;
  positions: Map<string, Position>;
  raw: Dict;
}

const VAR_REF = /\$(?:\{([_a-z][_a-z0-9]*)|([_a-z][_a-z0-9]*))/gi;

function collectVars(v: Json, out: Set<string>): void {
  if (typeof v === 'string') for (const m of v.replace(/\$\$/g, '').matchAll(VAR_REF)) out.add(m[1] ?? m[2]);
  else if (Array.isArray(v)) v.forEach((x) => collectVars(x, out));
  else if (isDict(v)) Object.values(v).forEach((x) => collectVars(x, out));
}

export function loadStack(opts: LoadOptions): LoadResult {
  const budgetMs = opts.budgetMs ?? YAML_LIMITS.budgetMs;
  const deadline = cpuClock() + budgetMs;
  const first = opts.files[0];
  const workingDir = opts.workingDir ?? (first && first.file !== '-' ? path.dirname(path.resolve(first.file)) : process.cwd());
  const readFile = opts.readFile ?? ((p: string) => fs.readFileSync(p, 'utf8'));
  const diagnostics: Diagnostic[] = [];
  const result: LoadResult = { diagnostics, variables: {}, workingDir };
  const env: EnvMap = { ...opts.env };
  if (opts.dotEnv) {
    const file = path.join(workingDir, '.env');
    let text: string | undefined;
    try {
      text = readFile(file);
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      for (const [k, v] of parseEnvFile(text, file, (k) => opts.env[k])) if (env[k] === undefined) env[k] = v;
      result.dotEnvFile = file;
      diagnostics.push({ severity: 'info', message: `variables read from ${file} (--dotenv)`, file, line: 1, column: 1, path: '' });
    }
  }
  if (!opts.files.length) {
    diagnostics.push({ severity: 'error', message: 'no compose file given: pass one with -c FILE', file: '', line: 1, column: 1, path: '' });
    return result;
  }

  const states: FileState[] = [];
  const configs: ComposeConfig[] = [];
  const dicts: Dict[] = [];
  let version: string | undefined;
  const used = new Set<string>();
  for (const src of opts.files) {
    const at = (p: string, positions: Map<string, Position>, severity: Diagnostic['severity'], message: string) => {
      const pos = positionOf(positions, p);
      diagnostics.push({ severity, message, file: src.file, line: pos.line, column: pos.column, path: p });
    };
    const overBudget = (): boolean => {
      if (cpuClock() <= deadline) return false;
      diagnostics.push({ severity: 'error', message: budgetError(budgetMs), file: src.file, line: 1, column: 1, path: '' });
      return true;
    };
    const parsed = parseYaml(src.content, { deadline, budgetMs });
    if (parsed.error) {
      diagnostics.push({ severity: 'error', message: `yaml: line ${parsed.error.line}: ${parsed.error.message}`, file: src.file, line: parsed.error.line, column: parsed.error.column, path: '' });
      return result;
    }
    const positions = parsed.positions;
    if (!isDict(parsed.value)) {
      at('', positions, 'error', 'top-level object must be a mapping');
      return result;
    }
    const raw = parsed.value;
    const v = composeVersion(raw);
    if (version === undefined) version = v;
    else if (v !== version) {
      at('version', positions, 'error', `version mismatched between two composefiles : ${version} and ${v}: use the same version: in every file`);
      return result;
    }
    // forbidden options (raw dict)
    const forbidden: Array<[string, string]> = [];
    for (const [svc, def] of Object.entries(isDict(raw.services) ? raw.services : {})) {
      if (!isDict(def)) continue;
      for (const key of Object.keys(def)) if (key in FORBIDDEN) forbidden.push([`services.${svc}.${key}`, key]);
    }
    if (forbidden.length) {
      const keys = [...new Set(forbidden.map(([, k]) => k))].sort();
      const msg = `compose file contains unsupported options:\n\n${keys.map((k) => `${k}: ${FORBIDDEN[k]}\n`).join('\n')}`;
      for (const [p, k] of forbidden) at(p, positions, 'error', `${p}: ${k} is not supported by stack deploy: ${FORBIDDEN[k]}`);
      void msg;
      return result;
    }
    collectVars(raw, used);
    let dict: Dict = raw;
    if (!opts.skipInterpolation) {
      try {
        dict = interpolate(raw, env) as Dict;
      } catch (e) {
        if (e instanceof InterpolationError) at(e.path, positions, 'error', `${e.message}: set the variable or escape the $`);
        else at('', positions, 'error', (e as Error).message);
        return result;
      }
    }
    if (overBudget()) return result;
    let choice;
    try {
      choice = chooseSchema(v);
    } catch (e) {
      at('version', positions, 'error', `${(e as Error).message}: use a version from 3.0 to 3.13, or leave version out`);
      return result;
    }
    // docker validates a JSON encoding of the dict, and Go's JSON encoder refuses infinities and NaN
    const nonFinite = findNonFinite(dict, '');
    if (nonFinite) {
      const v = Number.isNaN(nonFinite.value) ? 'NaN' : nonFinite.value > 0 ? '+Inf' : '-Inf';
      at(nonFinite.path, positions, 'error', `json: unsupported value: ${v}: quote it to make it a string (docker reads .inf and .nan as numbers it cannot use)`);
      return result;
    }
    // docker's YAML reader makes a Go time.Time of an unquoted 2001-12-14 (gotime.ts); a map key that is one
    // cannot be encoded as JSON for the schema check
    if (parsed.timestampKey) {
      at(parsed.timestampKey, positions, 'error', `json: unsupported type: map[interface {}]interface {}: docker reads the key ${parsed.timestampKey.split('.').pop()} as a YAML timestamp; quote it`);
      return result;
    }
    const stamps = parsed.timestamps ?? [];
    timestampsForSchema(dict, stamps);
    const err = validateSchema(dict, choice.used);
    if (overBudget()) return result;
    if (err) {
      at(err.at, positions, 'error', `${err.message}${hint(err.message)}`);
      return result;
    }
    try {
      timestampsAsDocker(dict, stamps);
    } catch (e) {
      if (!(e instanceof TimestampError)) throw e;
      at(e.path, positions, 'error', e.message);
      return result;
    }
    const ctx = {
      workingDir,
      env,
      home: opts.home ?? os.homedir(),
      readFile,
      warn: (message: string, p: string) => at(p, positions, 'warning', message),
    };
    try {
      const top = normalizeTop(dict, v, ctx);
      const services = Object.entries(isDict(dict.services) ? dict.services : {}).map(([name, def]) => normalizeService(name, isDict(def) ? def : {}, ctx));
      configs.push({ version: v, services, ...top });
    } catch (e) {
      if (e instanceof LoadError) at(e.path, positions, 'error', e.message);
      else at('', positions, 'error', (e as Error).message);
      return result;
    }
    if (overBudget()) return result;
    states.push({ src, positions, raw });
    dicts.push(dict);
  }
  result.version = version;
  for (const name of [...used].sort()) if (env[name] !== undefined) result.variables[name] = env[name] as string;
  const config = mergeConfigs(configs);

  // the CLI's warnings, computed on the raw dicts
  const unsupported = new Map<string, [FileState, string]>();
  const deprecated = new Map<string, [FileState, string]>();
  for (const st of states) {
    for (const [svc, def] of Object.entries(isDict(st.raw.services) ? st.raw.services : {})) {
      if (!isDict(def)) continue;
      for (const key of Object.keys(def)) {
        if (UNSUPPORTED.includes(key) && !unsupported.has(key)) unsupported.set(key, [st, `services.${svc}.${key}`]);
        if (key in DEPRECATED && !deprecated.has(key)) deprecated.set(key, [st, `services.${svc}.${key}`]);
      }
    }
  }
  for (const [key, [st, p]] of unsupported) {
    const pos = positionOf(st.positions, p);
    diagnostics.push({ severity: 'warning', message: `Ignoring unsupported options: ${key}: stack deploy does not use it; remove it or move the setting under deploy:`, file: st.src.file, line: pos.line, column: pos.column, path: p });
  }
  for (const [key, [st, p]] of deprecated) {
    const pos = positionOf(st.positions, p);
    diagnostics.push({ severity: 'warning', message: `Ignoring deprecated options: ${key}: ${DEPRECATED[key]}`, file: st.src.file, line: pos.line, column: pos.column, path: p });
  }
  // every service needs an image (to deploy; docker's `stack config` prints a service without one)
  for (const s of opts.forConfig ? [] : config.services) {
    if (!s.image) {
      const st = [...states].reverse().find((x) => isDict(x.raw.services) && x.raw.services[s.name] !== undefined) ?? states[0];
      const pos = positionOf(st.positions, `services.${s.name}`);
      diagnostics.push({ severity: 'error', message: `invalid image reference for service ${s.name}: no image specified: add image: to the service`, file: st.src.file, line: pos.line, column: pos.column, path: `services.${s.name}.image` });
    }
  }
  if (diagnostics.some((d) => d.severity === 'error')) return result;
  result.config = config;
  result.dict = dicts.length === 1 ? dicts[0] : Object.assign({}, ...dicts);
  return result;
}

/** the first number that is not finite (YAML .inf, -.inf, .nan), with its dotted path */
function findNonFinite(v: Json, p: string): { path: string; value: number } | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : { path: p, value: v };
  const entries: Array<[string, Json]> = Array.isArray(v) ? v.map((x, i) => [String(i), x]) : isDict(v) ? Object.entries(v) : [];
  for (const [k, x] of entries) {
    const hit = findNonFinite(x, p ? `${p}.${k}` : k);
    if (hit) return hit;
  }
  return undefined;
}

function hint(message: string): string {
  if (/must be a string$/.test(message) && /\.(cpus|memory)$/.test(message.split(' ')[0])) return ': quote the value, e.g. "0.5"';
  if (/^version must be a string/.test(message)) return ': quote it, e.g. version: "3.8"';
  if (/Additional property (\S+) is not allowed/.test(message)) return ': remove it or check its spelling and indentation';
  if (/must be a (list|mapping)/.test(message)) return ': check the indentation and the - list markers';
  if (/must be a boolean/.test(message)) return ': use true or false';
  if (/must be a integer/.test(message)) return ': use a whole number without quotes';
  if (/Does not match format 'duration'/.test(message)) return ': use a Go duration such as 10s, 1m30s or 2h';
  return '';
}

/** The first error as one line `file:line:column: message`, for the CLI. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.message}`;
}
