// The container driver: a machine is a system container (systemd, sshd, dockerd) on the local
// engine, the lab's recipe made a product feature. No hypervisor needed; cgroup v1 and v2 hosts.
// The node image is the lab's (src-main/core/lab/image.ts): built locally with debootstrap.
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { FlotillaError } from '../../../api/errors';
import { withFileLock } from '../../filelock';
import { ensureNodeImage, NODE_IMAGES } from '../../lab/image';
import { publicKeyLines } from '../../known-hosts';
import { containerExec, localEngine } from './local-engine';
import type { DriverContext, DriverData, DriverOption, HostEndpoint, MachineDriver, MachineSpec, MachineState, PrerequisiteCheck, ResizeChange, ResizeOutcome } from './types';

export const MACHINES_NETWORK = 'flotilla-machines';
const LABEL = 'io.flotilla.machine';

interface ContainerData {
  container: string;
  volume: string;
  network: string;
  /** the address the machine keeps across stop and start */
  ip?: string;
}

function dataOf(d: DriverData): ContainerData {
  const container = typeof d.container === 'string' ? d.container : '';
  if (!container) throw new FlotillaError('INTERNAL', 'machine has no container recorded in its config.json');
  return { container, volume: String(d.volume ?? ''), network: String(d.network ?? MACHINES_NETWORK), ...(typeof d.ip === 'string' ? { ip: d.ip } : {}) };
}

export function containerName(machine: string): string {
  return `flotilla-${machine}`;
}

async function withLocal<T>(fn: (docker: Docker) => Promise<T>): Promise<T> {
  const conn = await localEngine();
  try {
    return await fn(conn.docker);
  } finally {
    await conn.close();
  }
}

let netChain: Promise<unknown> = Promise.resolve();

/**
 * Creates the machines network once. Parallel creates take turns, in one process (this chain) and across processes
 * (a lock file per network name; two `machine create` commands at once made two networks of one name, since
 * Docker's duplicate check races and the free-subnet probe widens the window).
 */
function ensureNetwork(docker: Docker, name: string, subnet: string | undefined, ctx: DriverContext): Promise<void> {
  const lock = path.join(os.tmpdir(), 'flotilla-locks', `network-${name.replace(/[^\w.-]/g, '_')}.lock`);
  const p = netChain.then(() => withFileLock(lock, () => ensureNetworkNow(docker, name, subnet, ctx), 120_000));
  netChain = p.catch(() => undefined);
  return p;
}

async function ensureNetworkNow(docker: Docker, name: string, subnet: string | undefined, ctx: DriverContext): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const same = (await docker.listNetworks({ filters: { name: [name] } })).filter((n) => n.Name === name);
    if (same.length) return;
    ctx.log(`creating network ${name}${subnet ? ` (${subnet})` : ''}`);
    try {
      await docker.createNetwork({ Name: name, Driver: 'bridge', CheckDuplicate: true, Labels: { 'io.flotilla.owner': 'machines' }, IPAM: { Driver: 'default', Config: [subnet ? { Subnet: subnet } : await freeSubnet(docker, name)] } });
      return;
    } catch (e) {
      // another process won the race (same name), or took the free subnet between the probe and this create
      if (/already exists/i.test((e as Error).message)) return;
      if (subnet || attempt >= 3 || !/overlap/i.test((e as Error).message)) throw e;
    }
  }
}

/**
 * A machine keeps its address across stop and start only on a network whose subnet was given (the engine refuses a
 * fixed address elsewhere): without --container-subnet, the engine picks a free one for a probe network, which is
 * then given explicitly.
 */
async function freeSubnet(docker: Docker, name: string): Promise<{ Subnet: string; Gateway?: string }> {
  const probe = await docker.createNetwork({ Name: `${name}-probe-${process.pid}`, Driver: 'bridge', Labels: { 'io.flotilla.owner': 'machines' } });
  try {
    const chosen = ((await probe.inspect()) as { IPAM?: { Config?: Array<{ Subnet?: string; Gateway?: string }> } }).IPAM?.Config?.[0];
    if (!chosen?.Subnet) throw new FlotillaError('ENGINE', `the engine gave network ${name} no subnet: give one with --container-subnet`);
    return { Subnet: chosen.Subnet, ...(chosen.Gateway ? { Gateway: chosen.Gateway } : {}) };
  } finally {
    await probe.remove();
  }
}

/**
 * Keeps a stopped machine's address for its next start: the engine gives a container a free address at each start
 * unless its endpoint names one. An address someone set by hand is kept as it is (the core then follows the move);
 * where the engine refuses (a network without a given subnet, made by an older Flotilla; the address taken
 * meanwhile), the machine gets a free one and the core makes new certificates for it.
 */
async function pinAddress(docker: Docker, d: ContainerData, ctx: DriverContext): Promise<void> {
  if (!d.ip) return;
  const info = await docker.getContainer(d.container).inspect();
  const ep = info.NetworkSettings.Networks?.[d.network] as { IPAMConfig?: { IPv4Address?: string } | null } | undefined;
  if (!ep || ep.IPAMConfig?.IPv4Address) return;
  const net = docker.getNetwork(d.network);
  await net.disconnect({ Container: d.container, Force: true });
  try {
    await net.connect({ Container: d.container, EndpointConfig: { IPAMConfig: { IPv4Address: d.ip } } });
    ctx.log(`${d.container} keeps its address ${d.ip} on ${d.network}`);
  } catch (e) {
    ctx.log(`${d.container} cannot keep its address ${d.ip} (${(e as Error).message}): it gets a free one`);
    await net.connect({ Container: d.container });
  }
}

/**
 * Removes the machines network when no container refers to it any more (it is ours: labelled). Stopped and
 * just-created containers count: the network's own list has only running ones, and a stopped machine whose
 * network was dropped cannot start again ("network ... not found"). A create in another process that finds the
 * network gone between making sure of it and starting its container makes it again (createOnNetwork).
 */
async function dropNetworkIfEmpty(docker: Docker, name: string): Promise<void> {
  const same = (await docker.listNetworks({ filters: { name: [name] } }).catch(() => [])).filter((n) => n.Name === name);
  for (const s of same) {
    if (s.Labels?.['io.flotilla.owner'] !== 'machines') continue;
    try {
      // every container on it, running or not (the network's own list has the running ones only)
      const users = await docker.listContainers({ all: true, filters: { network: [s.Id] } });
      if (users.length === 0) await docker.getNetwork(s.Id).remove();
    } catch {
      /* gone already, or in use by a container being created right now */
    }
  }
}

/** the engine's answer when a container's network was removed under it (at create on newer engines, at start on 20.10) */
export function isNetworkGone(e: unknown): boolean {
  return /network [^ ]+ not found/i.test(String((e as Error)?.message ?? e));
}

/**
 * Makes the container on the network and starts it. Another Flotilla process may drop the (then empty) network
 * between our making sure of it and the start: the engine then refuses with "network ... not found", and the
 * container, which holds the old network's ID, is made again on a new one (three tries).
 */
async function createOnNetwork(docker: Docker, opts: Docker.ContainerCreateOptions, network: string, subnet: string | undefined, ctx: DriverContext): Promise<Docker.Container> {
  for (let attempt = 1; ; attempt++) {
    await ensureNetwork(docker, network, subnet, ctx);
    try {
      const c = await docker.createContainer(opts);
      await c.start();
      return c;
    } catch (e) {
      if (!isNetworkGone(e) || attempt >= 3) throw e;
      ctx.log(`network ${network} was removed while ${String(opts.name)} was being made (another Flotilla process removing its last machine?): making both again`);
      await docker.getContainer(String(opts.name)).remove({ force: true }).catch(() => undefined);
    }
  }
}

async function ipOf(docker: Docker, id: string, network: string, timeoutMs = 20_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const info = await docker.getContainer(id).inspect();
    const ip = info.NetworkSettings.Networks?.[network]?.IPAddress;
    if (info.State.Running && ip) return ip;
    if (!info.State.Running && Date.now() > end - timeoutMs + 3000) throw new FlotillaError('ENGINE', `container ${info.Name.replace(/^\//, '')} is not running (${info.State.Status}${info.State.Error ? `: ${info.State.Error}` : ''})`);
    if (Date.now() > end) throw new FlotillaError('TIMEOUT', `container ${id} got no address on ${network} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

function endpointFor(ip: string): HostEndpoint {
  return { ip, ssh: { host: ip, port: 22, user: 'root' }, docker: { host: ip, port: 2376 } };
}

async function installKey(docker: Docker, id: string, publicKey: string): Promise<void> {
  if (!/^[\w@.+/= -]+$/.test(publicKey)) throw new FlotillaError('INTERNAL', 'unexpected characters in the SSH public key');
  const r = await containerExec(docker, id, ['sh', '-c', `mkdir -p /root/.ssh && chmod 700 /root/.ssh && echo '${publicKey}' > /root/.ssh/authorized_keys && chmod 600 /root/.ssh/authorized_keys`]);
  if (r.code !== 0) throw new FlotillaError('ENGINE', `could not install the SSH key in the container: ${r.output.trim()}`);
}

/**
 * The container's SSH host keys, read through the local engine (no network, so nothing to trust on first use).
 * sshd's unit makes them at boot (ssh-keygen -A), so this waits for the ed25519 one; a custom image without it
 * gives whatever keys it has, or none (the first connection then pins the key).
 */
async function readHostKeys(docker: Docker, id: string, ctx: DriverContext, timeoutMs = 60_000): Promise<string[]> {
  const end = Date.now() + timeoutMs;
  let keys: string[] = [];
  for (;;) {
    const r = await containerExec(docker, id, ['sh', '-c', 'cat /etc/ssh/ssh_host_*_key.pub 2>/dev/null']);
    keys = publicKeyLines(r.output);
    if (keys.some((k) => k.startsWith('ssh-ed25519 ')) || Date.now() > end) return keys;
    if (ctx.signal.aborted) throw new FlotillaError('CANCELLED', 'cancelled');
    await new Promise((res) => setTimeout(res, 500));
  }
}

export const containerDriver: MachineDriver = {
  name: 'container',
  description: 'a system container (systemd, sshd, dockerd) on this computer\'s Docker engine: no hypervisor needed',
  options(): DriverOption[] {
    return [
      { flag: 'container-image', description: 'node image (built locally with debootstrap when missing)', type: 'string', default: NODE_IMAGES.docker },
      { flag: 'container-network', description: 'bridge network the machines share', type: 'string', default: MACHINES_NETWORK },
      { flag: 'container-subnet', description: 'subnet for a new machines network (default: chosen by Docker)', type: 'string' },
    ];
  },
  async prerequisites(): Promise<PrerequisiteCheck[]> {
    try {
      return await withLocal(async (docker) => {
        const info = (await docker.info()) as { ServerVersion?: string; CgroupVersion?: string; OperatingSystem?: string };
        return [
          { name: 'local Docker engine', ok: true, detail: `Docker ${info.ServerVersion ?? '?'} on ${info.OperatingSystem ?? '?'}` },
          { name: 'cgroups', ok: true, detail: `cgroup v${info.CgroupVersion ?? '1'}` },
        ];
      });
    } catch (e) {
      return [{ name: 'local Docker engine', ok: false, detail: (e as Error).message, remedy: 'install and start Docker, or set DOCKER_HOST' }];
    }
  },

  async create(spec: MachineSpec, ctx: DriverContext) {
    const image = String(spec.options['container-image'] ?? NODE_IMAGES.docker);
    const network = String(spec.options['container-network'] ?? MACHINES_NETWORK);
    const subnet = spec.options['container-subnet'] ? String(spec.options['container-subnet']) : undefined;
    const name = containerName(spec.name);
    const volume = `${name}-docker`;
    const conn = await localEngine();
    const docker = conn.docker;
    let made = false;
    try {
      try {
        await docker.getContainer(name).inspect();
        throw new FlotillaError('CONFLICT', `a container named ${name} already exists on the local engine: remove it (docker rm -f ${name}) or pick another machine name`);
      } catch (e) {
        if (e instanceof FlotillaError) throw e;
      }
      ctx.step('preparing the node image', image);
      if (image === NODE_IMAGES.docker || image === NODE_IMAGES.nodocker) {
        await ensureNodeImage(image === NODE_IMAGES.docker ? 'docker' : 'nodocker', (l) => ctx.log(l));
      } else {
        await docker.getImage(image).inspect().catch(() => {
          throw new FlotillaError('NOT_FOUND', `image ${image} is not on the local engine: build or pull it first`);
        });
      }
      if (ctx.signal.aborted) throw new FlotillaError('CANCELLED', `the create of ${spec.name} was cancelled`);
      const info = (await docker.info()) as { CgroupVersion?: string };
      const v2 = info.CgroupVersion === '2';
      ctx.step('creating the container', `${name} on ${network} (cgroup v${v2 ? 2 : 1})`);
      made = true;
      const c = await createOnNetwork(docker, {
        name,
        Hostname: spec.name,
        Image: image,
        Labels: { [LABEL]: spec.name, 'io.flotilla.owner': 'machines' },
        StopSignal: 'SIGRTMIN+3',
        HostConfig: {
          NetworkMode: network,
          CapAdd: ['ALL'],
          CapDrop: ['SYS_RESOURCE'],
          SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
          // what the CLI's --security-opt systempaths=unconfined means in the API
          MaskedPaths: [],
          ReadonlyPaths: [],
          DeviceCgroupRules: ['a *:* rwm'],
          Tmpfs: { '/run': 'rw', '/run/lock': 'rw' },
          Binds: [`${volume}:/var/lib/docker`, '/sys/fs/cgroup:/sys/fs/cgroup:rw'],
          ...(v2 ? { CgroupnsMode: 'host' as const } : {}),
          ...(spec.memoryMb > 0 ? { Memory: spec.memoryMb * 1024 * 1024 } : {}),
          ...(spec.cpus > 0 ? { NanoCpus: spec.cpus * 1e9 } : {}),
          RestartPolicy: { Name: 'no' },
        },
      }, network, subnet, ctx);
      ctx.log(`created container ${name} (${c.id.slice(0, 12)}) with volume ${volume}`);
      const ip = await ipOf(docker, c.id, network);
      ctx.log(`container ${name} runs at ${ip}`);
      if (ctx.signal.aborted) throw new FlotillaError('CANCELLED', `the create of ${spec.name} was cancelled`);
      ctx.step('installing the SSH key');
      await installKey(docker, c.id, ctx.sshPublicKey);
      ctx.step('reading the SSH host keys', 'through the local engine');
      const hostKeys = await readHostKeys(docker, c.id, ctx);
      return { endpoint: endpointFor(ip), data: { container: name, volume, network, ip }, hostKeys };
    } catch (e) {
      if (made) {
        await docker.getContainer(name).remove({ force: true, v: true }).catch(() => undefined);
        await docker.getVolume(volume).remove().catch(() => undefined);
        await dropNetworkIfEmpty(docker, network);
      }
      throw e;
    } finally {
      await conn.close();
    }
  },

  async start(data: DriverData, ctx: DriverContext) {
    const d = dataOf(data);
    return withLocal(async (docker) => {
      const c = docker.getContainer(d.container);
      const st = await c.inspect();
      if (st.State.Paused) await c.unpause();
      else if (!st.State.Running) {
        try {
          await pinAddress(docker, d, ctx);
          await c.start();
        } catch (e) {
          if (!isNetworkGone(e)) throw e;
          // its network was removed while it was stopped (by hand, or by a Flotilla older than the check in
          // dropNetworkIfEmpty): make the network again and reconnect; a new address gets new certificates
          ctx.log(`network ${d.network} of ${d.container} is gone: making it again and reconnecting the machine`);
          await ensureNetwork(docker, d.network, undefined, ctx);
          await docker.getNetwork(d.network).disconnect({ Container: d.container, Force: true }).catch(() => undefined);
          await docker.getNetwork(d.network).connect({ Container: d.container });
          await c.start();
        }
      }
      const ip = await ipOf(docker, d.container, d.network);
      ctx.log(`container ${d.container} runs at ${ip}`);
      return endpointFor(ip);
    });
  },
  async stop(data: DriverData, ctx: DriverContext) {
    const d = dataOf(data);
    await withLocal(async (docker) => {
      const c = docker.getContainer(d.container);
      const st = await c.inspect();
      if (st.State.Running) await c.stop({ t: 30 });
      ctx.log(`container ${d.container} stopped`);
    });
  },
  async restart(data: DriverData, ctx: DriverContext) {
    dataOf(data);
    // a stop and a start (not the engine's restart): the address is pinned in between
    await containerDriver.stop(data, ctx);
    return containerDriver.start(data, ctx);
  },
  /** where the machine is now, when it runs: the core compares it with the recorded address (the next contact) */
  async address(data: DriverData): Promise<HostEndpoint | undefined> {
    const d = dataOf(data);
    return withLocal(async (docker) => {
      const info = await docker.getContainer(d.container).inspect();
      const ip = info.NetworkSettings.Networks?.[d.network]?.IPAddress;
      return info.State.Running && ip ? endpointFor(ip) : undefined;
    });
  },
  async kill(data: DriverData, ctx: DriverContext) {
    const d = dataOf(data);
    await withLocal(async (docker) => {
      const c = docker.getContainer(d.container);
      const st = await c.inspect();
      if (st.State.Running) await c.kill();
      ctx.log(`container ${d.container} killed`);
    });
  },
  async remove(data: DriverData, ctx: DriverContext) {
    // without driver data (a create interrupted before it returned) the names are the ones create derives from the machine's
    const container = typeof data.container === 'string' ? data.container : containerName(ctx.machineName);
    const volume = typeof data.volume === 'string' ? data.volume : `${container}-docker`;
    await withLocal(async (docker) => {
      const networks = new Set([typeof data.network === 'string' ? data.network : MACHINES_NETWORK]);
      try {
        const info = await docker.getContainer(container).inspect();
        for (const n of Object.keys(info.NetworkSettings.Networks ?? {})) networks.add(n);
        await docker.getContainer(container).remove({ force: true, v: true });
        ctx.log(`removed container ${container}`);
      } catch (e) {
        if ((e as { statusCode?: number }).statusCode !== 404) throw e;
      }
      await docker.getVolume(volume).remove().then(
        () => ctx.log(`removed volume ${volume}`),
        (e: { statusCode?: number }) => {
          if (e.statusCode !== 404) throw e;
        },
      );
      for (const n of networks) await dropNetworkIfEmpty(docker, n);
    });
  },
  resizeLive: true,
  /** `docker update --cpus/--memory` on the machine's container: it takes effect at once, no restart */
  async resize(data: DriverData, change: ResizeChange, ctx: DriverContext): Promise<ResizeOutcome> {
    const d = dataOf(data);
    if (change.diskGb !== undefined) {
      throw new FlotillaError(
        'UNSUPPORTED',
        `a container machine has no disk size to change: its Docker data is the volume ${d.volume || `${d.container}-docker`} on this computer's engine, which grows as it needs up to the free space of that engine's disk; leave out --disk (it applies to qemu, virtualbox and hyperv VMs)`,
      );
    }
    const update: { NanoCpus?: number; Memory?: number; MemorySwap?: number } = {};
    if (change.cpus !== undefined) update.NanoCpus = change.cpus * 1e9;
    // as at create (Memory alone): swap up to the same amount again, which the engine needs raised with the memory
    if (change.memoryMb !== undefined) Object.assign(update, { Memory: change.memoryMb * 1024 * 1024, MemorySwap: 2 * change.memoryMb * 1024 * 1024 });
    await withLocal(async (docker) => {
      try {
        await docker.getContainer(d.container).update(update);
      } catch (e) {
        const msg = String((e as { json?: { message?: string } }).json?.message ?? (e as Error).message);
        throw new FlotillaError('BAD_INPUT', `the engine refused the new size of ${d.container}: ${msg}`);
      }
    });
    ctx.log(`docker update ${d.container}: ${JSON.stringify(update)}`);
    return { notes: [] };
  },
  async state(data: DriverData): Promise<MachineState> {
    const d = dataOf(data);
    return withLocal(async (docker) => {
      try {
        const st = await docker.getContainer(d.container).inspect();
        if (st.State.Paused) return 'paused';
        if (st.State.Running) return 'running';
        if (st.State.Restarting) return 'starting';
        return 'stopped';
      } catch (e) {
        if ((e as { statusCode?: number }).statusCode === 404) return 'not-found';
        throw e;
      }
    });
  },
};

/** The machine name a container belongs to, if it is a Flotilla machine (for cleanup checks). */
