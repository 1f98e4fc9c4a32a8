// Read-only verbs: ls (parallel, with a timeout), status, inspect (never private keys), ip, url,
// config, env, active, version.
import fs from 'node:fs/promises';
import path from 'node:path';
import { FlotillaError } from '../../api/errors';
import { certInfo, type CertInfo } from './certs';
import { getDriver } from './drivers/index';
import type { MachineState } from './drivers/types';
import { effectiveState, interruptedError, tlsFilesOf } from './lifecycle';
import { type MachineStore } from './store';
import { tlsDocker } from './tls-engine';
import type { MachineConfig, MachineSummary } from './types';

export function machineUrl(cfg: MachineConfig): string {
  return cfg.endpoint ? `tcp://${cfg.endpoint.docker.host}:${cfg.endpoint.docker.port}` : '';
}

/** The machine's state as the driver sees it, with the store's `error`/`creating` on top (an interrupted create is `error`). */
export async function machineState(store: MachineStore, cfg: MachineConfig, signal?: AbortSignal): Promise<MachineState> {
  const st = effectiveState(store, cfg);
  if (st === 'error') return 'error';
  if (st === 'creating' || st === 'provisioning') return 'creating';
  if (!Object.keys(cfg.driverData).length) return 'error';
  return getDriver(cfg.driver).state(cfg.driverData, signal);
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  return Promise.race([p, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref())]);
}

async function summarize(store: MachineStore, name: string, dockerHost: string | undefined, signal: AbortSignal, timeoutMs: number): Promise<MachineSummary> {
  let cfg: MachineConfig;
  try {
    cfg = await store.load(name);
  } catch (e) {
    return { name, driver: 'not found', state: 'error', url: '', active: false, swarm: '', docker: 'Unknown', error: (e as Error).message };
  }
  const url = machineUrl(cfg);
  const base: MachineSummary = { name, driver: cfg.driver, state: 'unknown', url, active: Boolean(url) && url === dockerHost, swarm: '', docker: 'Unknown', error: '' };
  try {
    base.state = await machineState(store, cfg, signal);
  } catch (e) {
    return { ...base, state: 'error', error: (e as Error).message };
  }
  if (base.state === 'error') return { ...base, error: cfg.lastError ?? interruptedError(store, cfg) ?? `the machine has no host: retry with \`flotilla machine provision ${name}\` or remove it with \`flotilla machine rm ${name}\`` };
  if (base.state !== 'running' || !cfg.endpoint) return { ...base, url: base.state === 'running' ? url : '' };
  try {
    const d = await tlsDocker({ ...cfg.endpoint.docker, ...tlsFilesOf(store, cfg) }, Math.min(8_000, timeoutMs));
    // dockerode takes abortSignal in these options; its types do not say so
    const ds = d as unknown as { version(o: { abortSignal: AbortSignal }): Promise<{ Version: string }>; info(o: { abortSignal: AbortSignal }): Promise<{ Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } }> };
    const [v, info] = await Promise.all([ds.version({ abortSignal: signal }), ds.info({ abortSignal: signal })]);
    base.docker = `v${v.Version}`;
    const s = info.Swarm;
    if (s?.LocalNodeState === 'active') base.swarm = s.ControlAvailable ? 'manager' : 'worker';
  } catch (e) {
    base.error = `Unable to query docker version: ${(e as Error).message}`;
  }
  return base;
}

/** Every machine, queried in parallel; one that does not answer within timeoutMs shows state `timeout`. */
export async function listMachines(store: MachineStore, opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<MachineSummary[]> {
  const names = await store.names();
  const dockerHost = (opts.env ?? process.env).DOCKER_HOST;
  const ms = opts.timeoutMs ?? 10_000;
  return Promise.all(
    names.map(async (name) => {
      // the query is aborted at the deadline, so no socket to a silent engine outlives `ls` (the CLI would wait for it)
      const ac = new AbortController();
      const r = await withTimeout(summarize(store, name, dockerHost, ac.signal, ms), ms);
      if (r === 'timeout') {
        ac.abort();
        const cfg = await store.load(name).catch(() => undefined);
        return { name, driver: cfg?.driver ?? 'unknown', state: 'timeout' as const, url: '', active: false, swarm: '', docker: 'Unknown', error: `no answer within ${Math.round(ms / 1000)} s` };
      }
      return r;
    }),
  );
}

export interface MachineInspect {
  name: string;
  driver: string;
  state: MachineState;
  storeState: MachineConfig['state'];
  lastError?: string;
  createdAt: string;
  url: string;
  ip?: string;
  ssh?: { host: string; port: number; user: string; keyPath: string };
  spec: MachineConfig['spec'];
  engine: MachineConfig['engine'];
  os?: MachineConfig['os'];
  dockerVersion?: string;
  driverData: MachineConfig['driverData'];
  tls: { certPath: string; ca: string; cert: string; key: string; serverCert?: CertInfo; clientCert?: CertInfo; caCert?: CertInfo };
  context?: string;
  imported?: MachineConfig['imported'];
  machineDir: string;
  logPath: string;
}

async function readInfo(file: string): Promise<CertInfo | undefined> {
  try {
    return certInfo(await fs.readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Everything about a machine except secret contents (paths of keys only). */
export async function inspectMachine(store: MachineStore, name: string): Promise<MachineInspect> {
  const cfg = await store.load(name);
  const tls = tlsFilesOf(store, cfg);
  const dir = store.machineDir(name);
  const state = await machineState(store, cfg).catch(() => 'unknown' as const);
  return {
    name,
    driver: cfg.driver,
    state,
    storeState: effectiveState(store, cfg),
    lastError: cfg.lastError ?? interruptedError(store, cfg),
    createdAt: cfg.createdAt,
    url: machineUrl(cfg),
    ip: cfg.endpoint?.ip,
    ssh: cfg.endpoint ? { ...cfg.endpoint.ssh, keyPath: path.isAbsolute(cfg.sshKey) ? cfg.sshKey : path.join(dir, cfg.sshKey) } : undefined,
    spec: cfg.spec,
    engine: cfg.engine,
    os: cfg.os,
    dockerVersion: cfg.dockerVersion,
    driverData: cfg.driverData,
    tls: {
      certPath: path.dirname(tls.ca),
      ...tls,
      serverCert: await readInfo(cfg.imported ? path.join(cfg.imported.machineDir, 'server.pem') : path.join(dir, 'server.pem')),
      clientCert: await readInfo(tls.cert),
      caCert: await readInfo(tls.ca),
    },
    context: cfg.context,
    imported: cfg.imported,
    machineDir: dir,
    logPath: store.logPath(name),
  };
}

async function ready(store: MachineStore, name: string): Promise<MachineConfig & { endpoint: NonNullable<MachineConfig['endpoint']> }> {
  const cfg = await store.load(name);
  if (!cfg.endpoint) throw new FlotillaError('PRECONDITION', `machine ${name} has no host yet: run \`flotilla machine provision ${name}\``);
  return cfg as MachineConfig & { endpoint: NonNullable<MachineConfig['endpoint']> };
}

export async function machineIp(store: MachineStore, name: string): Promise<string> {
  return (await ready(store, name)).endpoint.ip;
}

export async function machineUrlOf(store: MachineStore, name: string): Promise<string> {
  const cfg = await ready(store, name);
  const st = await machineState(store, cfg);
  if (st !== 'running') throw new FlotillaError('PRECONDITION', `machine ${name} is not running (${st}): start it with \`flotilla machine start ${name}\``);
  return machineUrl(cfg);
}

/** The docker CLI flags for the machine (`docker $(flotilla machine config NAME) ps`). */
export async function machineConfigFlags(store: MachineStore, name: string): Promise<string[]> {
  const cfg = await ready(store, name);
  const t = tlsFilesOf(store, cfg);
  return ['--tlsverify', `--tlscacert=${t.ca}`, `--tlscert=${t.cert}`, `--tlskey=${t.key}`, `-H=${machineUrl(cfg)}`];
}

/** docker-machine's env values; checks the TLS connection first (as docker-machine does). */
export async function machineEnv(store: MachineStore, name: string, opts: { check?: boolean } = {}): Promise<{ DOCKER_TLS_VERIFY: string; DOCKER_HOST: string; DOCKER_CERT_PATH: string; DOCKER_MACHINE_NAME: string }> {
  const cfg = await ready(store, name);
  const t = tlsFilesOf(store, cfg);
  if (opts.check !== false) {
    try {
      await (await tlsDocker({ ...cfg.endpoint.docker, ...t }, 8_000)).ping();
    } catch (e) {
      throw new FlotillaError('UNREACHABLE', `error checking the TLS connection to ${name} (${(e as Error).message}): is it running? If its address changed, run \`flotilla machine regenerate-certs ${name}\``);
    }
  }
  return { DOCKER_TLS_VERIFY: '1', DOCKER_HOST: machineUrl(cfg), DOCKER_CERT_PATH: path.dirname(t.ca), DOCKER_MACHINE_NAME: name };
}

/** The machine whose URL is $DOCKER_HOST, if any. */
export async function activeMachine(store: MachineStore, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const host = env.DOCKER_HOST;
  if (!host) return undefined;
  for (const n of await store.names()) {
    const cfg = await store.load(n).catch(() => undefined);
    if (cfg && machineUrl(cfg) === host) return n;
  }
  return undefined;
}

export async function machineDockerVersion(store: MachineStore, name: string): Promise<string> {
  const cfg = await ready(store, name);
  try {
    const v = await (await tlsDocker({ ...cfg.endpoint.docker, ...tlsFilesOf(store, cfg) }, 10_000)).version();
    return v.Version;
  } catch (e) {
    throw new FlotillaError('UNREACHABLE', `cannot reach the engine of ${name} at ${machineUrl(cfg)}: ${(e as Error).message}`);
  }
}
