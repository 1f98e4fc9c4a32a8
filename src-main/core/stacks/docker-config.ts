// `flotilla stack config` prints exactly what `docker stack config` prints: the loaded model laid out as docker/cli's
// compose types (cli/compose/types) marshal through yaml.v3: their field order, `omitempty` (a struct whose fields
// are all empty is left out), Duration as Go's time.Duration.String() ("1m30s"), sizes (UnitBytes) as quoted byte
// counts, pointers printed even when zero (replicas: 0), and Go maps in yaml.v3's key order. The writer is goyaml.ts.
import { bool, gomap, goYaml, int, nul, seq, str, struct, type GoNode } from './goyaml';
import { markedTime } from './gotime';
import type { ComposeConfig, FileObjectConfig, FileRef, MountConfig, NetworkConfig, PortConfig, ServiceConfig, UpdateConfig, VolumeConfig } from './model';
import type { Json } from './types';
import { goSprint, parseDuration, ramInBytes } from './units';

/** Go's time.Duration.String() of a count of nanoseconds */
export function goDuration(nsIn: bigint): string {
  if (nsIn === 0n) return '0s';
  const neg = nsIn < 0n;
  const u = neg ? -nsIn : nsIn;
  const sign = neg ? '-' : '';
  const frac = (v: bigint, prec: number): string => {
    const p = 10n ** BigInt(prec);
    const whole = v / p;
    const f = (v % p).toString().padStart(prec, '0').replace(/0+$/, '');
    return f ? `${whole}.${f}` : `${whole}`;
  };
  if (u < 1_000_000_000n) {
    if (u < 1000n) return `${sign}${u}ns`;
    if (u < 1_000_000n) return `${sign}${frac(u, 3)}µs`;
    return `${sign}${frac(u, 6)}ms`;
  }
  let out = `${frac(u % 60_000_000_000n, 9)}s`;
  if (u >= 60_000_000_000n) out = `${(u / 60_000_000_000n) % 60n}m${out}`;
  if (u >= 3_600_000_000_000n) out = `${u / 3_600_000_000_000n}h${out}`;
  return sign + out;
}

type Val = GoNode | undefined;
const s = (v: unknown): Val => (v === undefined || v === null || v === '' ? undefined : str(String(v)));
const b = (v: unknown): Val => (v === true ? bool(true) : undefined);
/** a *bool: printed whenever set */
const bp = (v: unknown): Val => (typeof v === 'boolean' ? bool(v) : undefined);
/** an int with omitempty */
const n = (v: unknown): Val => (typeof v === 'number' && v !== 0 ? int(v) : undefined);
/** a *uint64 / *int: printed whenever set, even 0 */
const np = (v: unknown): Val => (typeof v === 'number' ? int(v) : undefined);
const list = (v: readonly unknown[] | undefined): Val => (v && v.length ? seq(v.map((x) => str(String(x)))) : undefined);
const strMap = (m: Record<string, string | null | undefined> | undefined): Val => {
  const e = Object.entries(m ?? {});
  return e.length ? gomap(e.map(([k, v]) => [k, v === null || v === undefined ? nul : str(v)])) : undefined;
};
/** a non-pointer struct with omitempty: left out when every field is */
const obj = (entries: Array<[string, Val]>): Val => (entries.some(([, v]) => v !== undefined) ? struct(entries) : undefined);

/** a Duration field: parsed as docker parses it, printed as Go prints it; `zeroOmitted` for non-pointer fields */
function dur(v: unknown, zeroOmitted = false): Val {
  if (v === undefined || v === null || v === '') return undefined;
  const ns = typeof v === 'number' ? BigInt(Math.round(v)) : BigInt(parseDuration(String(v)));
  if (zeroOmitted && ns === 0n) return undefined;
  return str(goDuration(ns));
}

/** UnitBytes: MarshalYAML gives fmt.Sprintf("%d"), a string (so yaml.v3 quotes it); 0 is left out */
function bytes(v: unknown): Val {
  if (v === undefined || v === null || v === '') return undefined;
  const count = typeof v === 'number' ? Math.trunc(v) : ramInBytes(String(v));
  return count === 0 ? undefined : str(String(count));
}

function update(u: UpdateConfig | undefined): Val {
  if (!u) return undefined;
  return struct([
    ['parallelism', np(u.parallelism)],
    ['delay', dur(u.delay, true)],
    ['failure_action', s(u.failure_action)],
    ['monitor', dur(u.monitor, true)],
    ['max_failure_ratio', typeof u.max_failure_ratio === 'number' && u.max_failure_ratio !== 0 ? { kind: 'float', value: Math.fround(u.max_failure_ratio), bits: 32 } : undefined],
    ['order', s(u.order)],
  ]);
}

function deploy(d: ServiceConfig['deploy']): Val {
  const r = d.resources;
  const limits = r?.limits ? struct([['cpus', s(r.limits.cpus)], ['memory', bytes(r.limits.memory)], ['pids', n(r.limits.pids)]]) : undefined;
  const reservations = r?.reservations
    ? struct([
        ['cpus', s(r.reservations.cpus)],
        ['memory', bytes(r.reservations.memory)],
        [
          'generic_resources',
          r.reservations.generic_resources?.length
            ? seq(r.reservations.generic_resources.map((g) => struct([['discrete_resource_spec', g.discrete_resource_spec ? struct([['kind', str(g.discrete_resource_spec.kind ?? '')], ['value', int(g.discrete_resource_spec.value ?? 0)]]) : undefined]])))
            : undefined,
        ],
      ])
    : undefined;
  const rp = d.restart_policy;
  const pl = d.placement;
  return obj([
    ['mode', s(d.mode)],
    ['replicas', np(d.replicas)],
    ['labels', strMap(d.labels)],
    ['update_config', update(d.update_config)],
    ['rollback_config', update(d.rollback_config)],
    ['resources', obj([['limits', limits], ['reservations', reservations]])],
    ['restart_policy', rp ? struct([['condition', s(rp.condition)], ['delay', dur(rp.delay)], ['max_attempts', np(rp.max_attempts)], ['window', dur(rp.window)]]) : undefined],
    ['placement', pl ? obj([['constraints', list(pl.constraints)], ['preferences', pl.preferences?.length ? seq(pl.preferences.map((p) => struct([['spread', s(p.spread)]]))) : undefined], ['max_replicas_per_node', n(pl.max_replicas_per_node)]]) : undefined],
    ['endpoint_mode', s(d.endpoint_mode)],
  ]);
}

const port = (p: PortConfig): GoNode => struct([['mode', s(p.mode)], ['target', n(p.target)], ['published', n(p.published)], ['protocol', s(p.protocol)]]);

function mount(m: MountConfig): GoNode {
  const vol = m.volume ? struct([['nocopy', b(m.volume.nocopy)], ['subpath', s(m.volume.subpath)]]) : undefined;
  const tmpfsSize = m.tmpfs?.size;
  return struct([
    ['type', s(m.type)],
    ['source', s(m.source)],
    ['target', s(m.target)],
    ['read_only', b(m.read_only)],
    ['consistency', s(m.consistency)],
    ['bind', m.bind ? struct([['propagation', s(m.bind.propagation)]]) : undefined],
    ['volume', vol],
    ['tmpfs', m.tmpfs ? struct([['size', typeof tmpfsSize === 'string' ? n(ramInBytes(tmpfsSize)) : n(tmpfsSize)]]) : undefined],
  ]);
}

const ref = (r: FileRef): GoNode => struct([['source', s(r.source)], ['target', s(r.target)], ['uid', s(r.uid)], ['gid', s(r.gid)], ['mode', np(r.mode)]]);

/** the docker-kept keys Flotilla does not deploy (build, tmpfs, ...), as the loader normalised them */
const kept = (svc: ServiceConfig, key: string): Json | undefined => svc.kept?.[key];
const keptList = (svc: ServiceConfig, key: string): Val => {
  const v = kept(svc, key);
  return Array.isArray(v) ? list(v.map((x) => goSprint(x))) : undefined;
};

function build(v: Json | undefined): Val {
  if (v === undefined || v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const args = v.args as Record<string, string | null> | undefined;
  return obj([
    ['context', s(v.context)],
    ['dockerfile', s(v.dockerfile)],
    ['args', strMap(args)],
    ['labels', strMap(v.labels as Record<string, string> | undefined)],
    ['cache_from', Array.isArray(v.cache_from) ? list(v.cache_from) : undefined],
    ['extra_hosts', Array.isArray(v.extra_hosts) ? list(v.extra_hosts) : undefined],
    ['network', s(v.network)],
    ['target', s(v.target)],
  ]);
}

function service(svc: ServiceConfig): GoNode {
  const h = svc.healthcheck;
  const nets = svc.networks;
  const extras = Object.entries(svc.extras ?? {});
  return struct([
    ['build', build(kept(svc, 'build'))],
    ['cap_add', list(svc.cap_add)],
    ['cap_drop', list(svc.cap_drop)],
    ['cgroupns_mode', s(kept(svc, 'cgroupns_mode'))],
    ['cgroup_parent', s(kept(svc, 'cgroup_parent'))],
    ['command', list(svc.command)],
    ['configs', svc.configs.length ? seq(svc.configs.map(ref)) : undefined],
    ['container_name', s(kept(svc, 'container_name'))],
    ['credential_spec', svc.credential_spec ? obj([['config', s(svc.credential_spec.config)], ['file', s(svc.credential_spec.file)], ['registry', s(svc.credential_spec.registry)]]) : undefined],
    ['depends_on', keptList(svc, 'depends_on')],
    ['deploy', deploy(svc.deploy)],
    ['devices', keptList(svc, 'devices')],
    ['dns', list(svc.dns)],
    ['dns_search', list(svc.dns_search)],
    ['domainname', s(kept(svc, 'domainname'))],
    ['entrypoint', list(svc.entrypoint)],
    ['environment', strMap(svc.environment)],
    ['env_file', keptList(svc, 'env_file')],
    ['expose', keptList(svc, 'expose')],
    ['external_links', keptList(svc, 'external_links')],
    ['extra_hosts', list(svc.extra_hosts)],
    ['hostname', s(svc.hostname)],
    [
      'healthcheck',
      h
        ? struct([
            ['test', list(h.test)],
            ['timeout', dur(h.timeout)],
            ['interval', dur(h.interval)],
            ['retries', np(h.retries)],
            ['start_period', dur(h.start_period)],
            ['start_interval', dur(h.start_interval)],
            ['disable', b(h.disable)],
          ])
        : undefined,
    ],
    ['image', s(svc.image)],
    ['init', bp(svc.init)],
    ['ipc', s(kept(svc, 'ipc'))],
    ['isolation', s(svc.isolation)],
    ['labels', strMap(svc.labels)],
    ['links', keptList(svc, 'links')],
    ['logging', svc.logging ? struct([['driver', s(svc.logging.driver)], ['options', strMap(svc.logging.options)]]) : undefined],
    ['mac_address', s(kept(svc, 'mac_address'))],
    ['network_mode', s(kept(svc, 'network_mode'))],
    ['networks', nets && Object.keys(nets).length ? gomap(Object.entries(nets).map(([k, v]) => [k, v ? struct([['aliases', list(v.aliases)], ['ipv4_address', s(v.ipv4_address)], ['ipv6_address', s(v.ipv6_address)]]) : nul])) : undefined],
    ['pid', s(kept(svc, 'pid'))],
    ['ports', svc.ports.length ? seq(svc.ports.map(port)) : undefined],
    ['privileged', b(svc.privileged)],
    ['read_only', b(svc.read_only)],
    ['restart', s(svc.restart)],
    ['secrets', svc.secrets.length ? seq(svc.secrets.map(ref)) : undefined],
    ['security_opt', keptList(svc, 'security_opt')],
    ['shm_size', s(kept(svc, 'shm_size'))],
    ['stdin_open', b(svc.stdin_open)],
    ['stop_grace_period', dur(svc.stop_grace_period)],
    ['stop_signal', s(svc.stop_signal)],
    ['sysctls', strMap(svc.sysctls)],
    ['tmpfs', keptList(svc, 'tmpfs')],
    ['tty', b(svc.tty)],
    ['ulimits', Object.keys(svc.ulimits).length ? gomap(Object.entries(svc.ulimits).map(([k, u]) => [k, u.single ? int(u.single) : struct([['soft', n(u.soft)], ['hard', n(u.hard)]])])) : undefined],
    ['user', s(svc.user)],
    ['userns_mode', s(kept(svc, 'userns_mode'))],
    ['volumes', svc.volumes.length ? seq(svc.volumes.map(mount)) : undefined],
    ['working_dir', s(svc.working_dir)],
    ...(gomap(extras.map(([k, v]) => [k, json(v)])) as { entries: Array<[string, GoNode]> }).entries,
  ]);
}

/** an extension value (x-...): a Go interface{} decoded from YAML, printed back as yaml.v3 prints it */
function json(v: Json): GoNode {
  if (v === null) return nul;
  if (typeof v === 'boolean') return bool(v);
  if (typeof v === 'number') return Number.isInteger(v) ? int(v) : { kind: 'float', value: v, bits: 64 };
  if (typeof v === 'string') {
    const time = markedTime(v);
    return time === undefined ? str(v) : { kind: 'time', value: time };
  }
  if (Array.isArray(v)) return seq(v.map(json));
  return gomap(Object.entries(v).map(([k, x]) => [k, json(x)]));
}

/** External.MarshalYAML: a bool when it has no name of its own (as loaded, the name is on the object) */
const external = (e: boolean | undefined): Val => (e ? bool(true) : undefined);

const network = (c: NetworkConfig): GoNode =>
  struct([
    ['name', s(c.name)],
    ['driver', s(c.driver)],
    ['driver_opts', strMap(c.driver_opts)],
    ['ipam', c.ipam ? obj([['driver', s(c.ipam.driver)], ['config', c.ipam.config?.length ? seq(c.ipam.config.map((p) => struct([['subnet', s(p.subnet)]]))) : undefined]]) : undefined],
    ['external', external(c.external)],
    ['internal', b(c.internal)],
    ['attachable', b(c.attachable)],
    ['labels', strMap(c.labels)],
  ]);

const volume = (c: VolumeConfig): GoNode => struct([['name', s(c.name)], ['driver', s(c.driver)], ['driver_opts', strMap(c.driver_opts)], ['external', external(c.external)], ['labels', strMap(c.labels)]]);

const fileObject = (c: FileObjectConfig): GoNode =>
  struct([
    ['name', s(c.name)],
    ['file', s(c.file)],
    ['external', external(c.external)],
    ['labels', strMap(c.labels)],
    ['driver', s(c.driver)],
    ['driver_opts', strMap(c.driver_opts)],
    ['template_driver', s(c.template_driver)],
  ]);

function section<T>(m: Record<string, T>, f: (t: T) => GoNode): Val {
  const e = Object.entries(m);
  return e.length ? gomap(e.map(([k, v]) => [k, f(v)])) : undefined;
}

/** the text `docker stack config` prints for this loaded configuration */
export function dockerConfigText(config: ComposeConfig, topExtras: Record<string, Json> = {}): string {
  return goYaml(
    struct([
      ['version', str(config.version)],
      ['services', gomap(config.services.map((svc) => [svc.name, service(svc)]))],
      ['networks', section(config.networks, network)],
      ['volumes', section(config.volumes, volume)],
      ['secrets', section(config.secrets, fileObject)],
      ['configs', section(config.configs, fileObject)],
      ...(gomap(Object.entries(topExtras).map(([k, v]) => [k, json(v)])) as { entries: Array<[string, GoNode]> }).entries,
    ]),
  );
}
