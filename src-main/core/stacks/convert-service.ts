// ServiceConfig -> ServiceSpec, as docker/cli cli/compose/convert/service.go and volume.go do it.
import { addStackLabel, ConvertError, LABEL_IMAGE, scope } from './convert';
import type { FileReference, Mount, ServiceSpec, UpdateConfigSpec } from './engine-types';
import type { ComposeConfig, FileObjectConfig, FileRef, MountConfig, ServiceConfig, UpdateConfig } from './model';
import { parseDuration, ramInBytes } from './units';

/** name -> id lookups for secrets and configs (the CLI lists them by name filter). */
export interface ObjectIds {
  secrets: Record<string, string>;
  configs: Record<string, string>;
}

const dur = (s: string | undefined): number | undefined => (s === undefined ? undefined : parseDuration(s));

function nanoCpus(v: string, p: string): number {
  const m = /^(\d*)(?:\.(\d*))?$/.exec(v.trim());
  if (!m || (!m[1] && !m[2])) throw new ConvertError(`invalid cpus value ${JSON.stringify(v)}: use a number such as "0.5"`, p);
  const frac = m[2] ?? '';
  if (frac.replace(/0+$/, '').length > 9) throw new ConvertError(`${p}: value is too precise`, p);
  return Number(m[1] || '0') * 1e9 + Number((frac + '000000000').slice(0, 9));
}

export function convertMode(s: ServiceConfig): Record<string, unknown> {
  const replicas = s.deploy.replicas;
  switch (s.deploy.mode ?? '') {
    case 'global':
      if (replicas !== undefined) throw new ConvertError('replicas can only be used with replicated or replicated-job mode', `services.${s.name}.deploy.replicas`);
      return { Global: {} };
    case 'global-job':
      if (replicas !== undefined) throw new ConvertError('replicas can only be used with replicated or replicated-job mode', `services.${s.name}.deploy.replicas`);
      return { GlobalJob: {} };
    case 'replicated-job':
      return { ReplicatedJob: { ...(replicas !== undefined ? { MaxConcurrent: replicas, TotalCompletions: replicas } : {}) } };
    case 'replicated':
    case '':
      return { Replicated: replicas !== undefined ? { Replicas: replicas } : {} };
    default:
      throw new ConvertError(`unknown mode: ${s.deploy.mode}`, `services.${s.name}.deploy.mode`);
  }
}

function updateConfig(u: UpdateConfig | undefined): UpdateConfigSpec | undefined {
  if (!u) return undefined;
  const out: UpdateConfigSpec = { Parallelism: u.parallelism ?? 1 };
  if (u.delay) out.Delay = parseDuration(u.delay);
  if (u.failure_action) out.FailureAction = u.failure_action;
  if (u.monitor) out.Monitor = parseDuration(u.monitor);
  if (u.max_failure_ratio) out.MaxFailureRatio = u.max_failure_ratio;
  if (u.order) out.Order = u.order;
  return out;
}

function restartPolicy(s: ServiceConfig): Record<string, unknown> | undefined {
  const rp = s.deploy.restart_policy;
  if (!rp) {
    const r = s.restart ?? '';
    if (r === '' || r === 'no') return undefined;
    if (r === 'always' || r === 'unless-stopped') return { Condition: 'any' };
    const m = /^on-failure(?::(\d+))?$/.exec(r);
    if (m) return { Condition: 'on-failure', MaxAttempts: Number(m[1] ?? 0) };
    throw new ConvertError(`unknown restart policy: ${r}`, `services.${s.name}.restart`);
  }
  const out: Record<string, unknown> = { Condition: rp.condition ?? '' };
  if (rp.delay !== undefined) out.Delay = parseDuration(rp.delay);
  if (rp.max_attempts !== undefined) out.MaxAttempts = rp.max_attempts;
  if (rp.window !== undefined) out.Window = parseDuration(rp.window);
  return out;
}

function resources(s: ServiceConfig): Record<string, unknown> {
  const r = s.deploy.resources;
  const out: Record<string, unknown> = {};
  const p = `services.${s.name}.deploy.resources`;
  if (r?.limits) {
    const l: Record<string, unknown> = {};
    if (r.limits.cpus) l.NanoCPUs = nanoCpus(r.limits.cpus, `${p}.limits.cpus`);
    if (r.limits.memory) l.MemoryBytes = ramInBytes(r.limits.memory);
    if (r.limits.pids) l.Pids = r.limits.pids;
    out.Limits = l;
  }
  if (r?.reservations) {
    const l: Record<string, unknown> = {};
    if (r.reservations.cpus) l.NanoCPUs = nanoCpus(r.reservations.cpus, `${p}.reservations.cpus`);
    if (r.reservations.memory) l.MemoryBytes = ramInBytes(r.reservations.memory);
    const g = r.reservations.generic_resources ?? [];
    if (g.length) l.GenericResources = g.map((x) => ({ DiscreteResourceSpec: { Kind: x.discrete_resource_spec?.kind ?? '', Value: x.discrete_resource_spec?.value ?? 0 } }));
    out.Reservations = l;
  }
  return out;
}

function healthcheck(s: ServiceConfig): Record<string, unknown> | undefined {
  const h = s.healthcheck;
  if (!h) return undefined;
  if (h.disable) {
    if (h.test?.length) throw new ConvertError('test and disable can\'t be set at the same time', `services.${s.name}.healthcheck.disable`);
    return { Test: ['NONE'] };
  }
  const out: Record<string, unknown> = {};
  if (h.test) out.Test = h.test;
  if (h.interval) out.Interval = parseDuration(h.interval);
  if (h.timeout) out.Timeout = parseDuration(h.timeout);
  if (h.start_period) out.StartPeriod = parseDuration(h.start_period);
  if (h.start_interval) out.StartInterval = parseDuration(h.start_interval);
  if (h.retries !== undefined) out.Retries = h.retries;
  return out;
}

function normalizeCaps(list: string[]): string[] {
  return [...new Set(list.map((c) => c.toUpperCase()).map((c) => (c === 'ALL' || c.startsWith('CAP_') ? c : `CAP_${c}`)))].sort();
}

/** opts.EffectiveCapAddCapDrop */
export function effectiveCaps(add: string[], drop: string[]): { add: string[]; drop: string[] } {
  const a = normalizeCaps(add);
  const d = normalizeCaps(drop);
  const capAdd = a.includes('ALL') ? (d.includes('ALL') ? [] : ['ALL']) : a;
  const capDrop = d.includes('ALL') ? ['ALL'] : d.filter((c) => !a.includes(c));
  return { add: capAdd, drop: capDrop };
}

export function convertMount(stack: string, m: MountConfig, config: ComposeConfig, svc: string, i: number): Mount {
  const p = `services.${svc}.volumes.${i}`;
  const out: Mount = { Type: m.type };
  if (m.target !== undefined) out.Target = m.target;
  if (m.read_only) out.ReadOnly = true;
  if (m.consistency) out.Consistency = m.consistency;
  switch (m.type) {
    case 'volume': {
      if (m.tmpfs) throw new ConvertError('tmpfs options are incompatible with type volume', p);
      if (m.bind) throw new ConvertError('bind options are incompatible with type volume', p);
      if (!m.source) return out;
      const v = config.volumes[m.source];
      if (!v) throw new ConvertError(`undefined volume "${m.source}": declare it under the top-level volumes:`, p);
      out.Source = v.name || scope(stack, m.source);
      out.VolumeOptions = {};
      if (m.volume?.nocopy) out.VolumeOptions.NoCopy = true;
      if (m.volume?.subpath) out.VolumeOptions.Subpath = m.volume.subpath;
      if (v.external) return out;
      out.VolumeOptions.Labels = addStackLabel(stack, v.labels);
      if (v.driver || v.driver_opts) out.VolumeOptions.DriverConfig = { ...(v.driver ? { Name: v.driver } : {}), ...(v.driver_opts ? { Options: v.driver_opts } : {}) };
      return out;
    }
    case 'bind':
      if (!m.source) throw new ConvertError('invalid bind source, source cannot be empty', p);
      if (m.volume) throw new ConvertError('volume options are incompatible with type bind', p);
      if (m.tmpfs) throw new ConvertError('tmpfs options are incompatible with type bind', p);
      out.Source = m.source;
      if (m.bind?.propagation) out.BindOptions = { Propagation: m.bind.propagation };
      return out;
    case 'tmpfs':
      if (m.source) throw new ConvertError('invalid tmpfs source, source must be empty', p);
      if (m.bind) throw new ConvertError('bind options are incompatible with type tmpfs', p);
      if (m.volume) throw new ConvertError('volume options are incompatible with type tmpfs', p);
      if (m.tmpfs) out.TmpfsOptions = m.tmpfs.size !== undefined ? { SizeBytes: m.tmpfs.size } : {};
      return out;
    case 'npipe':
      if (m.source) out.Source = m.source;
      return out;
    default:
      throw new ConvertError(`volume type must be volume, bind, tmpfs or npipe, not ${m.type}`, `${p}.type`);
  }
}

function fileRefs(stack: string, refs: FileRef[], objects: Record<string, FileObjectConfig>, ids: Record<string, string>, kind: 'secret' | 'config', svc: string): FileReference[] {
  const out: FileReference[] = [];
  const targets = new Set<string>();
  refs.forEach((r, i) => {
    const obj = objects[r.source];
    if (!obj) throw new ConvertError(`undefined ${kind} "${r.source}": declare it under the top-level ${kind}s:`, `services.${svc}.${kind}s.${i}`);
    const name = obj.name || scope(stack, r.source);
    const target = r.target || r.source;
    if (targets.has(target)) throw new ConvertError(`duplicate ${kind} target for ${name} not allowed`, `services.${svc}.${kind}s.${i}`);
    targets.add(target);
    const id = ids[name];
    if (!id) throw new ConvertError(`${kind} not found: ${name}`, `services.${svc}.${kind}s.${i}`);
    const file = { Name: target, UID: r.uid || '0', GID: r.gid || '0', Mode: r.mode ?? 0o444 };
    out.push(kind === 'secret' ? { File: file, SecretID: id, SecretName: name } : { File: file, ConfigID: id, ConfigName: name });
  });
  const key = (f: FileReference) => (f.SecretName ?? f.ConfigName ?? '') as string;
  return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function networks(stack: string, s: ServiceConfig, config: ComposeConfig): Array<{ Target: string; Aliases?: string[]; DriverOpts?: Record<string, string> }> {
  const nets = s.networks && Object.keys(s.networks).length ? s.networks : { default: null };
  const out = Object.entries(nets).map(([key, n]) => {
    const decl = config.networks[key];
    if (!decl && key !== 'default') throw new ConvertError(`service "${s.name}" references network "${key}", which is not declared: add it under the top-level networks:`, `services.${s.name}.networks.${key}`);
    const target = decl?.name || scope(stack, key);
    const aliases = [...(n?.aliases ?? [])];
    if (!['host', 'bridge', 'none', 'default'].includes(target) && !target.startsWith('container:')) aliases.push(s.name);
    const att: { Target: string; Aliases?: string[]; DriverOpts?: Record<string, string> } = { Target: target };
    if (aliases.length) att.Aliases = aliases;
    if (n?.driver_opts) att.DriverOpts = n.driver_opts;
    return att;
  });
  return out.sort((a, b) => (a.Target < b.Target ? -1 : a.Target > b.Target ? 1 : 0));
}

export function convertService(stack: string, s: ServiceConfig, config: ComposeConfig, ids: ObjectIds): ServiceSpec {
  const env = Object.entries(s.environment)
    .map(([k, v]) => (v === null ? k : `${k}=${v}`))
    .sort();
  const caps = effectiveCaps(s.cap_add, s.cap_drop);
  const container: Record<string, unknown> & { Image: string } = {
    Image: s.image ?? '',
    Labels: addStackLabel(stack, s.labels),
    Privileges: { CredentialSpec: null, SELinuxContext: null },
  };
  const set = (k: string, v: unknown) => {
    if (v === undefined || v === null || v === '' || v === false || (Array.isArray(v) && v.length === 0)) return;
    if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0) return;
    container[k] = v;
  };
  set('Command', s.entrypoint);
  set('Args', s.command);
  set('Hostname', s.hostname);
  set('Env', env);
  set('Dir', s.working_dir);
  set('User', s.user);
  set('Hosts', s.extra_hosts.map((h) => {
    const i = h.indexOf(':');
    return i < 0 ? h : `${h.slice(i + 1)} ${h.slice(0, i)}`;
  }));
  if (s.dns.length || s.dns_search.length) container.DNSConfig = { ...(s.dns.length ? { Nameservers: s.dns } : {}), ...(s.dns_search.length ? { Search: s.dns_search } : {}) };
  set('Healthcheck', healthcheck(s));
  set('Mounts', s.volumes.map((m, i) => convertMount(stack, m, config, s.name, i)));
  if (s.stop_grace_period !== undefined) container.StopGracePeriod = dur(s.stop_grace_period);
  set('StopSignal', s.stop_signal);
  set('TTY', s.tty);
  set('OpenStdin', s.stdin_open);
  set('ReadOnly', s.read_only);
  set('Secrets', fileRefs(stack, s.secrets, config.secrets, ids.secrets, 'secret', s.name));
  set('Configs', fileRefs(stack, s.configs, config.configs, ids.configs, 'config', s.name));
  set('Isolation', s.isolation);
  if (s.init !== undefined) container.Init = s.init;
  set('Sysctls', s.sysctls);
  set('CapabilityAdd', caps.add);
  set('CapabilityDrop', caps.drop);
  set('Ulimits', Object.keys(s.ulimits).sort().map((name) => {
    const u = s.ulimits[name];
    return { Name: name, Soft: u.single ?? u.soft ?? 0, Hard: u.single ?? u.hard ?? 0 };
  }));
  set('OomScoreAdj', s.oom_score_adj);

  const placement: Record<string, unknown> = {};
  const pl = s.deploy.placement;
  if (pl?.constraints?.length) placement.Constraints = pl.constraints;
  if (pl?.preferences?.length) placement.Preferences = pl.preferences.map((p) => ({ Spread: { SpreadDescriptor: p.spread ?? '' } }));
  if (pl?.max_replicas_per_node) placement.MaxReplicas = pl.max_replicas_per_node;

  const ports = s.ports
    .map((p) => ({
      ...(p.protocol ? { Protocol: p.protocol } : {}),
      TargetPort: p.target,
      ...(p.published ? { PublishedPort: p.published } : {}),
      ...(p.mode ? { PublishMode: p.mode } : {}),
    }))
    .sort((a, b) => (a.PublishedPort ?? 0) - (b.PublishedPort ?? 0) || a.TargetPort - b.TargetPort || (a.Protocol ?? '').localeCompare(b.Protocol ?? '') || (a.PublishMode ?? '').localeCompare(b.PublishMode ?? ''));

  const spec: ServiceSpec = {
    Name: scope(stack, s.name),
    Labels: { ...addStackLabel(stack, s.deploy.labels), [LABEL_IMAGE]: s.image ?? '' },
    TaskTemplate: {
      ContainerSpec: container,
      Resources: resources(s),
      Placement: placement,
      Networks: networks(stack, s, config),
    },
    Mode: convertMode(s),
    EndpointSpec: { ...(s.deploy.endpoint_mode ? { Mode: s.deploy.endpoint_mode.toLowerCase() } : {}), ...(ports.length ? { Ports: ports } : {}) },
  };
  const rp = restartPolicy(s);
  if (rp) spec.TaskTemplate.RestartPolicy = rp;
  if (s.logging) spec.TaskTemplate.LogDriver = { ...(s.logging.driver ? { Name: s.logging.driver } : {}), ...(s.logging.options ? { Options: s.logging.options } : {}) };
  const uc = updateConfig(s.deploy.update_config);
  if (uc) spec.UpdateConfig = uc;
  const rc = updateConfig(s.deploy.rollback_config);
  if (rc) spec.RollbackConfig = rc;
  return spec;
}
