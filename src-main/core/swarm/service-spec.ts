// CLI-flag-like service options -> the engine's ServiceSpec (as `docker service create/update` builds it).
import { FlotillaError } from '../../api/errors';
import type { ServiceCreateInput, ServiceUpdateInput } from '../../api/domains/swarm';
import { parseBytes, parseDuration } from './duration';

export interface PortConfig {
  Protocol: string;
  TargetPort: number;
  PublishedPort?: number;
  PublishMode: string;
}
export interface MountSpec {
  Type: string;
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  VolumeOptions?: { DriverConfig?: { Name?: string }; NoCopy?: boolean };
}
interface UpdateCfg {
  Parallelism?: number;
  Delay?: number;
  FailureAction?: string;
  Monitor?: number;
  MaxFailureRatio?: number;
  Order?: string;
}
/** the daemon's defaults.Service.Update, which `docker service update` starts from when a spec has none */
const UPDATE_DEFAULTS: UpdateCfg = { Parallelism: 1, FailureAction: 'pause', Monitor: 5e9, MaxFailureRatio: 0, Order: 'stop-first' };
export interface ServiceSpec {
  Name?: string;
  Labels?: Record<string, string>;
  TaskTemplate: {
    ContainerSpec: {
      Image: string;
      Args?: string[];
      Env?: string[];
      Labels?: Record<string, string>;
      Mounts?: MountSpec[];
      Dir?: string;
      User?: string;
      Hostname?: string;
      Init?: boolean;
      StopGracePeriod?: number;
      Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; Retries?: number };
      Secrets?: Array<{ SecretID: string; SecretName: string; File: { Name: string; UID: string; GID: string; Mode: number } }>;
      Configs?: Array<{ ConfigID: string; ConfigName: string; File: { Name: string; UID: string; GID: string; Mode: number } }>;
    };
    Placement?: { Constraints?: string[]; Preferences?: Array<{ Spread: { SpreadDescriptor: string } }> };
    RestartPolicy?: { Condition?: string; Delay?: number; MaxAttempts?: number };
    Resources?: { Limits?: { NanoCPUs?: number; MemoryBytes?: number }; Reservations?: { NanoCPUs?: number; MemoryBytes?: number } };
    Networks?: Array<{ Target: string }>;
    ForceUpdate?: number;
  };
  Mode: { Replicated?: { Replicas: number }; Global?: Record<string, never> };
  UpdateConfig?: UpdateCfg;
  RollbackConfig?: UpdateCfg;
  EndpointSpec?: { Mode?: string; Ports?: PortConfig[] };
}

const bad = (msg: string): FlotillaError => new FlotillaError('BAD_INPUT', msg);

function port(n: string, what: string, spec: string): number {
  const v = Number(n);
  if (!/^\d+$/.test(n) || v < 1 || v > 65535) throw bad(`invalid ${what} port "${n}" in --publish ${spec}: expected 1-65535`);
  return v;
}

/** "8080:80", "8080:80/udp", "80", or long "published=8080,target=80,protocol=udp,mode=host". */
export function parsePublish(spec: string): PortConfig {
  if (spec.includes('=')) {
    const kv = parseKv(spec, '--publish');
    if (!kv.target) throw bad(`--publish ${spec} needs target=PORT`);
    const mode = kv.mode ?? 'ingress';
    if (mode !== 'ingress' && mode !== 'host') throw bad(`invalid mode "${mode}" in --publish ${spec}: expected ingress or host`);
    const protocol = kv.protocol ?? 'tcp';
    if (!['tcp', 'udp', 'sctp'].includes(protocol)) throw bad(`invalid protocol "${protocol}" in --publish ${spec}: expected tcp, udp or sctp`);
    return { Protocol: protocol, TargetPort: port(kv.target, 'target', spec), PublishedPort: kv.published ? port(kv.published, 'published', spec) : undefined, PublishMode: mode };
  }
  const m = /^(?:(\d+):)?(\d+)(?:\/(tcp|udp|sctp))?$/.exec(spec.trim());
  if (!m) throw bad(`invalid --publish "${spec}": expected PUBLISHED:TARGET[/PROTOCOL] or published=..,target=..,mode=host`);
  return { Protocol: m[3] ?? 'tcp', TargetPort: port(m[2], 'target', spec), PublishedPort: m[1] ? port(m[1], 'published', spec) : undefined, PublishMode: 'ingress' };
}

/** "a=b,c=d,flag" -> {a:'b', c:'d', flag:'true'} */
export function parseKv(s: string, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of s.split(',')) {
    const p = part.trim();
    if (!p) continue;
    const i = p.indexOf('=');
    if (i === 0) throw bad(`invalid ${flag} "${s}": empty key`);
    if (i < 0) out[p] = 'true';
    else out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

/** long "type=volume,source=data,target=/data,readonly" or short "data:/data[:ro]" */
export function parseMount(spec: string): MountSpec {
  if (spec.includes('=')) {
    const kv = parseKv(spec, '--mount');
    const type = kv.type ?? 'volume';
    if (!['bind', 'volume', 'tmpfs', 'npipe'].includes(type)) throw bad(`invalid type "${type}" in --mount ${spec}: expected bind, volume or tmpfs`);
    const target = kv.target ?? kv.destination ?? kv.dst;
    if (!target) throw bad(`--mount ${spec} needs target=PATH`);
    const source = kv.source ?? kv.src;
    if (type === 'bind' && !source) throw bad(`--mount ${spec}: a bind mount needs source=PATH`);
    const ro = kv.readonly ?? kv.ro;
    const m: MountSpec = { Type: type, Target: target, ...(source ? { Source: source } : {}), ...(ro && ro !== 'false' && ro !== '0' ? { ReadOnly: true } : {}) };
    // opts/mount.go volumeOptions(): any volume-* key makes the options with an empty driver config in them
    if (kv['volume-driver'] || kv['volume-nocopy']) m.VolumeOptions = { DriverConfig: kv['volume-driver'] ? { Name: kv['volume-driver'] } : {}, ...(kv['volume-nocopy'] ? { NoCopy: kv['volume-nocopy'] !== 'false' } : {}) };
    return m;
  }
  const parts = spec.split(':');
  if (parts.length < 2 || parts.length > 3 || !parts[0] || !parts[1]) throw bad(`invalid --mount "${spec}": expected type=..,source=..,target=.. or SOURCE:TARGET[:ro]`);
  return { Type: parts[0].startsWith('/') ? 'bind' : 'volume', Source: parts[0], Target: parts[1], ...(parts[2] === 'ro' ? { ReadOnly: true } : {}) };
}

function parseLabels(list: string[] | undefined, flag: string): Record<string, string> | undefined {
  if (!list?.length) return undefined;
  const out: Record<string, string> = {};
  for (const l of list) {
    const i = l.indexOf('=');
    if (i === 0) throw bad(`invalid ${flag} "${l}": expected KEY=VALUE`);
    if (i < 0) out[l] = '';
    else out[l.slice(0, i)] = l.slice(i + 1);
  }
  return out;
}

/** opts.ValidateEnv: NAME=VALUE, or a bare NAME (the CLI fills in its own value when it has one, see service-flags.ts) */
function checkEnv(list: string[] | undefined, flag = '--env'): string[] | undefined {
  if (!list?.length) return undefined;
  for (const e of list) if (e.startsWith('=') || !e.trim()) throw bad(`invalid ${flag} "${e}": invalid environment variable: ${e}; expected NAME=VALUE or NAME`);
  return list;
}

export interface RefResolver {
  /** name or id -> {id, name}; throws `no such secret: x` when unknown */
  secret(ref: string): { id: string; name: string };
  config(ref: string): { id: string; name: string };
}

function fileRef(spec: string, flag: string): { source: string; target: string; uid: string; gid: string; mode: number } {
  const kv = spec.includes('=') ? parseKv(spec, flag) : { source: spec };
  const source = kv.source ?? kv.src;
  if (!source) throw bad(`invalid ${flag} "${spec}": expected NAME or source=NAME,target=PATH`);
  const mode = kv.mode ? parseInt(kv.mode, 8) : 0o444;
  if (Number.isNaN(mode)) throw bad(`invalid mode "${kv.mode}" in ${flag} ${spec}: expected octal like 0400`);
  return { source, target: kv.target ?? kv.dst ?? source, uid: kv.uid ?? '0', gid: kv.gid ?? '0', mode };
}

function updateCfg(p?: number, delay?: string, fa?: string, order?: string, monitor?: string, flag = 'update'): UpdateCfg | undefined {
  if (p === undefined && !delay && !fa && !order && !monitor) return undefined;
  return {
    Parallelism: p ?? 1,
    ...(delay ? { Delay: parseDuration(delay, `--${flag}-delay`) } : {}),
    FailureAction: fa ?? 'pause',
    ...(monitor ? { Monitor: parseDuration(monitor, `--${flag}-monitor`) } : {}),
    Order: order ?? 'stop-first',
  };
}

export function buildServiceSpec(o: ServiceCreateInput, refs?: RefResolver): ServiceSpec {
  if (!o.image?.trim()) throw bad('a service needs an image');
  if (o.name !== undefined && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(o.name)) throw bad(`invalid service name "${o.name}": use letters, digits, '_', '.', '-'`);
  if (o.replicas !== undefined && (!Number.isInteger(o.replicas) || o.replicas < 0)) throw bad(`invalid replicas "${o.replicas}": expected a whole number from 0 upwards`);
  if (o.mode === 'global' && o.replicas !== undefined) throw bad('--replicas cannot be used with --mode global');
  if (o.noHealthcheck && (o.healthCmd || o.healthInterval || o.healthTimeout || o.healthRetries !== undefined)) throw bad('--no-healthcheck conflicts with --health-* options: use one or the other');
  // docker service create (API 1.37+) stores Init: false unless --init is given
  const c: ServiceSpec['TaskTemplate']['ContainerSpec'] = { Image: o.image, Init: false };
  if (o.args?.length) c.Args = o.args;
  const env = checkEnv(o.env);
  if (env) c.Env = env;
  const cl = parseLabels(o.containerLabels, '--container-label');
  if (cl) c.Labels = cl;
  if (o.mounts?.length) c.Mounts = o.mounts.map(parseMount);
  if (o.workdir) c.Dir = o.workdir;
  if (o.user) c.User = o.user;
  if (o.hostname) c.Hostname = o.hostname;
  if (o.stopGracePeriod) c.StopGracePeriod = parseDuration(o.stopGracePeriod, '--stop-grace-period');
  if (o.noHealthcheck) c.Healthcheck = { Test: ['NONE'] };
  else if (o.healthCmd || o.healthInterval || o.healthTimeout || o.healthRetries !== undefined) {
    c.Healthcheck = {
      ...(o.healthCmd ? { Test: ['CMD-SHELL', o.healthCmd] } : {}),
      ...(o.healthInterval ? { Interval: parseDuration(o.healthInterval, '--health-interval') } : {}),
      ...(o.healthTimeout ? { Timeout: parseDuration(o.healthTimeout, '--health-timeout') } : {}),
      ...(o.healthRetries !== undefined ? { Retries: o.healthRetries } : {}),
    };
  }
  if (o.secrets?.length) {
    if (!refs) throw bad('secrets need a connection to resolve their names');
    c.Secrets = o.secrets.map((s) => {
      const f = fileRef(s, '--secret');
      const r = refs.secret(f.source);
      return { SecretID: r.id, SecretName: r.name, File: { Name: f.target, UID: f.uid, GID: f.gid, Mode: f.mode } };
    });
  }
  if (o.configs?.length) {
    if (!refs) throw bad('configs need a connection to resolve their names');
    c.Configs = o.configs.map((s) => {
      const f = fileRef(s, '--config');
      const r = refs.config(f.source);
      return { ConfigID: r.id, ConfigName: r.name, File: { Name: f.target, UID: f.uid, GID: f.gid, Mode: f.mode } };
    });
  }
  const spec: ServiceSpec = {
    TaskTemplate: { ContainerSpec: c },
    Mode: o.mode === 'global' ? { Global: {} } : { Replicated: { Replicas: o.replicas ?? 1 } },
  };
  if (o.name) spec.Name = o.name;
  const labels = parseLabels(o.labels, '--label');
  if (labels) spec.Labels = labels;
  if (o.constraints?.length || o.placementPrefs?.length) {
    spec.TaskTemplate.Placement = {};
    if (o.constraints?.length) {
      for (const k of o.constraints) if (!/(==|!=)/.test(k)) throw bad(`invalid --constraint "${k}": expected e.g. node.role==worker or node.labels.zone!=a`);
      spec.TaskTemplate.Placement.Constraints = o.constraints;
    }
    if (o.placementPrefs?.length)
      spec.TaskTemplate.Placement.Preferences = o.placementPrefs.map((p) => {
        const m = /^spread=(.+)$/.exec(p);
        if (!m) throw bad(`invalid --placement-pref "${p}": expected spread=node.labels.NAME`);
        return { Spread: { SpreadDescriptor: m[1] } };
      });
  }
  if (o.restartCondition || o.restartDelay || o.restartMaxAttempts !== undefined)
    spec.TaskTemplate.RestartPolicy = {
      ...(o.restartCondition ? { Condition: o.restartCondition } : {}),
      ...(o.restartDelay ? { Delay: parseDuration(o.restartDelay, '--restart-delay') } : {}),
      ...(o.restartMaxAttempts !== undefined ? { MaxAttempts: o.restartMaxAttempts } : {}),
    };
  // resourceOptions.ToResourceRequirements: both parts always, empty when no flag sets them
  spec.TaskTemplate.Resources = {
    Limits: { ...(o.limitCpu ? { NanoCPUs: Math.round(o.limitCpu * 1e9) } : {}), ...(o.limitMemory ? { MemoryBytes: parseBytes(o.limitMemory, '--limit-memory') } : {}) },
    Reservations: { ...(o.reserveCpu ? { NanoCPUs: Math.round(o.reserveCpu * 1e9) } : {}), ...(o.reserveMemory ? { MemoryBytes: parseBytes(o.reserveMemory, '--reserve-memory') } : {}) },
  };
  if (o.networks?.length) spec.TaskTemplate.Networks = o.networks.map((n) => ({ Target: n }));
  const uc = updateCfg(o.updateParallelism, o.updateDelay, o.updateFailureAction, o.updateOrder, o.updateMonitor, 'update');
  if (uc) spec.UpdateConfig = uc;
  const rc = updateCfg(o.rollbackParallelism, o.rollbackDelay, o.rollbackFailureAction, o.rollbackOrder, undefined, 'rollback');
  if (rc) spec.RollbackConfig = rc;
  if (o.publish?.length) {
    const ports = o.publish.map(parsePublish);
    const seen = new Set<string>();
    for (const p of ports) {
      if (p.PublishedPort === undefined) continue;
      const k = `${p.PublishedPort}/${p.Protocol}`;
      if (seen.has(k)) throw bad(`port ${k} is published twice: publish each port once`);
      seen.add(k);
    }
    spec.EndpointSpec = { Mode: 'vip', Ports: ports };
  }
  return spec;
}

const samePort = (a: PortConfig, b: PortConfig): boolean => a.TargetPort === b.TargetPort && a.Protocol === b.Protocol && (a.PublishedPort ?? 0) === (b.PublishedPort ?? 0);

/** Applies `docker service update`-style changes to a copy of the current spec. */
export function applyServiceUpdate(current: ServiceSpec, u: ServiceUpdateInput): { spec: ServiceSpec; warnings: string[] } {
  const spec = structuredClone(current);
  const warnings: string[] = [];
  const c = spec.TaskTemplate.ContainerSpec;
  if (u.image) c.Image = u.image;
  if (u.args) c.Args = u.args;
  if (u.replicas !== undefined) {
    if (!spec.Mode.Replicated) throw bad('--replicas can only be set on a replicated service');
    spec.Mode.Replicated.Replicas = u.replicas;
  }
  if (u.envRm?.length || u.envAdd?.length) {
    checkEnv(u.envAdd, '--env-add');
    const key = (e: string): string => (e.includes('=') ? e.slice(0, e.indexOf('=')) : e);
    const rm = new Set([...(u.envRm ?? []), ...(u.envAdd ?? []).map(key)]);
    c.Env = [...(c.Env ?? []).filter((e) => !rm.has(key(e))), ...(u.envAdd ?? [])];
  }
  if (u.labelRm?.length || u.labelAdd?.length) {
    const labels = { ...(spec.Labels ?? {}) };
    for (const k of u.labelRm ?? []) delete labels[k];
    Object.assign(labels, parseLabels(u.labelAdd, '--label-add') ?? {});
    spec.Labels = labels;
  }
  if (u.constraintRm?.length || u.constraintAdd?.length) {
    const p = (spec.TaskTemplate.Placement ??= {});
    const rm = new Set(u.constraintRm ?? []);
    // updatePlacementConstraints: the result is a set, sorted (sort.Strings)
    p.Constraints = [...new Set([...(p.Constraints ?? []).filter((k) => !rm.has(k)), ...(u.constraintAdd ?? [])])].sort();
  }
  if (u.publishRm?.length || u.publishAdd?.length) {
    const ep = (spec.EndpointSpec ??= { Mode: 'vip' });
    let ports = ep.Ports ?? [];
    for (const r of u.publishRm ?? []) {
      // docker accepts the target port alone, or the full short/long form
      const before = ports.length;
      if (/^\d+(\/\w+)?$/.test(r)) {
        const [t, proto] = r.split('/');
        ports = ports.filter((p) => !(p.TargetPort === Number(t) && (!proto || p.Protocol === proto)));
      } else {
        const rp = parsePublish(r);
        ports = ports.filter((p) => !samePort(p, rp));
      }
      if (ports.length === before) warnings.push(`port ${r} was not published; nothing removed`);
    }
    for (const a of u.publishAdd ?? []) {
      const ap = parsePublish(a);
      if (ap.PublishedPort !== undefined && ports.some((p) => p.PublishedPort === ap.PublishedPort && p.Protocol === ap.Protocol))
        throw bad(`port ${ap.PublishedPort}/${ap.Protocol} is already published by this service: remove it first with --publish-rm`);
      ports = [...ports, ap];
    }
    ep.Ports = ports;
  }
  if (u.updateParallelism !== undefined || u.updateDelay || u.updateFailureAction || u.updateOrder) {
    // updateService: a spec without an update config starts from updateConfigFromDefaults, as docker's does
    const uc: UpdateCfg = { ...(spec.UpdateConfig ?? UPDATE_DEFAULTS) };
    if (u.updateParallelism !== undefined) uc.Parallelism = u.updateParallelism;
    if (u.updateDelay) uc.Delay = parseDuration(u.updateDelay, '--update-delay');
    if (u.updateFailureAction) uc.FailureAction = u.updateFailureAction;
    if (u.updateOrder) uc.Order = u.updateOrder;
    spec.UpdateConfig = uc;
  }
  if (u.force) spec.TaskTemplate.ForceUpdate = (spec.TaskTemplate.ForceUpdate ?? 0) + 1;
  return { spec, warnings };
}
