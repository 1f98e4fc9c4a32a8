// Machines on this computer, for real: container machines with TLS, docker contexts, lifecycle,
// ssh/scp, docker-machine import, a one-click swarm, the generic driver installing Docker on a host
// that has none, and every bad input. Oracle: the docker CLI 28 (`docker --context NAME ...`).
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MachineStore } from '../../src-main/core/machines/store';
import { containerMachineLeftovers } from '../support/machines';
import * as m from '../../src-main/core/machines/commands';
import { containerDriver, containerName, isNetworkGone, MACHINES_NETWORK } from '../../src-main/core/machines/drivers/container';
import { opContext } from '../../src-main/core/machines/context';
import { ensureMachineKey } from '../../src-main/core/sshkeys';
import { readKnownHosts } from '../../src-main/core/known-hosts';
import { NODE_IMAGES } from '../../src-main/core/lab/image';
import type { MachineEvent } from '../../src-main/core/machines/types';

const pexec = promisify(execFile);
const DOCKER = '/usr/local/bin/docker';
const P = `fma${process.pid % 1000}`; // machine name prefix, unique per run
let home: string;
let dockerConfig: string;
let store: MachineStore;

async function docker(args: string[], timeout = 60_000): Promise<{ code: number; out: string }> {
  try {
    const r = await pexec(DOCKER, args, { env: { ...process.env, DOCKER_CONFIG: dockerConfig }, timeout });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === 'number' ? x.code : 1, out: `${x.stdout ?? ''}${x.stderr ?? ''}` };
  }
}

const leftovers = (names: string[]): Promise<string[]> => containerMachineLeftovers(store, dockerConfig, names);

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'fma-home-'));
  dockerConfig = await fs.mkdtemp(path.join(os.tmpdir(), 'fma-dockercfg-'));
  process.env.FLOTILLA_HOME = home;
  process.env.DOCKER_CONFIG = dockerConfig; // contexts go to a throw-away docker config
  process.env.FLOTILLA_DOCKER_CLI = DOCKER;
  store = new MachineStore(home);
});

afterAll(async () => {
  for (const n of await store.names()) await m.removeMachine(store, n).catch(() => undefined);
  await fs.rm(home, { recursive: true, force: true });
  await fs.rm(dockerConfig, { recursive: true, force: true });
});

/**
 * The machines network is removed with the last machine that uses it. Other stores on this engine (a
 * developer's own machines, another checkout's e2e run) may still have machines on it: then it must stay,
 * and only those others may be attached.
 */
async function expectNetworkGoneOrUsedByOthers(removed: string[]): Promise<void> {
  const id = (await docker(['-H', 'unix:///var/run/docker.sock', 'network', 'ls', '-q', '--filter', `name=^${MACHINES_NETWORK}$`])).out.trim();
  if (!id) return;
  // stopped containers count: their network must stay, or they could not start again
  const attached = (await docker(['-H', 'unix:///var/run/docker.sock', 'ps', '-a', '--filter', `network=${id}`, '--format', '{{.Names}}'])).out.trim().split(/\s+/).filter(Boolean);
  expect(attached.length, `network ${MACHINES_NETWORK} was left behind with no container on it`).toBeGreaterThan(0);
  for (const name of removed) expect(attached).not.toContain(containerName(name));
}

describe('container machines', () => {
  const names = [`${P}-a`, `${P}-b`, `${P}-c`];

  it('creates three machines in parallel, each reachable with `docker --context NAME info` over TLS', async () => {
    const events: MachineEvent[] = [];
    const cfgs = await Promise.all(names.map((name) => m.createMachine(store, { name, driver: 'container', engine: { labels: ['tier=test'], registryMirrors: [], insecureRegistries: ['10.88.3.1:5000'], tlsSans: ['extra.example'] } }, (e) => events.push(e))));
    expect(cfgs.map((c) => c.state)).toEqual(['ready', 'ready', 'ready']);
    expect(events.some((e) => e.step === 'checking TLS')).toBe(true);
    for (const name of names) {
      const r = await docker(['--context', name, 'info', '--format', '{{.Name}} {{json .Labels}} {{json .RegistryConfig.IndexConfigs}}']);
      expect(r.code, r.out).toBe(0);
      expect(r.out).toContain(name);
      expect(r.out).toContain('tier=test');
      expect(r.out).toContain('provider=container');
      expect(r.out).toContain('10.88.3.1:5000');
      // the server certificate chains to the store's CA and names the machine's IP
      const dir = store.machineDir(name);
      const v = await pexec('openssl', ['verify', '-CAfile', path.join(home, 'certs', 'ca.pem'), path.join(dir, 'server.pem')]);
      expect(v.stdout).toContain(': OK');
      const info = await m.inspectMachine(store, name);
      expect(info.tls.serverCert?.sans).toEqual(expect.arrayContaining([info.ip, name, 'localhost', 'extra.example']));
      expect(JSON.stringify(info)).not.toMatch(/PRIVATE KEY/);
      // dockerd was configured by a drop-in, not by `hosts` in daemon.json
      const dj = JSON.parse((await m.machineSsh(store, name, 'cat /etc/docker/daemon.json')).stdout) as Record<string, unknown>;
      expect(dj.hosts).toBeUndefined();
      expect(dj.labels).toContain('tier=test');
      const dropIn = await m.machineSsh(store, name, 'cat /etc/systemd/system/docker.service.d/10-flotilla.conf');
      expect(dropIn.stdout).toContain('-H tcp://0.0.0.0:2376 --tlsverify');
      // the log was kept
      const log = await store.readLog(name);
      expect(log).toContain('answers over TLS');
      // the host key was read through the local engine and recorded before the first SSH connection: no trust on first use
      const sshHost = (await store.load(name)).endpoint!.ssh.host;
      const hostKey = (await docker(['-H', 'unix:///var/run/docker.sock', 'exec', containerName(name), 'cat', '/etc/ssh/ssh_host_ed25519_key.pub'])).out.split(' ')[1];
      expect(readKnownHosts(path.join(home, 'known_hosts')).filter((e) => e.hosts.includes(sshHost)).map((e) => e.key)).toContain(hostKey);
      expect(log).toContain(`recorded the SSH host keys of ${sshHost}:22`);
      expect(log).not.toContain('Permanently added');
    }
    const ls = await m.listMachines(store);
    for (const name of names) expect(ls.find((x) => x.name === name)).toMatchObject({ state: 'running', driver: 'container', docker: expect.stringMatching(/^v\d+/) as unknown as string });
  });

  it('stop / start / restart / kill keep the state right', async () => {
    const name = names[0];
    await m.powerMachine(store, name, 'stop');
    expect(await m.machineState(store, await store.load(name))).toBe('stopped');
    expect((await m.listMachines(store)).find((x) => x.name === name)?.state).toBe('stopped');
    await m.powerMachine(store, name, 'start');
    expect(await m.machineState(store, await store.load(name))).toBe('running');
    expect((await docker(['--context', name, 'version', '--format', '{{.Server.Version}}'])).code).toBe(0);
    await m.powerMachine(store, name, 'restart');
    expect(await m.machineState(store, await store.load(name))).toBe('running');
    expect(await m.machineDockerVersion(store, name)).toMatch(/^\d+\./);
    await m.powerMachine(store, name, 'kill');
    expect(await m.machineState(store, await store.load(name))).toBe('stopped');
    await m.powerMachine(store, name, 'start');
    expect(await m.machineState(store, await store.load(name))).toBe('running');
  });

  it('ssh runs a command and scp round-trips a file and a folder', async () => {
    const name = names[1];
    const r = await m.machineSsh(store, name, 'hostname');
    expect(r.stdout.trim()).toBe(name);
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'fma-scp-'));
    try {
      await fs.writeFile(path.join(tmp, 'hello.txt'), 'hello machine\n');
      await fs.mkdir(path.join(tmp, 'dir', 'sub'), { recursive: true });
      await fs.writeFile(path.join(tmp, 'dir', 'sub', 'x.txt'), 'x');
      await m.machineScp(store, path.join(tmp, 'hello.txt'), `${name}:/tmp/hello.txt`);
      expect((await m.machineSsh(store, name, 'cat /tmp/hello.txt')).stdout).toBe('hello machine\n');
      await m.machineScp(store, `${name}:/tmp/hello.txt`, path.join(tmp, 'back.txt'));
      expect(await fs.readFile(path.join(tmp, 'back.txt'), 'utf8')).toBe('hello machine\n');
      await expect(m.machineScp(store, path.join(tmp, 'dir'), `${name}:/tmp/`)).rejects.toThrow(/-r/);
      await m.machineScp(store, path.join(tmp, 'dir'), `${name}:/tmp/`, { recursive: true });
      await m.machineScp(store, `${name}:/tmp/dir`, path.join(tmp, 'dir2'), { recursive: true });
      expect(await fs.readFile(path.join(tmp, 'dir2', 'sub', 'x.txt'), 'utf8')).toBe('x');
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
    // the host key was pinned in Flotilla's known_hosts
    expect(await fs.readFile(path.join(home, 'known_hosts'), 'utf8')).toContain('ssh-ed25519');
  });

  it('imports a docker-machine v3 store (read-only) and reaches its engine', async () => {
    const src = names[2];
    const cfg = await store.load(src);
    const dm = await fs.mkdtemp(path.join(os.tmpdir(), 'fma-dm-'));
    const home2 = await fs.mkdtemp(path.join(os.tmpdir(), 'fma-home2-'));
    try {
      const d = path.join(dm, 'machines', 'dm1');
      await fs.mkdir(path.join(dm, 'certs'), { recursive: true });
      await fs.mkdir(d, { recursive: true });
      for (const f of ['ca.pem', 'cert.pem', 'key.pem']) {
        await fs.copyFile(path.join(home, 'certs', f), path.join(dm, 'certs', f));
        await fs.copyFile(path.join(store.machineDir(src), f), path.join(d, f));
      }
      await fs.copyFile(path.join(store.machineDir(src), 'id_ed25519'), path.join(d, 'id_rsa'));
      const v3 = {
        ConfigVersion: 3,
        DriverName: 'generic',
        Name: 'dm1',
        Driver: { IPAddress: cfg.endpoint!.ip, MachineName: 'dm1', SSHUser: 'root', SSHPort: 22, SSHKeyPath: path.join(d, 'id_rsa'), StorePath: dm, EnginePort: 2376, SSHKey: '' },
        HostOptions: {
          Driver: '',
          EngineOptions: { ArbitraryFlags: [], Dns: null, GraphDir: '', Env: [], Ipv6: false, InsecureRegistry: [], Labels: [], LogLevel: '', StorageDriver: '', SelinuxEnabled: false, TlsVerify: true, RegistryMirror: [], InstallURL: 'https://get.docker.com' },
          AuthOptions: { CertDir: path.join(dm, 'certs'), CaCertPath: path.join(dm, 'certs', 'ca.pem'), ClientCertPath: path.join(dm, 'certs', 'cert.pem'), ClientKeyPath: path.join(dm, 'certs', 'key.pem'), ServerCertPath: path.join(d, 'server.pem'), ServerKeyPath: path.join(d, 'server-key.pem'), ServerCertSANs: [], StorePath: d },
        },
      };
      await fs.writeFile(path.join(d, 'config.json'), JSON.stringify(v3, null, 2), { mode: 0o600 });
      const before = JSON.stringify(await fs.readdir(d)) + (await fs.readFile(path.join(d, 'config.json'), 'utf8'));
      const s2 = new MachineStore(home2);
      const r = await m.importDockerMachines(s2, { storePath: dm });
      expect(r).toEqual([expect.objectContaining({ name: 'dm1', imported: true, reachable: true })]);
      const ls = await m.listMachines(s2);
      expect(ls[0]).toMatchObject({ name: 'dm1', driver: 'docker-machine', state: 'running', docker: expect.stringMatching(/^v/) as unknown as string });
      expect((await m.machineSsh(s2, 'dm1', 'hostname')).stdout.trim()).toBe(src);
      const env = await m.machineEnv(s2, 'dm1');
      expect(env.DOCKER_CERT_PATH).toBe(d);
      await m.removeMachine(s2, 'dm1');
      // the docker-machine files are untouched
      expect(JSON.stringify(await fs.readdir(d)) + (await fs.readFile(path.join(d, 'config.json'), 'utf8'))).toBe(before);
    } finally {
      await fs.rm(dm, { recursive: true, force: true });
      await fs.rm(home2, { recursive: true, force: true });
    }
  });

  it('bad input: invalid name, duplicate name, no engine for the container driver; nothing half-made', async () => {
    await expect(m.createMachine(store, { name: '-bad name', driver: 'container' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(m.createMachine(store, { name: names[0], driver: 'container' })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('already exists') as unknown as string });
    expect(await m.machineState(store, await store.load(names[0]))).toBe('running');
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
    try {
      await expect(m.createMachine(store, { name: `${P}-noengine`, driver: 'container' })).rejects.toThrow(/container driver needs a Docker engine/);
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
    await expect(m.createMachine(store, { name: `${P}-x`, driver: 'nosuchdriver' })).rejects.toThrow(/unknown driver/);
    expect(await leftovers([`${P}-noengine`, `${P}-x`])).toEqual([]);
  });

  it('rm removes each machine and everything it made', async () => {
    const ips = await Promise.all(names.map(async (n) => (await store.load(n)).endpoint!.ssh.host));
    expect(readKnownHosts(path.join(home, 'known_hosts')).filter((e) => ips.some((ip) => e.hosts.includes(ip)))).not.toEqual([]);
    for (const n of names) await m.removeMachine(store, n);
    // each machine's host-key pin went with it
    expect(readKnownHosts(path.join(home, 'known_hosts')).filter((e) => ips.some((ip) => e.hosts.includes(ip)))).toEqual([]);
    expect(await leftovers(names)).toEqual([]);
    expect(await m.listMachines(store)).toEqual([]);
    // the shared network went with the last machine (or stays for machines of another store on this engine)
    await expectNetworkGoneOrUsedByOthers(names);
  });
});

describe('the machines network', () => {
  // a network of their own (--container-network), so no other store's machine can hold it
  const net = `${P}-net`;
  const [n1, n2] = [`${P}-n1`, `${P}-n2`];
  const local = (args: string[]) => docker(['-H', 'unix:///var/run/docker.sock', ...args]);

  it('stays while a stopped machine is on it: removing the other machine leaves it, and the stopped one starts', async () => {
    await Promise.all([n1, n2].map((name) => m.createMachine(store, { name, driver: 'container', options: { 'container-network': net } })));
    await m.powerMachine(store, n1, 'stop');
    await m.removeMachine(store, n2);
    // before, only running containers counted: the network went with n2 and n1 could not start ("network ... not found")
    expect((await local(['network', 'inspect', '--format', '{{.Name}}', net])).out.trim()).toBe(net);
    await m.powerMachine(store, n1, 'start');
    expect(await m.machineState(store, await store.load(n1))).toBe('running');
    expect((await docker(['--context', n1, 'version', '--format', '{{.Server.Version}}'])).code).toBe(0);
  });

  it('a network removed by hand while its machine was stopped is made again when the machine starts', async () => {
    await m.powerMachine(store, n1, 'stop');
    const rm = await local(['network', 'rm', net]);
    expect(rm.code, rm.out).toBe(0);
    // what the engine answers then, which the driver recognises
    const bare = await local(['start', containerName(n1)]);
    expect(bare.code).not.toBe(0);
    expect(isNetworkGone(bare.out), bare.out).toBe(true);
    const events: MachineEvent[] = [];
    await m.powerMachine(store, n1, 'start', (e) => events.push(e));
    expect(await m.machineState(store, await store.load(n1))).toBe('running');
    expect(events.some((e) => /network .* is gone: making it again/.test(e.log ?? ''))).toBe(true);
    // reachable over TLS again (a new address would have been given new certificates)
    const v = await docker(['--context', n1, 'version', '--format', '{{.Server.Version}}']);
    expect(v.code, v.out).toBe(0);
  });

  it('goes with the last machine on it', async () => {
    await m.removeMachine(store, n1);
    expect(await leftovers([n1, n2])).toEqual([]);
    expect((await local(['network', 'ls', '-q', '--filter', `name=^${net}$`])).out.trim()).toBe('');
  });
});

describe('interrupted create', () => {
  it('leaves the machine in error with its log; provision retries; rm always works', async () => {
    const name = `${P}-int`;
    const ac = new AbortController();
    const p = m.createMachine(store, { name, driver: 'container' }, (e) => {
      if (e.step === 'installing TLS certificates') ac.abort();
    }, ac.signal);
    await expect(p).rejects.toBeTruthy();
    const cfg = await store.load(name);
    expect(cfg.state).toBe('error');
    expect((await m.listMachines(store)).find((x) => x.name === name)?.state).toBe('error');
    expect(await store.readLog(name)).toContain('ERROR');
    await m.provisionMachine(store, name);
    expect((await store.load(name)).state).toBe('ready');
    expect((await docker(['--context', name, 'info', '--format', '{{.Name}}'])).out).toContain(name);
    await m.removeMachine(store, name);
    expect(await leftovers([name])).toEqual([]);
  });
});

describe('one-click swarm', () => {
  it('creates 1 manager + 2 workers, forms the swarm, and swarm rm leaves nothing', async () => {
    const sw = `${P}-sw`;
    const r = await m.createMachineSwarm(store, { name: sw, driver: 'container', managers: 1, workers: 2 });
    expect(r.managers).toEqual([`${sw}-m1`]);
    expect(r.workers).toEqual([`${sw}-w1`, `${sw}-w2`]);
    const nodes = await docker(['--context', `${sw}-m1`, 'node', 'ls', '--format', '{{.Hostname}} {{.ManagerStatus}} {{.Status}}']);
    expect(nodes.code, nodes.out).toBe(0);
    const lines = nodes.out.trim().split('\n').sort();
    expect(lines).toEqual([`${sw}-m1 Leader Ready`, `${sw}-w1  Ready`, `${sw}-w2  Ready`]);
    const ls = await m.listMachines(store);
    expect(ls.filter((x) => x.name.startsWith(sw)).map((x) => x.swarm).sort()).toEqual(['manager', 'worker', 'worker']);
    const all = [...r.managers, ...r.workers];
    await m.removeMachineSwarm(store, sw);
    expect(await leftovers(all)).toEqual([]);
    await expectNetworkGoneOrUsedByOthers(all);
    await expect(m.removeMachineSwarm(store, sw)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('generic driver', () => {
  // a host with sshd but no Docker: the lab's nodocker image, made by the container driver without provisioning
  const hostName = `${P}-bare`;
  let hostData: Record<string, unknown> = {};
  let hostIp = '';
  let keyPath = '';
  const bareStore = () => new MachineStore(path.join(home, 'bare'));
  beforeAll(async () => {
    const s = bareStore();
    await s.reserve(hostName);
    const key = await ensureMachineKey(s, hostName);
    keyPath = key.privateKeyPath;
    const ctx = opContext(s, hostName, key.publicKey, key.privateKeyPath, () => undefined, new AbortController().signal);
    const made = await containerDriver.create({ name: hostName, cpus: 0, memoryMb: 0, diskGb: 0, options: { 'container-image': NODE_IMAGES.nodocker } }, ctx);
    hostData = made.data;
    hostIp = made.endpoint.ip;
  }, 300_000);
  afterAll(async () => {
    const s = bareStore();
    await containerDriver.remove(hostData, opContext(s, hostName, '', '', () => undefined, new AbortController().signal)).catch(() => undefined);
  });

  it('bad input: unreachable host, refused port, wrong key; nothing half-made', async () => {
    await expect(m.createMachine(store, { name: `${P}-g1`, driver: 'generic', options: { 'generic-ip-address': '127.0.0.1', 'generic-ssh-port': 1, 'generic-ssh-key': keyPath } })).rejects.toThrow(/refused a connection on port 1/);
    // an unused address on the machines' own bridge (no host answers ARP there); an address outside this
    // machine may be answered by the CI network's proxy, which accepts any TCP connection
    const nobody = hostIp.replace(/\.\d+$/, '.250');
    await expect(m.createMachine(store, { name: `${P}-g2`, driver: 'generic', options: { 'generic-ip-address': nobody, 'generic-ssh-key': keyPath } })).rejects.toMatchObject({ code: 'UNREACHABLE' });
    const wrong = path.join(home, 'wrong_key');
    const s = new MachineStore(path.join(home, 'wrongkey'));
    await s.reserve('w');
    await fs.copyFile((await ensureMachineKey(s, 'w')).privateKeyPath, wrong);
    await expect(m.createMachine(store, { name: `${P}-g3`, driver: 'generic', options: { 'generic-ip-address': hostIp, 'generic-ssh-key': wrong } })).rejects.toMatchObject({ code: 'AUTH' });
    await expect(m.createMachine(store, { name: `${P}-g4`, driver: 'generic', options: { 'generic-ip-address': hostIp, 'generic-ssh-key': path.join(home, 'missing') } })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    expect(await leftovers([`${P}-g1`, `${P}-g2`, `${P}-g3`, `${P}-g4`])).toEqual([]);
  });

  it('installs Docker on a host without it and configures TLS', async () => {
    const name = `${P}-gen`;
    const before = await m.machineSsh(bareStore(), hostName, 'command -v dockerd || echo none').catch(async () => ({ stdout: (await pexec(DOCKER, ['-H', 'unix:///var/run/docker.sock', 'exec', String(hostData.container), 'sh', '-c', 'command -v dockerd || echo none'])).stdout }));
    expect(before.stdout.trim()).toBe('none');
    const events: MachineEvent[] = [];
    const cfg = await m.createMachine(store, { name, driver: 'generic', options: { 'generic-ip-address': hostIp, 'generic-ssh-key': keyPath } }, (e) => events.push(e));
    expect(events.some((e) => e.step === 'installing Docker')).toBe(true);
    expect(cfg.state).toBe('ready');
    const r = await docker(['--context', name, 'info', '--format', '{{.Name}} {{json .Labels}}']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('provider=generic');
    await m.removeMachine(store, name);
    expect(await leftovers([name])).toEqual([]);
  }, 900_000);
});
