// create, provision, rm, start, stop, restart, kill, regenerate-certs, upgrade: the operations
// that change a machine. A create that fails after the host exists leaves the machine in `error`
// with its log (`provision` retries it); bad input leaves nothing behind; `rm` always works.
import fs from 'node:fs/promises';
import path from 'node:path';
import { FlotillaError, isFlotillaError, type ErrorCode } from '../../api/errors';
import { writeMachineCerts } from './certs';
import { opContext, readPublicKey, type EventSink, type OpContext } from './context';
import { removeMachineContext, writeMachineContext } from './contexts';
import { clearLease, leaseAlive, newLease, readLease, writeLease, type BusyLease } from './busy';
import { containerDriver } from './drivers/container';
import { getDriver, slowFactorOf } from './drivers/index';
import type { CreatedHost, HostEndpoint, MachineSpec } from './drivers/types';
import { entriesFor, fingerprint, forgetHost, readKnownHosts, recordHostKeys } from '../known-hosts';
import { validateEngineOptions } from './engine-options';
import { validateMachineName } from './names';
import { provision } from './provisioner';
import { ensureMachineKey, publicKeyOf } from '../sshkeys';
import { waitForSsh, withSsh, type SshTarget } from './ssh';
import { type MachineStore } from './store';
import { waitForTls } from './tls-engine';
import { CONFIG_VERSION, type EngineOptions, type MachineConfig } from './types';

export interface CreateOptions {
  name: string;
  driver: string;
  cpus?: number;
  memoryMb?: number;
  diskGb?: number;
  options?: Record<string, string | number | boolean>;
  engine?: Partial<EngineOptions>;
}

/** errors that mean "the request was wrong": nothing is kept */
const INPUT_ERRORS: ErrorCode[] = ['BAD_INPUT', 'CONFLICT', 'UNREACHABLE', 'AUTH', 'UNSUPPORTED', 'NOT_FOUND'];

export function sshTargetOf(store: MachineStore, cfg: MachineConfig): SshTarget {
  if (!cfg.endpoint) throw new FlotillaError('PRECONDITION', `machine ${cfg.name} has no host yet (its create did not finish): run \`flotilla machine provision ${cfg.name}\` or remove it`);
  const keyFile = path.isAbsolute(cfg.sshKey) ? cfg.sshKey : path.join(store.machineDir(cfg.name), cfg.sshKey);
  return { ...cfg.endpoint.ssh, privateKeyPath: keyFile, knownHostsFile: store.knownHostsFile };
}

export function tlsFilesOf(store: MachineStore, cfg: MachineConfig): { ca: string; cert: string; key: string } {
  if (cfg.imported) return { ca: path.join(cfg.imported.machineDir, 'ca.pem'), cert: path.join(cfg.imported.machineDir, 'cert.pem'), key: path.join(cfg.imported.machineDir, 'key.pem') };
  return store.tlsFiles(cfg.name);
}

/** config.state, with an abandoned create/provision (its lease's process is gone: killed, crashed, power cut) reported as error */
export function effectiveState(store: MachineStore, cfg: MachineConfig): MachineConfig['state'] {
  if (cfg.state !== 'creating' && cfg.state !== 'provisioning') return cfg.state;
  const lease = readLease(store.machineDir(cfg.name));
  return lease && leaseAlive(lease) ? cfg.state : 'error';
}

/** What `ls` says of a create/provision whose process died without a word: the step it died at, and what to do. */
export function interruptedError(store: MachineStore, cfg: MachineConfig): string | undefined {
  if (effectiveState(store, cfg) !== 'error' || cfg.state === 'error') return undefined;
  const lease = readLease(store.machineDir(cfg.name));
  const op = cfg.state === 'creating' ? 'create' : 'provision';
  const where = lease ? ` at step "${lease.step}"${lease.detail ? ` (${lease.detail})` : ''} (its process ${lease.pid} is gone)` : ' before its first step';
  return `the ${op} was interrupted${where}: retry with \`flotilla machine provision ${cfg.name}\` or remove it with \`flotilla machine rm ${cfg.name}\``;
}

/** Records the host keys a driver learned without the network for the host's SSH address, before the first connection. */
async function recordDriverHostKeys(store: MachineStore, made: CreatedHost, ctx: OpContext): Promise<void> {
  const { host, port } = made.endpoint.ssh;
  if (!made.hostKeys?.length) {
    ctx.log(`the ${host}:${port} host key is not known yet: the first SSH connection pins it`);
    return;
  }
  await recordHostKeys(store.knownHostsFile, host, port, made.hostKeys);
  ctx.log(`recorded the SSH host keys of ${host}:${port} in ${store.knownHostsFile}: ${made.hostKeys.map((k) => `${k.split(' ')[0]} ${fingerprint(k.split(' ')[1])}`).join(', ')}`);
}

/** A Ctrl+C (or the window's cancel) stops here, between steps, where the driver has cleaned up what it was making. */
function stopIfCancelled(signal: AbortSignal, name: string): void {
  if (signal.aborted) throw new FlotillaError('CANCELLED', `the create of ${name} was cancelled`);
}

export async function ctxFor(store: MachineStore, cfg: MachineConfig, sink: EventSink, signal: AbortSignal, leaseOp?: BusyLease['op']): Promise<OpContext> {
  const t = cfg.endpoint ? sshTargetOf(store, cfg) : { privateKeyPath: path.join(store.machineDir(cfg.name), cfg.sshKey) };
  return opContext(store, cfg.name, readPublicKey(t.privateKeyPath), t.privateKeyPath, sink, signal, leaseOp);
}

async function prepareGenericKey(store: MachineStore, name: string, options: Record<string, string | number | boolean>): Promise<string> {
  const keyOpt = options['generic-ssh-key'];
  if (!keyOpt) {
    await ensureMachineKey(store, name);
    return path.basename(store.sshKeyPath(name));
  }
  let key: string;
  try {
    key = await fs.readFile(String(keyOpt), 'utf8');
  } catch (e) {
    throw new FlotillaError('BAD_INPUT', `cannot read --generic-ssh-key ${String(keyOpt)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let pub: string;
  try {
    pub = publicKeyOf(key);
  } catch (e) {
    throw new FlotillaError('BAD_INPUT', `--generic-ssh-key ${String(keyOpt)} is not a private key Flotilla can read (${(e as Error).message}); passphrase-protected keys are not supported`);
  }
  const file = path.join(store.machineDir(name), 'id_generic');
  await store.writeSecret(file, key);
  await store.writeSecret(file + '.pub', pub + '\n');
  return 'id_generic';
}

export async function createMachine(store: MachineStore, o: CreateOptions, sink: EventSink = () => undefined, signal: AbortSignal = new AbortController().signal): Promise<MachineConfig> {
  validateMachineName(o.name);
  validateEngineOptions(o.engine ?? {});
  const driver = getDriver(o.driver);
  await store.reserve(o.name);
  writeLease(store.machineDir(o.name), newLease('create', 'saving the machine record'));
  const spec: MachineSpec = { name: o.name, cpus: o.cpus ?? 1, memoryMb: o.memoryMb ?? 1024, diskGb: o.diskGb ?? 20, options: o.options ?? {} };
  const engine: EngineOptions = { labels: o.engine?.labels ?? [], registryMirrors: o.engine?.registryMirrors ?? [], insecureRegistries: o.engine?.insecureRegistries ?? [], tlsSans: o.engine?.tlsSans ?? [] };
  let cfg: MachineConfig = {
    configVersion: CONFIG_VERSION,
    name: o.name,
    driver: driver.name,
    createdAt: new Date().toISOString(),
    state: 'creating',
    spec,
    engine,
    driverData: {},
    sshKey: driver.name === 'generic' && spec.options['generic-ssh-key'] ? 'id_generic' : path.basename(store.sshKeyPath(o.name)),
  };
  let hostMade = false;
  const ctx0 = opContext(store, o.name, '', '', sink, signal, 'create');
  try {
    // the record first: whatever happens after it (Ctrl+C, a crash, a power cut), `ls` shows the machine and `rm` removes it
    await store.save(cfg);
    ctx0.step('making the SSH key');
    if (driver.name === 'generic') await prepareGenericKey(store, o.name, spec.options);
    else await ensureMachineKey(store, o.name);
    stopIfCancelled(signal, o.name);
    ctx0.step('creating', `${o.name} with the ${driver.name} driver`);
    const ctx = await ctxFor(store, cfg, sink, signal, 'create');
    const made = await driver.create(spec, ctx);
    hostMade = true;
    cfg = await store.update(o.name, (c) => {
      c.endpoint = made.endpoint;
      c.driverData = made.data;
      c.state = 'provisioning';
    });
    await recordDriverHostKeys(store, made, ctx);
    if (driver.name === 'generic') {
      // a wrong key or user is bad input: check it before anything is changed on the server
      ctx.step('checking SSH access', `${made.endpoint.ssh.user}@${made.endpoint.ssh.host}:${made.endpoint.ssh.port}`);
      const pinned = await waitForSsh(sshTargetOf(store, cfg), 20_000, signal);
      if (pinned) ctx.log(pinned);
    }
    stopIfCancelled(signal, o.name);
    await ctx.flush();
  } catch (e) {
    await ctx0.flush();
    const code = isFlotillaError(e) ? e.code : 'INTERNAL';
    if (INPUT_ERRORS.includes(code)) {
      // nothing half-made: the driver cleaned its host; forget the machine
      if (hostMade) await getDriver(cfg.driver).remove(cfg.driverData, ctx0).catch(() => undefined);
      if (cfg.endpoint) await forgetHost(store.knownHostsFile, cfg.endpoint.ssh.host, cfg.endpoint.ssh.port).catch(() => undefined);
      await store.removeDir(o.name);
      throw e;
    }
    throw await markError(store, o.name, e, signal);
  }
  return provisionMachine(store, o.name, sink, signal);
}

/**
 * The machine's record says `error`, with the message and the step it failed at; the lease is given up. Returns the
 * error to throw: a cancelled one (Ctrl+C) says where it stopped and how to remove or retry.
 */
async function markError(store: MachineStore, name: string, e: unknown, signal: AbortSignal): Promise<unknown> {
  const lease = readLease(store.machineDir(name));
  const msg = `${e instanceof Error ? e.message : String(e)}${lease ? ` (at step "${lease.step}")` : ''}`;
  await store.appendLog(name, `${new Date().toISOString()} ERROR ${msg}`).catch(() => undefined);
  await store
    .update(name, (c) => {
      c.state = 'error';
      c.lastError = msg;
    })
    .catch(() => undefined);
  clearLease(store.machineDir(name));
  if (!signal.aborted && !(isFlotillaError(e) && e.code === 'CANCELLED')) return e;
  return new FlotillaError('CANCELLED', `${name} was stopped${lease ? ` at step "${lease.step}"` : ''}: remove it with \`flotilla machine rm ${name}\`, or retry with \`flotilla machine provision ${name}\``);
}

/** (Re)provisions: makes the host if an interrupted create never did, new server cert, TLS config, context. */
export async function provisionMachine(store: MachineStore, name: string, sink: EventSink = () => undefined, signal: AbortSignal = new AbortController().signal): Promise<MachineConfig> {
  let cfg = await store.load(name);
  if (cfg.imported) throw new FlotillaError('UNSUPPORTED', `machine ${name} was imported from docker-machine: provision it with docker-machine (Flotilla never changes imported machines)`);
  writeLease(store.machineDir(name), newLease('provision', 'starting'));
  cfg = await store.update(name, (c) => {
    c.state = 'provisioning';
    delete c.lastError;
  });
  const ctx = await ctxFor(store, cfg, sink, signal, 'provision');
  try {
    const driver = getDriver(cfg.driver);
    if (!cfg.endpoint) {
      // an interrupted create may have left part of its host: remove it by its derived names, then make it again
      ctx.step('removing what the interrupted create left');
      await driver.remove({}, ctx);
      stopIfCancelled(signal, name);
      ctx.step('creating', `${name} with the ${driver.name} driver (retry)`);
      const made = await driver.create({ ...cfg.spec, name }, ctx);
      cfg = await store.update(name, (c) => {
        c.endpoint = made.endpoint;
        c.driverData = made.data;
      });
      await recordDriverHostKeys(store, made, ctx);
    } else if (driver.name !== 'generic') {
      const st = await driver.state(cfg.driverData).catch(() => 'unknown' as const);
      if (st === 'not-found') throw new FlotillaError('NOT_FOUND', `the host of machine ${name} is gone (its ${cfg.driver} resources were removed): remove the machine and create it again`);
      if (st !== 'running') {
        ctx.step('starting the host');
        const ep = await driver.start(cfg.driverData, ctx);
        cfg = await store.update(name, (c) => (c.endpoint = ep));
      }
    }
    const ep = cfg.endpoint as HostEndpoint;
    ctx.step('making the server certificate', `SANs ${[ep.ip, ep.docker.host, name, ...cfg.engine.tlsSans].filter((v, i, a) => a.indexOf(v) === i).join(', ')}, localhost`);
    const { ca, server } = await writeMachineCerts(store, name, [ep.ip, ep.docker.host, ...cfg.engine.tlsSans]);
    const res = await provision({
      machineName: name,
      ssh: sshTargetOf(store, cfg),
      docker: ep.docker,
      tls: store.tlsFiles(name),
      serverPem: { ca: ca.cert, cert: server.cert, key: server.key },
      engine: cfg.engine,
      driverName: cfg.driver,
      slow: slowFactorOf(cfg.driver, cfg.driverData),
      log: (l) => ctx.log(l),
      step: (s, d) => ctx.step(s, d),
      signal,
    });
    ctx.step('writing the docker context', name);
    const c = await writeMachineContext(name, ep.docker.host, ep.docker.port, store.tlsFiles(name));
    if (!c.ok) ctx.log(c.reason);
    cfg = await store.update(name, (x) => {
      x.state = 'ready';
      x.os = { id: res.os.id, name: res.os.name, version: res.os.version };
      x.dockerVersion = res.dockerVersion;
      x.context = c.ok ? name : undefined;
      delete x.lastError;
    });
    clearLease(store.machineDir(name));
    ctx.step('ready', `tcp://${ep.docker.host}:${ep.docker.port}`);
    await ctx.flush();
    return cfg;
  } catch (e) {
    await ctx.flush();
    throw await markError(store, name, e, signal);
  }
}

/** Removes the machine and whatever it made (host, volume, network, context, known_hosts line, files). Always works. */
export async function removeMachine(store: MachineStore, name: string, sink: EventSink = () => undefined): Promise<{ removed: string; warnings: string[] }> {
  validateMachineName(name);
  const warnings: string[] = [];
  let cfg: MachineConfig | undefined;
  try {
    cfg = await store.load(name);
  } catch (e) {
    if (isFlotillaError(e) && e.code === 'NOT_FOUND' && !(await store.exists(name))) throw e;
    warnings.push((e as Error).message);
  }
  const ctx = opContext(store, name, '', '', sink, new AbortController().signal);
  const driverName = cfg?.driver ?? 'container';
  // no driver data (a create interrupted before its driver returned): the driver finds what it made by the machine's name
  const data = cfg?.driverData ?? {};
  try {
    const driver = driverName === 'container' ? containerDriver : getDriver(driverName);
    await driver.remove(data, ctx);
  } catch (e) {
    if (!(isFlotillaError(e) && e.code === 'UNSUPPORTED' && driverName === 'container')) warnings.push(`${driverName}: ${(e as Error).message}`);
  }
  // only a context Flotilla made (its description says so) is removed, imported machines' included
  await removeMachineContext(name).catch(() => false);
  if (cfg?.endpoint) await forgetHost(store.knownHostsFile, cfg.endpoint.ssh.host, cfg.endpoint.ssh.port).catch(() => undefined);
  await store.removeDir(name);
  return { removed: name, warnings };
}

async function afterPowerOn(store: MachineStore, name: string, ep: HostEndpoint, ctx: OpContext, sink: EventSink, signal: AbortSignal): Promise<MachineConfig> {
  const before = await store.load(name);
  if (before.endpoint && before.endpoint.docker.host !== ep.docker.host) return followMove(store, name, before.endpoint, ep, ctx, sink, signal);
  const cfg = await store.update(name, (c) => (c.endpoint = ep));
  if (cfg.state === 'ready') {
    ctx.step('waiting for Docker', `tcp://${ep.docker.host}:${ep.docker.port}`);
    await waitForTls({ ...ep.docker, ...tlsFilesOf(store, cfg) }, 90_000 * slowFactorOf(cfg.driver, cfg.driverData), signal);
  }
  return cfg;
}

/**
 * A host that came back at another address: a new server certificate for it, the docker context updated, and said so.
 * `data`, when given, is the driver data the driver updated while finding the address (a VM's recorded IP): kept with it.
 */
async function followMove(store: MachineStore, name: string, before: HostEndpoint, ep: HostEndpoint, ctx: OpContext, sink: EventSink, signal: AbortSignal, data?: MachineConfig['driverData']): Promise<MachineConfig> {
  await store.update(name, (c) => {
    c.endpoint = ep;
    if (data) c.driverData = data;
  });
  ctx.step('address changed', `${before.docker.host} -> ${ep.docker.host}: a new server certificate for it, and the docker context ${name} updated`);
  await moveHostKeys(store, before, ep, ctx);
  const cfg = await provisionMachine(store, name, sink, signal);
  ctx.step('address followed', `${name} is now at tcp://${ep.docker.host}:${ep.docker.port}, with a new server certificate for ${ep.docker.host}; docker context ${name} updated`);
  return cfg;
}

/**
 * The same host at a new SSH address (a VM reached at its own IP, as Hyper-V's): the host keys pinned for the old
 * address go with it, so the next connection is checked rather than trusted on first use, and the old address is
 * forgotten (another host may get it). Where SSH goes through a forwarded port that did not move (VirtualBox's
 * 127.0.0.1 NAT forward), the pin stays as it is.
 */
async function moveHostKeys(store: MachineStore, before: HostEndpoint, ep: HostEndpoint, ctx: OpContext): Promise<void> {
  if (before.ssh.host === ep.ssh.host && before.ssh.port === ep.ssh.port) return;
  const keys = entriesFor(readKnownHosts(store.knownHostsFile), before.ssh.host, before.ssh.port).map((e) => `${e.keyType} ${e.key}`);
  if (keys.length) {
    await recordHostKeys(store.knownHostsFile, ep.ssh.host, ep.ssh.port, keys);
    ctx.log(`the SSH host keys pinned for ${before.ssh.host}:${before.ssh.port} are now pinned for ${ep.ssh.host}:${ep.ssh.port}`);
  }
  await forgetHost(store.knownHostsFile, before.ssh.host, before.ssh.port).catch(() => undefined);
}

/**
 * The next contact with a machine (its engine for --machine, env, ssh, inspect...): a running host that moved since
 * Flotilla last saw it (a container started by hand, a VM's new DHCP lease) is followed there (see followMove).
 * Drivers without `address` (QEMU: its engine is at 127.0.0.1 forwarded ports that never move; generic: the address
 * is the user's) are followed at Flotilla's own starts only. A host that reports no address yet is left as it is.
 */
export async function followAddress(store: MachineStore, name: string, sink: EventSink = () => undefined, signal: AbortSignal = new AbortController().signal): Promise<MachineConfig> {
  const cfg = await store.load(name);
  if (cfg.state !== 'ready' || !cfg.endpoint || cfg.imported) return cfg;
  const driver = getDriver(cfg.driver);
  if (!driver.address) return cfg;
  const ctx = await ctxFor(store, cfg, sink, signal);
  try {
    const data = structuredClone(cfg.driverData);
    const now = await driver.address(data, ctx).catch((e: unknown) => {
      ctx.log(`could not ask the ${cfg.driver} driver where ${name} is now (${(e as Error).message}): its recorded address ${cfg.endpoint!.docker.host} is used`);
      return undefined;
    });
    if (!now || now.docker.host === cfg.endpoint.docker.host) return cfg;
    return await followMove(store, name, cfg.endpoint, now, ctx, sink, signal, data);
  } finally {
    await ctx.flush();
  }
}

export type PowerVerb = 'start' | 'stop' | 'restart' | 'kill';

export async function powerMachine(store: MachineStore, name: string, verb: PowerVerb, sink: EventSink = () => undefined, signal: AbortSignal = new AbortController().signal): Promise<MachineConfig> {
  const cfg = await store.load(name);
  const driver = getDriver(cfg.driver);
  const ctx = await ctxFor(store, cfg, sink, signal);
  ctx.step(verb, name);
  try {
    switch (verb) {
      case 'start':
        return await afterPowerOn(store, name, await driver.start(cfg.driverData, ctx), ctx, sink, signal);
      case 'restart':
        if (cfg.driver === 'generic') {
          await withSsh(sshTargetOf(store, cfg), (s) => s.exec(`${cfg.endpoint!.ssh.user === 'root' ? '' : 'sudo '}shutdown -r now`, { timeoutMs: 10_000 }).catch(() => undefined));
        }
        return await afterPowerOn(store, name, await driver.restart(cfg.driverData, ctx), ctx, sink, signal);
      case 'stop':
        await driver.stop(cfg.driverData, ctx);
        return cfg;
      case 'kill':
        await driver.kill(cfg.driverData, ctx);
        return cfg;
    }
  } finally {
    await ctx.flush();
  }
}

/** New server certificate (and, with clientCerts, a new CA and client certificate first), then a re-provision. */
export async function regenerateCerts(store: MachineStore, name: string, opts: { clientCerts?: boolean } = {}, sink: EventSink = () => undefined, signal?: AbortSignal): Promise<MachineConfig> {
  if (opts.clientCerts) {
    const { ensureStoreCerts } = await import('./certs');
    await ensureStoreCerts(store, true);
  }
  return provisionMachine(store, name, sink, signal);
}

export async function upgradeMachine(store: MachineStore, name: string, sink: EventSink = () => undefined, signal: AbortSignal = new AbortController().signal): Promise<MachineConfig> {
  const cfg = await store.load(name);
  if (cfg.imported) throw new FlotillaError('UNSUPPORTED', `machine ${name} was imported from docker-machine: upgrade it with docker-machine`);
  const ctx = await ctxFor(store, cfg, sink, signal);
  ctx.step('upgrading Docker', name);
  const family = cfg.os?.id ?? '';
  const cmd =
    family === 'boot2docker'
      ? 'echo "boot2docker is upgraded by replacing its ISO" >&2; exit 1'
      : ['debian', 'ubuntu'].includes(family)
        ? 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --only-upgrade docker.io docker-ce docker-ce-cli 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -q --only-upgrade docker.io'
        : '(command -v dnf >/dev/null && PM=dnf || PM=yum; $PM upgrade -y docker-ce docker-ce-cli containerd.io moby-engine || true)';
  const sudo = cfg.endpoint?.ssh.user === 'root' ? '' : 'sudo ';
  await withSsh(sshTargetOf(store, cfg), async (s) => {
    await s.run(`${sudo}sh -c '${cmd.replace(/'/g, `'\\''`)}'`, { timeoutMs: 900_000, onData: (d) => ctx.log(d.trimEnd()), signal });
    await s.run(`${sudo}systemctl restart docker`, { timeoutMs: 120_000, onData: (d) => ctx.log(d.trimEnd()), signal });
  });
  const version = await waitForTls({ ...cfg.endpoint!.docker, ...tlsFilesOf(store, cfg) }, 90_000, signal);
  await ctx.flush();
  return store.update(name, (c) => (c.dockerVersion = version));
}
