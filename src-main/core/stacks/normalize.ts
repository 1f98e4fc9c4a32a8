// The normalization from a validated compose dict to the loaded model (model.ts): short syntaxes expanded,
// relative paths resolved, env files read.
import { isIP } from 'node:net';
import path from 'node:path';
import { goSprint, ramInBytes, shlexSplit } from './units';
import { isDict, type Dict, type Json } from './types';
import type { PortConfig, MountConfig, FileRef, ServiceNetwork, UpdateConfig, DeployConfig, ServiceConfig, NetworkConfig, VolumeConfig, FileObjectConfig, ComposeConfig } from './model';

export interface NormalizeContext {
  workingDir: string;
  env: Record<string, string | undefined>;
  home: string;
  readFile: (p: string) => string;
  /** collects warnings: (message, dotted path) */
  warn: (message: string, path: string) => void;
}

export class LoadError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

export function toStringMap(v: Json | undefined, sep = '='): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (Array.isArray(v)) {
    for (const item of v) {
      const s = String(item);
      const i = s.indexOf(sep);
      if (i < 0) out[s] = null;
      else out[s.slice(0, i)] = s.slice(i + 1);
    }
  } else if (isDict(v)) {
    for (const [k, val] of Object.entries(v)) out[k] = val === null ? null : goSprint(val);
  }
  return out;
}

export function labelsOf(v: Json | undefined): Record<string, string> {
  const m = toStringMap(v);
  return Object.fromEntries(Object.entries(m).map(([k, val]) => [k, val ?? '']));
}

function strList(v: Json | undefined): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map(String);
  return [String(v)];
}

/** docker/go-connections nat.ParsePortSpec + ConvertPortToPortConfig. */
export function parseShortPort(spec: string, warn: (m: string) => void): PortConfig[] {
  let rest = spec;
  let proto = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    proto = rest.slice(slash + 1).toLowerCase();
    rest = rest.slice(0, slash);
  }
  let ip = '';
  let host = '';
  let container = rest;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon >= 0) {
    container = rest.slice(lastColon + 1);
    const front = rest.slice(0, lastColon);
    const c2 = front.lastIndexOf(':');
    if (c2 >= 0) {
      ip = front.slice(0, c2).replace(/^\[|\]$/g, '');
      host = front.slice(c2 + 1);
    } else host = front;
  }
  if (ip && !isIP(ip)) throw new Error(`invalid IP address: ${ip}`);
  if (ip) warn(`ignoring IP-address (${spec}) service will listen on '0.0.0.0'`);
  const range = (s: string): [number, number] => {
    const m = /^(\d+)(?:-(\d+))?$/.exec(s);
    if (!m) throw new Error(`invalid port: ${spec}`);
    const a = Number(m[1]);
    const b = m[2] ? Number(m[2]) : a;
    if (b < a || a > 65535 || b > 65535) throw new Error(`invalid port range: ${s}`);
    return [a, b];
  };
  if (!['tcp', 'udp', 'sctp'].includes(proto)) throw new Error(`invalid proto: ${proto}`);
  const [cs, ce] = range(container);
  const out: PortConfig[] = [];
  if (!host) {
    for (let p = cs; p <= ce; p++) out.push({ mode: 'ingress', target: p, published: 0, protocol: proto });
    return out;
  }
  const [hs, he] = range(host);
  if (ce - cs !== he - hs && ce !== cs) throw new Error(`invalid ranges specified for container and host Ports: ${container} and ${host}`);
  if (ce === cs && he !== hs) {
    for (let p = hs; p <= he; p++) out.push({ mode: 'ingress', target: cs, published: p, protocol: proto });
    return out;
  }
  for (let i = 0; i <= ce - cs; i++) out.push({ mode: 'ingress', target: cs + i, published: hs + i, protocol: proto });
  return out;
}

const PROPAGATION = ['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate'];

/** loader.ParseVolume for Unix-style specs. */
/** docker/cli loader.ParseVolume, character by character as docker does it: a one-letter section before a colon is a
 * Windows drive (`c:/x:/y`, and so `v:/v:nocopy` is a bind of `v:/v` on `nocopy`), sections are source, target, options. */
export function parseShortVolume(spec: string): MountConfig {
  const chars = [...spec];
  if (chars.length === 0) throw new Error('invalid empty volume spec');
  if (spec.length <= 2) return { type: 'volume', target: spec };
  const v: MountConfig = { type: '' };
  let buffer: string[] = [];
  const drive = (buf: string[], c: string): boolean => c === ':' && buf.length === 1 && /\p{L}/u.test(buf[0]!);
  const populate = (end: boolean): void => {
    const text = buffer.join('');
    if (!buffer.length) throw new Error(`invalid spec: ${spec}: empty section between colons`);
    if (!v.source && end) v.target = text;
    else if (!v.source) v.source = text;
    else if (!v.target) v.target = text;
    else if (!end) throw new Error(`invalid spec: ${spec}: too many colons`);
    else
      for (const o of text.split(',')) {
        if (o === 'ro') v.read_only = true;
        else if (o === 'rw') v.read_only = false;
        else if (o === 'nocopy') v.volume = { nocopy: true };
        else if (PROPAGATION.includes(o)) v.bind = { propagation: o };
        // unknown options (z, Z, consistency flags) are ignored, as docker ignores them
      }
  };
  for (const c of [...chars, '']) {
    if (c !== '' && drive(buffer, c)) buffer.push(c);
    else if (c === ':' || c === '') {
      populate(c === '');
      buffer = [];
    } else buffer.push(c);
  }
  const src = v.source;
  const isFile = (s: string): boolean => {
    if ('./~'.includes(s[0]!)) return true;
    if ([...s].length === 1) return false;
    if (s.startsWith('\\\\')) return true;
    const [first, second] = [...s];
    return drive([first!], second!);
  };
  v.type = !src ? 'volume' : isFile(src) ? 'bind' : 'volume';
  return v;
}

/** docker's resolveVolumePaths / absPath: `~` is the home folder; a path absolute on Linux or on Windows (`c:/x`,
 * `\\\\server`) stays as written, as docker/cli's isAbs treats both */
function resolvePath(ctx: NormalizeContext, p: string): string {
  if (p.startsWith('~')) p = ctx.home + p.slice(1);
  if (/^\p{L}:[\\/]/u.test(p) || p.startsWith('\\\\')) return p;
  return path.isAbsolute(p) ? p : path.join(ctx.workingDir, p);
}

/** pkg/kvfile Parse. */
export function parseEnvFile(text: string, file: string, lookup: (k: string) => string | undefined): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const body = text.replace(/^\uFEFF/, '');
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.replace(/^\s+/, '');
    if (!line || line.startsWith('#')) continue;
    const i = line.indexOf('=');
    const key = i < 0 ? line : line.slice(0, i);
    if (/\s/.test(key)) throw new Error(`invalid env file (${file}): variable '${key}' contains whitespaces`);
    if (i < 0) {
      const v = lookup(key);
      if (v !== undefined) out.push([key, v]);
    } else out.push([key, line.slice(i + 1)]);
  }
  return out;
}

function updateConfig(v: Json | undefined): UpdateConfig | undefined {
  return isDict(v) ? (v as unknown as UpdateConfig) : undefined;
}

export function normalizeService(name: string, raw: Dict, ctx: NormalizeContext): ServiceConfig {
  const p = `services.${name}`;
  const cmd = (v: Json | undefined, key: string): string[] | undefined => {
    if (v === undefined || v === null) return undefined;
    if (Array.isArray(v)) return v.map(String);
    try {
      return shlexSplit(String(v));
    } catch (e) {
      throw new LoadError(`${p}.${key}: ${(e as Error).message}`, `${p}.${key}`);
    }
  };
  // environment: env files in order, then `environment`, then empty values from the process env
  const env: Record<string, string | null> = {};
  for (const f of strList(raw.env_file)) {
    const file = resolvePath(ctx, f);
    let text: string;
    try {
      text = ctx.readFile(file);
    } catch {
      throw new LoadError(`env file ${file} not found: check env_file of service ${name}`, `${p}.env_file`);
    }
    try {
      for (const [k, v] of parseEnvFile(text, file, (k) => ctx.env[k])) env[k] = v;
    } catch (e) {
      throw new LoadError((e as Error).message, `${p}.env_file`);
    }
  }
  Object.assign(env, toStringMap(raw.environment));
  for (const [k, v] of Object.entries(env)) if ((v === null || v === '') && ctx.env[k] !== undefined) env[k] = ctx.env[k] as string;

  const ports: PortConfig[] = [];
  (Array.isArray(raw.ports) ? raw.ports : []).forEach((item, i) => {
    if (isDict(item)) ports.push(item as unknown as PortConfig);
    else {
      try {
        ports.push(...parseShortPort(String(item), (m) => ctx.warn(m, `${p}.ports.${i}`)));
      } catch (e) {
        throw new LoadError(`${p}.ports.${i}: ${(e as Error).message}`, `${p}.ports.${i}`);
      }
    }
  });

  const volumes: MountConfig[] = [];
  (Array.isArray(raw.volumes) ? raw.volumes : []).forEach((item, i) => {
    let m: MountConfig;
    if (isDict(item)) {
      m = { ...(item as unknown as MountConfig) };
      // docker's loader checks this one while loading (it stops `stack config` too)
      if (m.type === 'bind' && !m.source) throw new LoadError(`invalid mount config for type "bind": field Source must not be empty: set source: to the host path of ${p}.volumes.${i}`, `${p}.volumes.${i}.source`);
    }
    else {
      try {
        m = parseShortVolume(String(item));
      } catch (e) {
        throw new LoadError(`${p}.volumes.${i}: ${(e as Error).message}`, `${p}.volumes.${i}`);
      }
    }
    if (m.type === 'bind' && m.source) m.source = resolvePath(ctx, m.source);
    volumes.push(m);
  });

  const refs = (v: Json | undefined): FileRef[] => (Array.isArray(v) ? v.map((r) => (isDict(r) ? (r as unknown as FileRef) : { source: String(r) })) : []);

  let networks: Record<string, ServiceNetwork | null> | undefined;
  if (Array.isArray(raw.networks)) networks = Object.fromEntries(raw.networks.map((n) => [String(n), null]));
  else if (isDict(raw.networks)) {
    networks = {};
    for (const [k, v] of Object.entries(raw.networks)) {
      if (!isDict(v)) networks[k] = null;
      else networks[k] = { ...(v as unknown as ServiceNetwork), driver_opts: v.driver_opts ? labelsOf(v.driver_opts) : undefined };
    }
  }

  const deployRaw = isDict(raw.deploy) ? raw.deploy : {};
  // docker decodes sizes while loading (UnitBytes): a bad one fails the load, not only the deploy
  const resources = isDict(deployRaw.resources) ? deployRaw.resources : {};
  for (const kind of ['limits', 'reservations']) {
    const r = resources[kind];
    if (!isDict(r) || typeof r.memory !== 'string') continue;
    try {
      ramInBytes(r.memory);
    } catch (e) {
      const at = `${p}.deploy.resources.${kind}.memory`;
      throw new LoadError(`${at}: ${(e as Error).message}: use a number with an optional unit (b, k, m, g, t, p), e.g. 512m`, at);
    }
  }
  const deploy: DeployConfig = {
    ...(deployRaw as unknown as DeployConfig),
    labels: deployRaw.labels !== undefined ? labelsOf(deployRaw.labels) : undefined,
    update_config: updateConfig(deployRaw.update_config),
    rollback_config: updateConfig(deployRaw.rollback_config),
  };

  let healthcheck: ServiceConfig['healthcheck'];
  if (isDict(raw.healthcheck)) {
    const h = raw.healthcheck;
    healthcheck = { ...(h as unknown as NonNullable<ServiceConfig['healthcheck']>) };
    if (typeof h.test === 'string') healthcheck.test = ['CMD-SHELL', h.test];
    else if (Array.isArray(h.test)) healthcheck.test = h.test.map(String);
  }

  const extraHosts: string[] = [];
  if (isDict(raw.extra_hosts)) {
    for (const k of Object.keys(raw.extra_hosts).sort()) extraHosts.push(`${k}:${goSprint(raw.extra_hosts[k])}`);
  } else if (Array.isArray(raw.extra_hosts)) {
    for (const h of raw.extra_hosts.map(String)) {
      const i = h.search(/[=:]/);
      extraHosts.push(i < 0 ? h : `${h.slice(0, i)}:${h.slice(i + 1).replace(/^\[(.*)\]$/, '$1')}`);
    }
  }

  const ulimits: ServiceConfig['ulimits'] = {};
  if (isDict(raw.ulimits)) for (const [k, v] of Object.entries(raw.ulimits)) ulimits[k] = typeof v === 'number' ? { single: v } : (v as { soft: number; hard: number });

  const logging = isDict(raw.logging) ? { driver: raw.logging.driver as string | undefined, options: raw.logging.options ? labelsOf(raw.logging.options) : undefined } : undefined;

  const s: ServiceConfig = {
    name,
    image: raw.image as string | undefined,
    command: cmd(raw.command, 'command'),
    entrypoint: cmd(raw.entrypoint, 'entrypoint'),
    environment: env,
    ports,
    volumes,
    secrets: refs(raw.secrets),
    configs: refs(raw.configs),
    networks,
    deploy,
    healthcheck,
    labels: labelsOf(raw.labels),
    extra_hosts: extraHosts,
    ulimits,
    sysctls: labelsOf(raw.sysctls),
    cap_add: strList(raw.cap_add),
    cap_drop: strList(raw.cap_drop),
    dns: strList(raw.dns),
    dns_search: strList(raw.dns_search),
    logging,
    user: raw.user as string | undefined,
    working_dir: raw.working_dir as string | undefined,
    hostname: raw.hostname as string | undefined,
    init: raw.init as boolean | undefined,
    read_only: raw.read_only as boolean | undefined,
    tty: raw.tty as boolean | undefined,
    stdin_open: raw.stdin_open as boolean | undefined,
    stop_signal: raw.stop_signal as string | undefined,
    stop_grace_period: raw.stop_grace_period as string | undefined,
    isolation: raw.isolation as string | undefined,
    oom_score_adj: raw.oom_score_adj as number | undefined,
    restart: raw.restart as string | undefined,
    credential_spec: raw.credential_spec as ServiceConfig['credential_spec'],
    privileged: raw.privileged as boolean | undefined,
    extras: Object.fromEntries(Object.entries(raw).filter(([k]) => k.startsWith('x-'))),
    kept: keptOf(raw),
  };
  return s;
}

// docker/cli's ServiceConfig fields that stack deploy ignores (or warns about) but the loaded config keeps
const KEPT_STRINGS = ['cgroupns_mode', 'cgroup_parent', 'container_name', 'domainname', 'ipc', 'mac_address', 'network_mode', 'pid', 'shm_size', 'userns_mode'];
const KEPT_LISTS = ['depends_on', 'devices', 'env_file', 'expose', 'external_links', 'links', 'security_opt', 'tmpfs'];

function keptOf(raw: Dict): Record<string, Json> | undefined {
  const out: Record<string, Json> = {};
  for (const k of KEPT_STRINGS) if (raw[k] !== undefined && raw[k] !== null) out[k] = goSprint(raw[k]);
  for (const k of KEPT_LISTS) if (raw[k] !== undefined && raw[k] !== null) out[k] = strList(raw[k]);
  if (typeof raw.build === 'string') out.build = { context: raw.build };
  else if (isDict(raw.build)) {
    const b = raw.build;
    out.build = {
      ...b,
      ...(b.args !== undefined ? { args: toStringMap(b.args) } : {}),
      ...(b.labels !== undefined ? { labels: labelsOf(b.labels) } : {}),
      ...(b.cache_from !== undefined ? { cache_from: strList(b.cache_from) } : {}),
      ...(b.extra_hosts !== undefined ? { extra_hosts: strList(b.extra_hosts) } : {}),
    };
  }
  return Object.keys(out).length ? out : undefined;
}

function externalOf(kind: string, key: string, raw: Dict, version: string, ctx: NormalizeContext): { external?: boolean; name?: string } {
  const ext = raw.external;
  if (!isDict(ext)) return { external: ext === true ? true : ext === false ? false : undefined, name: raw.name as string | undefined };
  if (ext.name !== undefined) {
    if (raw.name !== undefined) throw new LoadError(`${kind} ${key}: network.external.name and network.name conflict; only use network.name`.replace(/network/g, kind === 'volume' ? 'volume' : kind), `${kind}s.${key}.external`);
    const minor = Number(version.split('.')[1] ?? 0);
    if (minor >= (kind === 'volume' ? 4 : 5)) ctx.warn(`${kind} ${key}: ${kind}.external.name is deprecated. Please set name and external: true`, `${kind}s.${key}.external.name`);
    return { external: true, name: String(ext.name) };
  }
  return { external: true, name: raw.name as string | undefined };
}

export function normalizeTop(dict: Dict, version: string, ctx: NormalizeContext): Omit<ComposeConfig, 'services' | 'version'> {
  const networks: Record<string, NetworkConfig> = {};
  for (const [k, v] of Object.entries(isDict(dict.networks) ? dict.networks : {})) {
    const raw = isDict(v) ? v : {};
    const ext = externalOf('network', k, raw, version, ctx);
    networks[k] = {
      ...(raw as unknown as NetworkConfig),
      ...ext,
      name: ext.external && !ext.name ? k : ext.name,
      driver_opts: raw.driver_opts ? labelsOf(raw.driver_opts) : undefined,
      labels: raw.labels !== undefined ? labelsOf(raw.labels) : undefined,
    };
  }
  const volumes: Record<string, VolumeConfig> = {};
  for (const [k, v] of Object.entries(isDict(dict.volumes) ? dict.volumes : {})) {
    const raw = isDict(v) ? v : {};
    const ext = externalOf('volume', k, raw, version, ctx);
    if (ext.external) {
      for (const bad of ['driver', 'driver_opts', 'labels']) if (raw[bad] !== undefined) throw new LoadError(`conflicting parameters "external" and "${bad}" specified for volume "${k}"`, `volumes.${k}.${bad}`);
    }
    volumes[k] = { ...(raw as unknown as VolumeConfig), ...ext, name: ext.external && !ext.name ? k : ext.name, driver_opts: raw.driver_opts ? labelsOf(raw.driver_opts) : undefined, labels: raw.labels !== undefined ? labelsOf(raw.labels) : undefined };
  }
  const files = (section: 'secrets' | 'configs') => {
    const out: Record<string, FileObjectConfig> = {};
    const kind = section === 'secrets' ? 'secret' : 'config';
    for (const [k, v] of Object.entries(isDict(dict[section]) ? (dict[section] as Dict) : {})) {
      const raw = isDict(v) ? v : {};
      const ext = externalOf(kind, k, raw, version, ctx);
      const o: FileObjectConfig = { ...(raw as unknown as FileObjectConfig), ...ext, name: ext.external && !ext.name ? k : ext.name, labels: raw.labels !== undefined ? labelsOf(raw.labels) : undefined, driver_opts: raw.driver_opts ? labelsOf(raw.driver_opts) : undefined };
      if (o.file) o.file = resolvePath(ctx, o.file);
      out[k] = o;
    }
    return out;
  };
  const extras = Object.fromEntries(Object.entries(dict).filter(([k]) => k.startsWith('x-')));
  return { networks, volumes, secrets: files('secrets'), configs: files('configs'), ...(Object.keys(extras).length ? { extras } : {}) };
}
