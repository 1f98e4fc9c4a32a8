// Merging several -c files as docker/cli's loader/merge.go does (mergo WithOverride + WithAppendSlice,
// plus its special cases): services merge field by field; top-level networks/volumes/secrets/configs
// replace whole entries per key.
import type { ComposeConfig, FileRef, MountConfig, PortConfig, ServiceConfig } from './model';

// pointer fields in the Go types: any set value overrides, even 0 or false
const POINTER_FIELDS = new Set(['replicas', 'init', 'max_attempts', 'parallelism', 'retries', 'max_replicas_per_node', 'pids']);
// map fields: merged by key
const MAP_FIELDS = new Set(['environment', 'labels', 'sysctls', 'networks', 'ulimits', 'extras', 'driver_opts', 'options']);

function isZero(v: unknown): boolean {
  return v === undefined || v === null || v === '' || v === false || v === 0;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** mergo WithOverride + WithAppendSlice for one struct. */
function mergeStruct(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    if (MAP_FIELDS.has(k) && isPlainObject(v)) out[k] = { ...(isPlainObject(b) ? b : {}), ...v };
    else if (Array.isArray(v)) out[k] = [...(Array.isArray(b) ? b : []), ...v];
    else if (isPlainObject(v)) out[k] = isPlainObject(b) ? mergeStruct(b, v) : v;
    else if (POINTER_FIELDS.has(k) ? v !== undefined && v !== null : !isZero(v)) out[k] = v;
  }
  return out;
}

function keyedMerge<T>(base: T[], over: T[], key: (t: T) => string | number, cmp: (a: T, b: T) => number): T[] {
  const m = new Map<string | number, T>();
  for (const t of [...base, ...over]) {
    const k = key(t);
    const prev = m.get(k);
    m.set(k, prev && isPlainObject(prev) ? (mergeStruct(prev as Record<string, unknown>, t as Record<string, unknown>) as T) : t);
  }
  return [...m.values()].sort(cmp);
}

export function mergeService(base: ServiceConfig, over: ServiceConfig): ServiceConfig {
  const { ports, volumes, secrets, configs, command, entrypoint, logging, ...rest } = over;
  const merged = mergeStruct(
    { ...base, ports: [], volumes: [], secrets: [], configs: [], command: undefined, entrypoint: undefined, logging: undefined } as unknown as Record<string, unknown>,
    rest as unknown as Record<string, unknown>,
  ) as unknown as ServiceConfig;
  merged.ports = keyedMerge<PortConfig>(base.ports, ports, (p) => p.published ?? 0, (a, b) => (a.published ?? 0) - (b.published ?? 0));
  merged.volumes = keyedMerge<MountConfig>(base.volumes, volumes, (v) => v.target ?? '', (a, b) => (a.target ?? '').localeCompare(b.target ?? ''));
  merged.secrets = keyedMerge<FileRef>(base.secrets, secrets, (s) => s.source, (a, b) => a.source.localeCompare(b.source));
  merged.configs = keyedMerge<FileRef>(base.configs, configs, (s) => s.source, (a, b) => a.source.localeCompare(b.source));
  merged.command = command && command.length ? command : base.command;
  merged.entrypoint = entrypoint && entrypoint.length ? entrypoint : base.entrypoint;
  // logging: same driver (or one side without a driver) merges options; another driver replaces the block
  if (!logging) merged.logging = base.logging;
  else if (!base.logging) merged.logging = logging;
  else if (!logging.driver || !base.logging.driver || logging.driver === base.logging.driver)
    merged.logging = { driver: logging.driver || base.logging.driver, options: { ...(base.logging.options ?? {}), ...(logging.options ?? {}) } };
  else merged.logging = logging;
  return merged;
}

export function mergeConfigs(configs: ComposeConfig[]): ComposeConfig {
  const [first, ...rest] = configs;
  let out: ComposeConfig = first;
  for (const c of rest) {
    const services = new Map(out.services.map((s) => [s.name, s]));
    for (const s of c.services) {
      const prev = services.get(s.name);
      services.set(s.name, prev ? mergeService(prev, s) : s);
    }
    out = {
      version: out.version,
      services: [...services.values()].sort((a, b) => a.name.localeCompare(b.name)),
      networks: { ...out.networks, ...c.networks },
      volumes: { ...out.volumes, ...c.volumes },
      secrets: { ...out.secrets, ...c.secrets },
      configs: { ...out.configs, ...c.configs },
      ...(out.extras || c.extras ? { extras: { ...out.extras, ...c.extras } } : {}),
    };
  }
  return out;
}
