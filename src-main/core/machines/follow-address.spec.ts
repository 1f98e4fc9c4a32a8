// The next contact with a VM whose address changed after a restart (followAddress), end to end through the core:
// the VirtualBox and Hyper-V drivers answer from the recorded outputs their driver specs play (test/fixtures/virtualbox
// and test/fixtures/hyperv, provenance in SOURCE.md), the store, the certificates, known_hosts and the docker context
// (the real docker CLI, in a temp DOCKER_CONFIG) are real. Only the provisioner is replaced: it would SSH into the
// recorded VM, which exists nowhere (no VirtualBox or Hyper-V runs here); what it is given (the new address, the new
// server certificate) is asserted. The provisioner itself is tested in provisioner.spec.ts and the integration tests.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import forge from 'node-forge';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { entriesFor, pinHostKey, readKnownHosts } from '../known-hosts';
import { ensureMachineKey } from '../sshkeys';
import { writeMachineCerts } from './certs';
import { registerDriver, getDriver } from './drivers/index';
import { createVirtualBoxDriver } from './drivers/virtualbox/driver';
import { createHyperVDriver } from './drivers/hyperv/driver';
import { deps as hvDeps, GETVM, IPS, line, Player as HvPlayer, useHyperVHarness } from './drivers/hyperv/hyperv.harness';
import { driverStand, fx, Player as VbPlayer } from '../../../test/support/virtualbox';
import type * as Provisioner from './provisioner';
import type { ProvisionInput } from './provisioner';
import { followAddress } from './lifecycle';
import { MachineStore } from './store';
import { CONFIG_VERSION, type MachineConfig } from './types';
import type { MachineDriver } from './drivers/types';
import type { MachineEvent } from './types';

const provisioned: ProvisionInput[] = [];
vi.mock('./provisioner', async (orig) => ({
  ...(await orig<typeof Provisioner>()),
  provision: async (p: ProvisionInput) => {
    provisioned.push(p);
    return { os: { id: 'ubuntu', name: 'Ubuntu', version: '24.04', family: 'debian' as const }, dockerVersion: '28.0.0' };
  },
}));

const vbStand = driverStand();
useHyperVHarness();

let dir: string;
let store: MachineStore;
let savedDockerConfig: string | undefined;
const originals: MachineDriver[] = [];
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fl-follow-'));
  store = new MachineStore(path.join(dir, 'home'));
  savedDockerConfig = process.env.DOCKER_CONFIG;
  process.env.DOCKER_CONFIG = path.join(dir, 'docker-config');
  provisioned.length = 0;
  originals.push(getDriver('virtualbox'), getDriver('hyperv'));
});
afterEach(async () => {
  for (const d of originals.splice(0)) registerDriver(d);
  if (savedDockerConfig === undefined) delete process.env.DOCKER_CONFIG;
  else process.env.DOCKER_CONFIG = savedDockerConfig;
  await fs.rm(dir, { recursive: true, force: true });
});

/** a ready machine as a create left it, at `ip`, with a server certificate for `ip` and a docker context */
async function readyMachine(name: string, driver: string, driverData: MachineConfig['driverData'], ep: NonNullable<MachineConfig['endpoint']>): Promise<void> {
  await store.reserve(name);
  await ensureMachineKey(store, name);
  await store.save({
    configVersion: CONFIG_VERSION,
    name,
    driver,
    createdAt: new Date().toISOString(),
    state: 'ready',
    spec: { cpus: 2, memoryMb: 2048, diskGb: 20, options: {} },
    engine: { labels: [], registryMirrors: [], insecureRegistries: [], tlsSans: [] },
    driverData,
    endpoint: ep,
    sshKey: path.basename(store.sshKeyPath(name)),
  });
  await writeMachineCerts(store, name, [ep.ip, ep.docker.host]);
}

const sansOf = async (name: string): Promise<string[]> => {
  const cert = forge.pki.certificateFromPem(await fs.readFile(path.join(store.machineDir(name), 'server.pem'), 'utf8'));
  const ext = cert.getExtension('subjectAltName') as { altNames: Array<{ ip?: string; value?: string }> };
  return ext.altNames.map((a) => a.ip ?? a.value ?? '');
};
/** the context's engine address, or what the docker CLI said instead (with the machine's log, should a context write have failed) */
const contextHost = async (name: string): Promise<string> => {
  try {
    return execFileSync('docker', ['context', 'inspect', name, '--format', '{{.Endpoints.docker.Host}}'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (e) {
    return `${(e as Error).message}\n${await fs.readFile(path.join(store.machineDir(name), 'machine.log'), 'utf8').catch(() => '')}`;
  }
};
const wire = (body: string) => Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from(body)]);

describe('followAddress: a VM at a new address after a restart gets a new certificate and context, with nothing to run', () => {
  it('VirtualBox: the host-only lease moved from 192.168.99.100 to the recorded 192.168.99.101', async () => {
    const vm = new VbPlayer((a) => (a[0] === '--version' ? { stdout: fx('version.7.1.8.txt') } : a[0] === 'showvminfo' ? { stdout: fx('showvminfo.hostonly-mac.txt').replace('macaddress2="08002765B2F2"', 'macaddress2="080027B647FD"') + 'VMState="running"\n' } : undefined));
    registerDriver(createVirtualBoxDriver(vbStand.deps(vm)));
    const data = { vm: 'vb1', hostOnlyCidr: '192.168.59.1/24', hostOnlyAdapter: 'vboxnet12', sshPort: 40022, bootImage: 'cloud', ip: '192.168.99.100' };
    await readyMachine('vb1', 'virtualbox', data, { ip: '192.168.99.100', ssh: { host: '127.0.0.1', port: 40022, user: 'docker' }, docker: { host: '192.168.99.100', port: 2376 } });
    await pinHostKey(store.knownHostsFile, '127.0.0.1', 40022, wire('vb1'));
    expect(await sansOf('vb1')).toContain('192.168.99.100');

    const events: MachineEvent[] = [];
    const cfg = await followAddress(store, 'vb1', (e) => events.push(e));

    // the driver asked VirtualBox and the guest once (GetIP), then the core's provision asked its state
    expect(vm.lines.filter((l) => !l.endsWith('--version'))).toEqual(['/usr/bin/VBoxManage showvminfo vb1 --machinereadable', '/usr/bin/VBoxManage showvminfo vb1 --machinereadable']);
    expect(vbStand.sshCalls).toEqual(['docker@127.0.0.1:40022 ip addr show']);
    expect(events.filter((e) => e.step?.startsWith('address ')).map((e) => `${e.step}: ${e.detail}`)).toEqual([
      'address changed: 192.168.99.100 -> 192.168.99.101: a new server certificate for it, and the docker context vb1 updated',
      'address followed: vb1 is now at tcp://192.168.99.101:2376, with a new server certificate for 192.168.99.101; docker context vb1 updated',
    ]);
    const sans = await sansOf('vb1');
    expect(sans).toContain('192.168.99.101');
    expect(sans).not.toContain('192.168.99.100');
    expect(provisioned).toHaveLength(1);
    expect(provisioned[0]!.docker).toEqual({ host: '192.168.99.101', port: 2376 });
    expect(provisioned[0]!.ssh).toMatchObject({ host: '127.0.0.1', port: 40022 });
    expect(provisioned[0]!.serverPem.cert).toBe(await fs.readFile(path.join(store.machineDir('vb1'), 'server.pem'), 'utf8'));
    expect(cfg).toMatchObject({ state: 'ready', endpoint: { ip: '192.168.99.101', docker: { host: '192.168.99.101' } }, driverData: { ip: '192.168.99.101' } });
    expect((await store.load('vb1')).driverData.ip).toBe('192.168.99.101');
    expect(await contextHost('vb1')).toBe('tcp://192.168.99.101:2376');
    // SSH goes through the NAT forward, which did not move: its pin stays
    expect(entriesFor(readKnownHosts(store.knownHostsFile), '127.0.0.1', 40022)).toHaveLength(1);

    // the next contact: the same address, nothing done
    provisioned.length = 0;
    events.length = 0;
    await followAddress(store, 'vb1', (e) => events.push(e));
    expect(provisioned).toEqual([]);
    expect(events.filter((e) => e.step)).toEqual([]);
  });

  it('VirtualBox: a guest with no IPv4 on its host-only NIC yet (recorded) is left at its recorded address', async () => {
    const vm = new VbPlayer((a) => (a[0] === '--version' ? { stdout: fx('version.7.1.8.txt') } : a[0] === 'showvminfo' ? { stdout: fx('showvminfo.hostonly-mac.txt').replace('macaddress2="08002765B2F2"', 'macaddress2="080027389636"') + 'VMState="running"\n' } : undefined));
    registerDriver(createVirtualBoxDriver(vbStand.deps(vm, { sshExec: async () => fx('ip-addr.eth1-no-ipv4.txt') })));
    await readyMachine('vb2', 'virtualbox', { vm: 'vb2', hostOnlyCidr: '192.168.59.1/24', sshPort: 40023, ip: '192.168.99.100' }, { ip: '192.168.99.100', ssh: { host: '127.0.0.1', port: 40023, user: 'docker' }, docker: { host: '192.168.99.100', port: 2376 } });
    const before = await fs.readFile(path.join(store.machineDir('vb2'), 'server.pem'), 'utf8');
    const cfg = await followAddress(store, 'vb2');
    expect(cfg.endpoint!.docker.host).toBe('192.168.99.100');
    expect(provisioned).toEqual([]);
    expect(await fs.readFile(path.join(store.machineDir('vb2'), 'server.pem'), 'utf8')).toBe(before);
  });

  it('Hyper-V: the Default Switch lease moved to the recorded 10.0.75.128; the SSH host key pinned for the old address goes with it', async () => {
    const p = new HvPlayer({ vm: 'Running', ips: ['ipaddresses.ipv4.recorded.txt'] });
    registerDriver(createHyperVDriver(hvDeps(p)));
    await readyMachine('hv1', 'hyperv', { vm: 'hv1', switchName: 'Default Switch', bootImage: 'cloud', ip: '10.0.75.127' }, { ip: '10.0.75.127', ssh: { host: '10.0.75.127', port: 22, user: 'docker' }, docker: { host: '10.0.75.127', port: 2376 } });
    await pinHostKey(store.knownHostsFile, '10.0.75.127', 22, wire('hv1'));

    const events: MachineEvent[] = [];
    await followAddress(store, 'hv1', (e) => events.push(e));

    // the driver asked Hyper-V once (GetIP: state, addresses), then the core's provision asked its state
    expect(p.lines).toEqual([line(GETVM('hv1')), line(IPS('hv1')), line(GETVM('hv1'))]);
    expect(events.some((e) => e.step === 'address changed' && e.detail?.startsWith('10.0.75.127 -> 10.0.75.128'))).toBe(true);
    expect(await sansOf('hv1')).toContain('10.0.75.128');
    expect(await sansOf('hv1')).not.toContain('10.0.75.127');
    expect(provisioned[0]).toMatchObject({ docker: { host: '10.0.75.128', port: 2376 }, ssh: { host: '10.0.75.128', port: 22 } });
    expect(await contextHost('hv1')).toBe('tcp://10.0.75.128:2376');
    const pins = readKnownHosts(store.knownHostsFile);
    expect(entriesFor(pins, '10.0.75.128', 22).map((e) => e.key)).toEqual([wire('hv1').toString('base64')]);
    expect(entriesFor(pins, '10.0.75.127', 22)).toEqual([]);
  });

  it('Hyper-V: a guest reporting only its link-local IPv6 (recorded) is left at its recorded address', async () => {
    const p = new HvPlayer({ vm: 'Running', ips: ['ipaddresses.ipv6.recorded.txt'] });
    registerDriver(createHyperVDriver(hvDeps(p)));
    await readyMachine('hv2', 'hyperv', { vm: 'hv2', switchName: 'Default Switch', bootImage: 'cloud', ip: '10.0.75.127' }, { ip: '10.0.75.127', ssh: { host: '10.0.75.127', port: 22, user: 'docker' }, docker: { host: '10.0.75.127', port: 2376 } });
    const cfg = await followAddress(store, 'hv2');
    expect(cfg.endpoint!.docker.host).toBe('10.0.75.127');
    expect(provisioned).toEqual([]);
  });
});
