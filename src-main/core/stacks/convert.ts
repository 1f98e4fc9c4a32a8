// compose model -> engine objects, as docker/cli cli/compose/convert/compose.go does it: namespaces, labels,
// networks, secrets and configs.
import type { ComposeConfig, FileObjectConfig } from './model';
import type { FileObjectSpec, Labels, NetworkCreate } from './engine-types';

export const LABEL_NAMESPACE = 'com.docker.stack.namespace';
export const LABEL_IMAGE = 'com.docker.stack.image';

export class ConvertError extends Error {
  constructor(
    message: string,
    /** dotted path of the field at fault, when known */
    readonly path = '',
  ) {
    super(message);
  }
}

export function scope(stack: string, name: string): string {
  return `${stack}_${name}`;
}

export function addStackLabel(stack: string, labels?: Labels): Labels {
  return { ...(labels ?? {}), [LABEL_NAMESPACE]: stack };
}

/** networks used by some service; a service without networks uses `default` */
export function servicesNetworks(config: ComposeConfig): Set<string> {
  const used = new Set<string>();
  for (const s of config.services) {
    const nets = s.networks && Object.keys(s.networks).length ? Object.keys(s.networks) : ['default'];
    nets.forEach((n) => used.add(n));
  }
  return used;
}

export interface ConvertedNetworks {
  /** name -> create options */
  create: Record<string, NetworkCreate>;
  external: string[];
}

export function convertNetworks(stack: string, config: ComposeConfig): ConvertedNetworks {
  const create: Record<string, NetworkCreate> = {};
  const external: string[] = [];
  for (const key of [...servicesNetworks(config)].sort()) {
    const n = config.networks[key] ?? {};
    if (n.external) {
      external.push(n.name ?? key);
      continue;
    }
    const opts: NetworkCreate = { Labels: addStackLabel(stack, n.labels), Driver: n.driver ?? '', Internal: !!n.internal, Attachable: !!n.attachable };
    if (n.driver_opts) opts.Options = n.driver_opts;
    if (n.ipam?.driver || (n.ipam?.config?.length ?? 0) > 0) {
      opts.IPAM = {};
      if (n.ipam?.driver) opts.IPAM.Driver = n.ipam.driver;
      for (const c of n.ipam?.config ?? []) (opts.IPAM.Config ??= []).push({ Subnet: c.subnet ?? '' });
    }
    create[n.name || scope(stack, key)] = opts;
  }
  return { create, external };
}

function fileObject(stack: string, key: string, obj: FileObjectConfig, readFile: (p: string) => Buffer, kind: string): FileObjectSpec {
  const spec: FileObjectSpec = { Name: obj.name || scope(stack, key), Labels: addStackLabel(stack, obj.labels), Data: '' };
  if (obj.driver) {
    if (kind === 'config') throw new ConvertError(`config ${key}: driver is not supported for configs`, `configs.${key}.driver`);
    if (obj.file) throw new ConvertError(`${kind} ${key}: driver and file cannot both be set; remove one`, `${kind}s.${key}.driver`);
    spec.Driver = { Name: obj.driver, ...(obj.driver_opts ? { Options: obj.driver_opts } : {}) };
  } else {
    if (!obj.file) throw new ConvertError(`${kind} ${key}: no file given: set file: or external: true`, `${kind}s.${key}`);
    try {
      spec.Data = readFile(obj.file).toString('base64');
    } catch {
      throw new ConvertError(`${kind} ${key}: cannot read ${obj.file}: check the file: path (relative paths start at the first compose file's folder)`, `${kind}s.${key}.file`);
    }
  }
  if (obj.template_driver) spec.Templating = { Name: obj.template_driver };
  return spec;
}

export function convertSecrets(stack: string, config: ComposeConfig, readFile: (p: string) => Buffer): FileObjectSpec[] {
  return Object.entries(config.secrets)
    .filter(([, s]) => !s.external)
    .map(([k, s]) => fileObject(stack, k, s, readFile, 'secret'))
    .sort((a, b) => a.Name.localeCompare(b.Name));
}

export function convertConfigs(stack: string, config: ComposeConfig, readFile: (p: string) => Buffer): FileObjectSpec[] {
  return Object.entries(config.configs)
    .filter(([, s]) => !s.external)
    .map(([k, s]) => fileObject(stack, k, s, readFile, 'config'))
    .sort((a, b) => a.Name.localeCompare(b.Name));
}
