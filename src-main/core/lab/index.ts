// The swarm lab: N "system container" hosts (systemd, sshd, dockerd) on a private docker network with
// fixed addresses, built from a locally made image (no registry needed). See README.md and
// /work/shared/design/lab.md for the verified recipe and the machine's limits.
import fs from 'node:fs';
import path from 'node:path';
import ssh2 from 'ssh2';
import type { LabNode } from '../../api/domains/lab';
import { FlotillaError } from '../../api/errors';
import { docker, run, sleep } from './exec';
import { withFileLock } from '../filelock';
import { BUSYBOX_IMAGE, ensureHostBusybox, ensureNodeBusybox, ensureNodeImage, labCacheDir, NODE_IMAGES, type LabImageKind } from './image';
import { defaultKnownHostsFile, forgetHost, publicKeyLines, recordHostKeys, verifyHostKey } from '../known-hosts';
import { ensureLabKey, labKnownHostsFile, removeLabKey, type LabKey } from './keys';
import { checkLabName, DEFAULT_LAB, DEFAULT_SUBNET, maxNodes, nodeIndex, nodeIp, nodeName, parseCidr } from './subnet';

export type { LabNode } from '../../api/domains/lab';
export { labCacheDir, type LabImageKind } from './image';
export { labKnownHostsFile } from './keys';

/** Label on every container, volume and network the lab makes; its value is the lab's name. */
export const LAB_LABEL = 'io.flotilla.lab';
const ROLE_LABEL = 'io.flotilla.lab.role';
const IMAGE_LABEL = 'io.flotilla.lab.image';
const IDENTITY_LABEL = 'io.flotilla.lab.identity';

export interface LabOptions {
  /** lab name: containers and hostnames <name>-n1..nN, network <name> (default "flab") */
  name?: string;
  nodes: number;
  /** the lab network's subnet (default 10.88.0.0/24 for flab, else a free 10.88.K.0/24); nodes get .11, .12, ... */
  subnet?: string;
  /** 'docker' (default): hosts run dockerd; 'nodocker': the same hosts without Docker installed */
  image?: LabImageKind;
  /** progress lines for people (the CLI prints them on stderr) */
  onProgress?: (line: string) => void;
  /** how long a node may take to boot (default $FLOTILLA_LAB_TIMEOUT seconds, else 300 s) */
  timeoutMs?: number;
}

export interface LabHostOptions {
  /** the lab (network) to join; created if missing (default "flab") */
  lab?: string;
  /** container name and hostname */
  name: string;
  /** fixed address inside the lab subnet */
  ip: string;
  image?: LabImageKind;
  subnet?: string;
  onProgress?: (line: string) => void;
  timeoutMs?: number;
}

interface NodeSpec {
  lab: string;
  container: string;
  ip: string;
  kind: LabImageKind;
  role: 'node' | 'host';
}

function defaultTimeout(): number {
  const s = Number(process.env.FLOTILLA_LAB_TIMEOUT);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 300_000;
}

function lockFile(lab: string): string {
  return path.join(labCacheDir(), 'locks', `lab-${lab}.lock`);
}

async function checkEngine(): Promise<void> {
  const r = await run('docker', ['version', '--format', '{{.Server.Version}}'], { timeoutMs: 30_000 });
  if (r.code !== 0)
    throw new FlotillaError('UNREACHABLE', `no Docker engine answers for the lab (${r.stderr.trim().split('\n').pop() ?? ''}): start dockerd (e.g. \`dockerd &\`) or set DOCKER_HOST`);
}

/**
 * Starts (or completes) the lab and returns its nodes once each has systemd up, answers SSH with the
 * lab's key and (image 'docker') has its own dockerd running with flotilla-lab/busybox:latest imported.
 * Idempotent: running nodes are reused, stopped ones started, missing ones created; extra nodes are left alone.
 */
export async function labUp(opts: LabOptions): Promise<LabNode[]> {
  const lab = checkLabName(opts.name ?? DEFAULT_LAB);
  const kind = opts.image ?? 'docker';
  const count = opts.nodes;
  if (!Number.isInteger(count) || count < 1) throw new FlotillaError('BAD_INPUT', `invalid node count ${count}: expected a whole number of at least 1`);
  if (opts.subnet) parseCidr(opts.subnet);
  const progress = opts.onProgress ?? (() => undefined);
  await checkEngine();
  return withFileLock(lockFile(lab), async () => {
    await ensureNodeImage(kind, progress);
    const key = await ensureLabKey(lab);
    const subnet = await ensureNetwork(lab, opts.subnet);
    if (count > maxNodes(subnet)) throw new FlotillaError('BAD_INPUT', `lab ${lab}'s subnet ${subnet} holds at most ${maxNodes(subnet)} nodes`);
    const specs: NodeSpec[] = Array.from({ length: count }, (_, i) => ({ lab, container: nodeName(lab, i + 1), ip: nodeIp(subnet, i + 1), kind, role: 'node' }));
    return startAll(specs, key, progress, opts.timeoutMs ?? defaultTimeout());
  });
}

/** Starts one extra host (default: without Docker) on a lab's network, e.g. for a driver that provisions hosts over SSH. */
export async function labHost(opts: LabHostOptions): Promise<LabNode> {
  const lab = checkLabName(opts.lab ?? DEFAULT_LAB);
  const name = checkLabName(opts.name);
  const kind = opts.image ?? 'nodocker';
  const progress = opts.onProgress ?? (() => undefined);
  await checkEngine();
  return withFileLock(lockFile(lab), async () => {
    await ensureNodeImage(kind, progress);
    const key = await ensureLabKey(lab);
    const subnet = await ensureNetwork(lab, opts.subnet);
    const { base, prefix } = parseCidr(subnet);
    const ipNum = opts.ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
    const mask = (0xffffffff << (32 - prefix)) >>> 0;
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(opts.ip) || (ipNum & mask) >>> 0 !== base)
      throw new FlotillaError('BAD_INPUT', `address ${opts.ip} is not inside lab ${lab}'s subnet ${subnet}: pick one there (nodes use .11 upwards)`);
    const [node] = await startAll([{ lab, container: name, ip: opts.ip, kind, role: 'host' }], key, progress, opts.timeoutMs ?? defaultTimeout());
    return node;
  });
}

async function startAll(specs: NodeSpec[], key: LabKey, progress: (l: string) => void, timeoutMs: number): Promise<LabNode[]> {
  const cgroupV2 = (await docker(['info', '--format', '{{.CgroupVersion}}'])).trim() === '2';
  for (const spec of specs) await ensureContainer(spec, key, cgroupV2, progress);
  const deadline = Date.now() + timeoutMs;
  await Promise.all(specs.map((s) => waitReady(s, key.identity, deadline, progress)));
  for (const s of specs) {
    if (s.kind === 'docker' && (await ensureNodeBusybox(s.container))) progress(`${s.container}: imported ${BUSYBOX_IMAGE}`);
  }
  await ensureHostBusybox();
  return specs.map((s) => ({ name: s.container, ip: s.ip, ssh: `ssh://root@${s.ip}`, identity: key.identity }));
}

interface NetworkInspect {
  Labels?: Record<string, string> | null;
  IPAM?: { Config?: Array<{ Subnet?: string }> | null };
}

async function ensureNetwork(lab: string, wanted: string | undefined): Promise<string> {
  const existing = await run('docker', ['network', 'inspect', lab]);
  if (existing.code === 0) {
    const [net] = JSON.parse(existing.stdout) as NetworkInspect[];
    if (net.Labels?.[LAB_LABEL] !== lab) throw new FlotillaError('CONFLICT', `docker network ${lab} exists but was not made by the lab: remove it (docker network rm ${lab}) or choose another lab name`);
    const subnet = net.IPAM?.Config?.[0]?.Subnet ?? '';
    if (wanted && wanted !== subnet) throw new FlotillaError('CONFLICT', `lab ${lab} already runs on subnet ${subnet}, not ${wanted}: run \`flotilla lab down --name ${lab}\` first or pass --subnet ${subnet}`);
    return subnet;
  }
  const subnet = wanted ?? (lab === DEFAULT_LAB ? DEFAULT_SUBNET : await freeSubnet());
  const r = await run('docker', ['network', 'create', '--driver', 'bridge', '--subnet', subnet, '--label', `${LAB_LABEL}=${lab}`, lab]);
  if (r.code !== 0) {
    if (/overlap/i.test(r.stderr)) throw new FlotillaError('CONFLICT', `subnet ${subnet} for lab ${lab} overlaps an existing docker network: pass --subnet 10.88.K.0/24 with a free K (see docker network inspect)`);
    throw new FlotillaError('ENGINE', `could not create the lab network ${lab}: ${r.stderr.trim()}`);
  }
  return subnet;
}

/** The first 10.88.K.0/24 (K >= 1; 0 belongs to flab) that no docker network uses. */
async function freeSubnet(): Promise<string> {
  const ids = (await docker(['network', 'ls', '-q'])).split('\n').filter(Boolean);
  const used = ids.length ? (await docker(['network', 'inspect', '--format', '{{range .IPAM.Config}}{{.Subnet}} {{end}}', ...ids])).split(/\s+/).filter((s) => /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(s)) : [];
  const ranges = used.map((s) => parseCidrLoose(s));
  for (let k = 1; k < 255; k++) {
    const c = `10.88.${k}.0/24`;
    const { base } = parseCidr(c);
    if (!ranges.some((r) => r && overlaps(r, { base, size: 256 }))) return c;
  }
  throw new FlotillaError('CONFLICT', 'no free 10.88.K.0/24 subnet for the lab: pass --subnet');
}

function parseCidrLoose(s: string): { base: number; size: number } | undefined {
  const [ip, p] = s.split('/');
  const prefix = Number(p);
  const n = ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  const size = 2 ** (32 - prefix);
  return Number.isFinite(n) && Number.isFinite(size) ? { base: n - (n % size), size } : undefined;
}

function overlaps(a: { base: number; size: number }, b: { base: number; size: number }): boolean {
  return a.base < b.base + b.size && b.base < a.base + a.size;
}

interface ContainerInspect {
  Id: string;
  State?: { Running?: boolean; Status?: string };
  Config?: { Labels?: Record<string, string> | null; Hostname?: string };
  NetworkSettings?: { Networks?: Record<string, { IPAddress?: string; IPAMConfig?: { IPv4Address?: string } | null }> | null };
}

async function inspectContainers(ids: string[]): Promise<ContainerInspect[]> {
  if (!ids.length) return [];
  const r = await run('docker', ['container', 'inspect', ...ids]);
  if (r.code !== 0 && !r.stdout.trim().startsWith('[')) return [];
  return JSON.parse(r.stdout) as ContainerInspect[];
}

function labFlags(cgroupV2: boolean): string[] {
  // lab.md's verified flag set: --privileged fails here (no CAP_SYS_RESOURCE in the bounding set)
  return [
    '--cap-add', 'ALL', '--cap-drop', 'SYS_RESOURCE',
    '--security-opt', 'seccomp=unconfined', '--security-opt', 'apparmor=unconfined', '--security-opt', 'systempaths=unconfined',
    '--device-cgroup-rule', 'a *:* rwm',
    '--tmpfs', '/run', '--tmpfs', '/run/lock',
    // systemd as PID 1 shuts down cleanly on SIGRTMIN+3 (the image cannot carry it: see ensureNodeImage)
    '--stop-signal', 'SIGRTMIN+3',
    '-v', '/sys/fs/cgroup:/sys/fs/cgroup:rw',
    // cgroup v2: systemd needs the writable host hierarchy and its own place in it
    ...(cgroupV2 ? ['--cgroupns', 'host'] : []),
  ];
}

async function ensureContainer(spec: NodeSpec, key: LabKey, cgroupV2: boolean, progress: (l: string) => void): Promise<void> {
  const volume = `${spec.container}-docker`;
  const [current] = await inspectContainers([spec.container]);
  if (current) {
    const labels = current.Config?.Labels ?? {};
    if (labels[LAB_LABEL] !== spec.lab) throw new FlotillaError('CONFLICT', `container ${spec.container} exists but does not belong to lab ${spec.lab}: remove it (docker rm -f ${spec.container}) or choose another lab name`);
    const net = current.NetworkSettings?.Networks?.[spec.lab];
    const ip = net?.IPAMConfig?.IPv4Address || net?.IPAddress;
    const same = labels[IMAGE_LABEL] === spec.kind && labels[IDENTITY_LABEL] === key.identity && labels[ROLE_LABEL] === spec.role && (!net || ip === spec.ip || !ip);
    if (same && net) {
      if (!current.State?.Running) {
        progress(`${spec.container}: starting (was ${current.State?.Status ?? 'stopped'})`);
        await docker(['start', spec.container]);
      }
      return;
    }
    progress(`${spec.container}: recreating (its image, key or address changed)`);
    await docker(['rm', '-f', spec.container]);
    if (labels[IMAGE_LABEL] !== spec.kind) await run('docker', ['volume', 'rm', '-f', volume]);
  }
  progress(`${spec.container}: creating at ${spec.ip}`);
  await forgetHost(labKnownHostsFile(spec.lab), spec.ip, 22); // the new container makes a new host key
  await docker(['volume', 'create', '--label', `${LAB_LABEL}=${spec.lab}`, volume]);
  await docker([
    'create', '--name', spec.container, '--hostname', spec.container, '--network', spec.lab, '--ip', spec.ip,
    '--label', `${LAB_LABEL}=${spec.lab}`, '--label', `${ROLE_LABEL}=${spec.role}`, '--label', `${IMAGE_LABEL}=${spec.kind}`, '--label', `${IDENTITY_LABEL}=${key.identity}`,
    ...labFlags(cgroupV2),
    '-v', `${volume}:/var/lib/docker`,
    NODE_IMAGES[spec.kind],
  ]);
  try {
    // the image is shared, so the lab's key goes in per container, before it boots
    await docker(['cp', `${key.identity}.pub`, `${spec.container}:/root/.ssh/authorized_keys`]);
    await docker(['start', spec.container]);
  } catch (e) {
    await run('docker', ['rm', '-f', spec.container]);
    throw e;
  }
}

async function waitReady(spec: NodeSpec, identity: string, deadline: number, progress: (l: string) => void): Promise<void> {
  const c = spec.container;
  let phase = 'systemd to finish booting';
  let last = '';
  const phases: Array<[string, () => Promise<boolean>]> = [
    [
      'systemd to finish booting',
      async () => {
        const r = await run('docker', ['exec', c, 'systemctl', 'is-system-running'], { timeoutMs: 20_000 });
        last = (r.stdout.trim() || r.stderr.trim()).split('\n').pop() ?? '';
        return last === 'running' || last === 'degraded';
      },
    ],
    [
      'its SSH host keys',
      async () => {
        const keys = await nodeHostKeys(c);
        last = keys.length ? '' : 'no /etc/ssh/ssh_host_*_key.pub yet';
        if (!keys.length) return false;
        await recordNodeHostKeys(spec, keys);
        return true;
      },
    ],
    [
      `sshd to accept the lab key at ${spec.ip}:22`,
      async () => {
        last = await sshProbe(spec.lab, spec.ip, identity);
        return last === 'ok';
      },
    ],
  ];
  if (spec.kind === 'docker')
    phases.push([
      'dockerd inside the node to answer',
      async () => {
        const r = await run('docker', ['exec', c, 'docker', 'info', '--format', '{{.ServerVersion}}'], { timeoutMs: 20_000 });
        last = (r.stderr.trim() || r.stdout.trim()).split('\n').pop() ?? '';
        return r.code === 0;
      },
    ]);
  for (const [name, check] of phases) {
    phase = name;
    for (;;) {
      const state = await run('docker', ['inspect', '--format', '{{.State.Status}}', c]);
      if (state.stdout.trim() !== 'running') {
        const logs = await run('docker', ['logs', '--tail', '20', c]);
        throw new FlotillaError('ENGINE', `lab node ${c} stopped while waiting for ${phase} (state ${state.stdout.trim() || 'missing'}): ${(logs.stdout + logs.stderr).trim().split('\n').slice(-5).join(' | ')}`);
      }
      if (await check().catch(() => false)) break;
      if (Date.now() > deadline)
        throw new FlotillaError(
          'TIMEOUT',
          `lab node ${c} was not ready in time: still waiting for ${phase} (last answer: ${last || 'none'}); look at \`docker logs ${c}\` and \`docker exec ${c} systemctl --failed\`, or raise FLOTILLA_LAB_TIMEOUT (seconds)`,
        );
      await sleep(1000);
    }
  }
  progress(`${c}: ready at ${spec.ip}`);
}

/** The node's SSH host public keys, read through the local engine (a channel that needs no trust on first use). */
async function nodeHostKeys(container: string): Promise<string[]> {
  const r = await run('docker', ['exec', container, 'sh', '-c', 'cat /etc/ssh/ssh_host_*_key.pub 2>/dev/null'], { timeoutMs: 20_000 });
  return publicKeyLines(r.stdout);
}

/**
 * Records the node's host keys in the lab's known_hosts and in the user's ($FLOTILLA_HOME/known_hosts), in place
 * of whatever was pinned for its address: a lab made again at the same addresses has new host keys, and
 * `flotilla -H ssh://root@ADDRESS` must not take them for an attack.
 */
async function recordNodeHostKeys(spec: NodeSpec, keys: string[]): Promise<void> {
  await recordHostKeys(labKnownHostsFile(spec.lab), spec.ip, 22, keys);
  await recordHostKeys(defaultKnownHostsFile(), spec.ip, 22, keys);
}

/** 'ok' when root can log in with the key and run a command, else the reason. The host key must be the recorded one. */
function sshProbe(lab: string, host: string, identity: string): Promise<string> {
  return new Promise((resolve) => {
    const conn = new ssh2.Client();
    let settled = false;
    const finish = (v: string) => {
      if (settled) return;
      settled = true;
      conn.end();
      resolve(v);
    };
    conn.on('ready', () => {
      conn.exec('true', (err, stream) => {
        if (err) return finish(err.message);
        stream.on('close', (code: number) => finish(code === 0 ? 'ok' : `exit ${code}`));
        stream.resume();
      });
    });
    let hostKeyError = '';
    conn.on('error', (e) => finish(hostKeyError || e.message));
    conn.on('close', () => finish(hostKeyError || 'connection closed'));
    conn.connect({
      host,
      port: 22,
      username: 'root',
      privateKey: fs.readFileSync(identity),
      readyTimeout: 8000,
      hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
        void verifyHostKey(labKnownHostsFile(lab), host, 22, key, { strict: true }).then((r) => {
          if (!r.ok) hostKeyError = r.error.message;
          verify(r.ok);
        });
      },
    });
  });
}

/** The lab's nodes that are running now (docker CLI view), in node order; [] when there is no lab or no engine. */
export async function labStatus(name = DEFAULT_LAB): Promise<LabNode[]> {
  const lab = checkLabName(name);
  const ps = await run('docker', ['ps', '-q', '--filter', `label=${LAB_LABEL}=${lab}`, '--filter', `label=${ROLE_LABEL}=node`]).catch(() => undefined);
  if (!ps || ps.code !== 0) return [];
  const list = await inspectContainers(ps.stdout.split('\n').filter(Boolean));
  return list
    .map((c) => {
      const hostname = c.Config?.Hostname ?? '';
      const net = c.NetworkSettings?.Networks?.[lab];
      const ip = net?.IPAMConfig?.IPv4Address || net?.IPAddress || '';
      return { name: hostname, ip, ssh: `ssh://root@${ip}`, identity: c.Config?.Labels?.[IDENTITY_LABEL] ?? '' };
    })
    .filter((n) => n.ip && nodeIndex(lab, n.name) !== undefined)
    .sort((a, b) => (nodeIndex(lab, a.name) ?? 0) - (nodeIndex(lab, b.name) ?? 0));
}

export interface LabDownResult {
  containers: string[];
  volumes: string[];
  networks: string[];
}

/** Removes every container, volume and network labelled with this lab, and the lab's key. */
export async function labDown(name = DEFAULT_LAB): Promise<LabDownResult> {
  const lab = checkLabName(name);
  await checkEngine();
  return withFileLock(lockFile(lab), async () => {
    const filter = ['--filter', `label=${LAB_LABEL}=${lab}`];
    const containers = (await docker(['ps', '-a', '--format', '{{.Names}}', ...filter])).split('\n').filter(Boolean);
    if (containers.length) await docker(['rm', '-f', '-v', ...containers], { timeoutMs: 300_000 });
    const volumes = (await docker(['volume', 'ls', '-q', ...filter])).split('\n').filter(Boolean);
    if (volumes.length) await docker(['volume', 'rm', '-f', ...volumes]);
    const networks = (await docker(['network', 'ls', '--format', '{{.Name}}', ...filter])).split('\n').filter(Boolean);
    if (networks.length) await docker(['network', 'rm', ...networks]);
    await removeLabKey(lab);
    return { containers, volumes, networks };
  });
}
