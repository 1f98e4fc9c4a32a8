// Importing docker-machine machines (config.json v3 under ~/.docker/machine). Read-only: Flotilla
// records where the machine's files are and uses them in place; it never writes there.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FlotillaError } from '../../api/errors';
import { isValidMachineName } from './names';
import type { MachineStore } from './store';
import { writeMachineContext } from './contexts';
import { tlsVersion } from './tls-engine';
import { CONFIG_VERSION, type MachineConfig } from './types';

interface V3Config {
  ConfigVersion?: number;
  DriverName?: string;
  Name?: string;
  Driver?: { IPAddress?: string; SSHUser?: string; SSHPort?: number; SSHKeyPath?: string; EnginePort?: number; SSHHostname?: string };
  HostOptions?: { EngineOptions?: { Labels?: string[]; RegistryMirror?: string[]; InsecureRegistry?: string[] }; AuthOptions?: { StorePath?: string } };
}

export interface ImportResult {
  name: string;
  imported: boolean;
  reason?: string;
  url?: string;
  reachable?: boolean;
  dockerVersion?: string;
  /** the docker context made for it (`docker --context NAME`), removed with the machine */
  context?: string;
}

export function defaultDockerMachineStore(env: NodeJS.ProcessEnv = process.env): string {
  return env.MACHINE_STORAGE_PATH ?? path.join(os.homedir(), '.docker', 'machine');
}

/** Imports every machine (or the named ones) of a docker-machine store; existing Flotilla names are skipped. */
export async function importDockerMachines(store: MachineStore, opts: { storePath?: string; names?: string[] } = {}): Promise<ImportResult[]> {
  const src = path.resolve(opts.storePath ?? defaultDockerMachineStore());
  let entries: string[];
  try {
    entries = (await fs.readdir(path.join(src, 'machines'), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    throw new FlotillaError('NOT_FOUND', `no docker-machine store at ${src} (expected ${path.join(src, 'machines')}): pass --from PATH`);
  }
  const wanted = opts.names?.length ? opts.names : entries.sort();
  const out: ImportResult[] = [];
  for (const name of wanted) {
    const mdir = path.join(src, 'machines', name);
    let raw: V3Config;
    try {
      raw = JSON.parse(await fs.readFile(path.join(mdir, 'config.json'), 'utf8')) as V3Config;
    } catch (e) {
      out.push({ name, imported: false, reason: `cannot read ${path.join(mdir, 'config.json')}: ${(e as Error).message}` });
      continue;
    }
    if ((raw.ConfigVersion ?? 0) !== 3) {
      out.push({ name, imported: false, reason: `config version ${raw.ConfigVersion ?? 'missing'} is not 3: run docker-machine once to migrate it` });
      continue;
    }
    const ip = raw.Driver?.IPAddress;
    if (!ip) {
      out.push({ name, imported: false, reason: 'its config.json has no Driver.IPAddress (was it ever started?)' });
      continue;
    }
    if (!isValidMachineName(name)) {
      out.push({ name, imported: false, reason: 'its name is not a valid Flotilla machine name' });
      continue;
    }
    try {
      await store.reserve(name);
    } catch (e) {
      out.push({ name, imported: false, reason: (e as Error).message });
      continue;
    }
    const enginePort = raw.Driver?.EnginePort ?? 2376;
    const sshKey = raw.Driver?.SSHKeyPath || path.join(mdir, 'id_rsa');
    const eo = raw.HostOptions?.EngineOptions;
    const cfg: MachineConfig = {
      configVersion: CONFIG_VERSION,
      name,
      driver: 'docker-machine',
      createdAt: new Date().toISOString(),
      state: 'ready',
      spec: { cpus: 0, memoryMb: 0, diskGb: 0, options: {} },
      engine: { labels: eo?.Labels ?? [], registryMirrors: eo?.RegistryMirror ?? [], insecureRegistries: eo?.InsecureRegistry ?? [], tlsSans: [] },
      endpoint: {
        ip,
        // VirtualBox machines answer SSH on a NAT-forwarded localhost port
        ssh: { host: raw.DriverName === 'virtualbox' ? '127.0.0.1' : ip, port: raw.Driver?.SSHPort ?? 22, user: raw.Driver?.SSHUser ?? 'docker' },
        docker: { host: ip, port: enginePort },
      },
      driverData: { address: ip, enginePort, sshHost: raw.DriverName === 'virtualbox' ? '127.0.0.1' : ip, sshPort: raw.Driver?.SSHPort ?? 22, user: raw.Driver?.SSHUser ?? 'docker', driverName: raw.DriverName ?? 'unknown' },
      sshKey,
      imported: { storePath: src, machineDir: mdir, driverName: raw.DriverName ?? 'unknown' },
    };
    await store.save(cfg);
    const r: ImportResult = { name, imported: true, url: `tcp://${ip}:${enginePort}` };
    try {
      r.dockerVersion = await tlsVersion({ host: ip, port: enginePort, ca: path.join(mdir, 'ca.pem'), cert: path.join(mdir, 'cert.pem'), key: path.join(mdir, 'key.pem') }, 8_000);
      r.reachable = true;
      await store.update(name, (c) => (c.dockerVersion = r.dockerVersion));
    } catch {
      r.reachable = false;
    }
    // docker-machine users switch with `eval $(docker-machine env NAME)`; Flotilla also keeps a context per
    // machine, made from the machine folder's TLS files (docker copies them into its own store, so the
    // docker-machine files stay untouched)
    const tls = { ca: path.join(mdir, 'ca.pem'), cert: path.join(mdir, 'cert.pem'), key: path.join(mdir, 'key.pem') };
    const missing = (await Promise.all(Object.values(tls).map((f) => fs.access(f).then(() => '', () => f)))).filter(Boolean);
    const c = missing.length ? { ok: false as const, reason: `its TLS files are missing (${missing.join(', ')})` } : await writeMachineContext(name, ip, enginePort, tls);
    if (c.ok) {
      r.context = name;
      await store.update(name, (x) => (x.context = name));
    } else r.reason = `no docker context: ${c.reason}`;
    out.push(r);
  }
  return out;
}
