// The VirtualBox driver against VBoxManage outputs recorded from public reports (test/fixtures/virtualbox, sources in
// SOURCE.md; list-hostonlyifs.two.handwritten.txt is docker/machine's hand-written test data, not a recording).
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import fs from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunResult, Runner } from '../../boot/runner.js';
import type { DriverContext, MachineSpec } from '../types.js';
import { createVirtualBoxDriver, type VirtualBoxDriverOptions } from './driver.js';
import { parseDhcpServers, parseHostOnlyIfs, parseMachineReadable, hostOnlyMac, ipForMac, vmStateOf, parseVersion } from './parse.js';
import { checkVersion, locateVBoxManage, serialized } from './vbox.js';
import { dhcpPlan, parseHostCidr, inDefaultAllowedRange, networksConfAllows, findCollision } from './network.js';
import { matchFailure } from './failures.js';

const FIX = path.resolve(__dirname, '../../../../../test/fixtures/virtualbox');
const fx = (name: string): string => readFileSync(path.join(FIX, name), 'utf8');
const VBM = '/usr/bin/VBoxManage';
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl t@t';

type Responder = (args: string[]) => Partial<RunResult> | undefined;

/** Plays recorded outputs and records every command line. */
class Player implements Runner {
  lines: string[] = [];
  constructor(readonly respond: Responder) {}
  async run(cmd: string, args: string[]): Promise<RunResult> {
    this.lines.push([cmd, ...args].join(' '));
    const r = this.respond(args) ?? {};
    return { stdout: r.stdout ?? '', stderr: r.stderr ?? '', code: r.code ?? 0, ...(r.notFound ? { notFound: true } : {}), ...(r.timedOut ? { timedOut: true } : {}) };
  }
}

/** A VirtualBox whose answers come from the fixtures; VM state follows the commands it is given. */
function vbox(opts: { version?: string; hostonlyifs?: string; dhcpservers?: string; ipconfigErr?: string; startErr?: string; existing?: boolean } = {}) {
  let state: 'absent' | 'poweroff' | 'running' = opts.existing ? 'poweroff' : 'absent';
  const player = new Player((a) => {
    const k = a.slice(0, 2).join(' ');
    if (a[0] === '--version') return { stdout: fx(opts.version ?? 'version.7.1.8.txt') };
    if (a[0] === 'showvminfo') {
      if (state === 'absent') return { stderr: fx('unregistervm.notfound.stderr'), code: 1 };
      // the NIC fragment and the `ip addr show` were recorded on two different VMs: this VM gets the host-only MAC of the recorded ip addr
      return { stdout: fx('showvminfo.hostonly-mac.txt').replace('macaddress2="08002765B2F2"', 'macaddress2="080027B647FD"') + `VMState="${state}"\n` };
    }
    if (a[0] === 'createvm') state = 'poweroff';
    if (a[0] === 'unregistervm') state = 'absent';
    if (k === 'controlvm ' + a[1] && (a[2] === 'poweroff' || a[2] === 'acpipowerbutton')) state = 'poweroff';
    if (a[0] === 'startvm') {
      if (opts.startErr) return { stderr: fx(opts.startErr), code: 1 };
      state = 'running';
    }
    if (k === 'list hostonlyifs') return { stdout: fx(opts.hostonlyifs ?? 'list-hostonlyifs.vbox61.txt') };
    if (k === 'list dhcpservers') return { stdout: fx(opts.dhcpservers ?? 'list-dhcpservers.vbox61.txt') };
    if (k === 'hostonlyif create') return { stdout: fx('hostonlyif-create.txt') };
    if (k === 'hostonlyif ipconfig' && opts.ipconfigErr) return { stderr: fx(opts.ipconfigErr), code: 1 };
    return undefined;
  });
  return player;
}

/** start's host-only network, NIC, SSH forward and startvm lines on the default vbox() fixtures (new adapter vboxnet12, stale vboxnet0 DHCP server). */
const hostOnlyStartLines = (sshPort: number): string[] => [
  `${VBM} showvminfo fl1 --machinereadable`,
  `${VBM} list hostonlyifs`,
  `${VBM} hostonlyif create`,
  `${VBM} hostonlyif ipconfig vboxnet12 --ip 192.168.59.1 --netmask 255.255.255.0`,
  `${VBM} list dhcpservers`,
  `${VBM} dhcpserver remove --netname HostInterfaceNetworking-vboxnet0`,
  `${VBM} dhcpserver add --netname HostInterfaceNetworking-vboxnet12 --ip 192.168.59.2 --netmask 255.255.255.0 --lowerip 192.168.59.100 --upperip 192.168.59.254 --enable`,
  `${VBM} modifyvm fl1 --nic2 hostonly --nictype2 82540EM --nicpromisc2 deny --hostonlyadapter2 vboxnet12 --cableconnected2 on`,
  `${VBM} modifyvm fl1 --natpf1 delete ssh`,
  `${VBM} modifyvm fl1 --natpf1 ssh,tcp,127.0.0.1,${sshPort},,22`,
  `${VBM} startvm fl1 --type headless`,
  `${VBM} showvminfo fl1 --machinereadable`,
];

let dir: string;
let steps: string[];
let sshCalls: string[] = [];
function ctx(): DriverContext {
  return { machineName: 'fl1', machineDir: dir, sshPublicKey: KEY, sshPrivateKeyPath: path.join(dir, 'id'), knownHostsFile: path.join(dir, 'known_hosts'), log: () => undefined, step: (n) => steps.push(n), signal: new AbortController().signal };
}
const spec = (options: MachineSpec['options'] = {}): MachineSpec => ({ name: 'fl1', cpus: 2, memoryMb: 2048, diskGb: 20, options });

function deps(runner: Runner, extra: Partial<VirtualBoxDriverOptions> = {}): VirtualBoxDriverOptions {
  return {
    runner,
    platform: 'linux',
    env: { PATH: '/usr/bin:/bin' },
    exists: async (f) => f === VBM,
    readFile: async (f) => {
      if (f === '/proc/cpuinfo') return 'processor\t: 0\nflags\t\t: fpu vme de pse tsc msr pae vmx sse sse2\n';
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    },
    sleep: async () => undefined,
    hostInterfaces: () => ({ lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }], eth0: [{ address: '10.0.0.5', netmask: '255.255.255.0', family: 'IPv4', mac: '52:54:00:12:34:56', internal: false, cidr: '10.0.0.5/24' }] }),
    freePort: async (p) => p ?? 40022,
    sshExec: async (t, cmd) => {
      sshCalls.push(`${t.user}@${t.host}:${t.port} ${cmd}`);
      return cmd === 'ip addr show' ? fx('ip-addr.txt') : '';
    },
    obtainImage: async () => '/cache/noble.vmdk',
    timeouts: { ipMs: 50, stopMs: 3000, pollMs: 1 },
    ...extra,
  };
}

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'flotilla-vbox-'));
  steps = [];
  sshCalls = [];
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('parsers on recorded outputs', () => {
  it('reads list hostonlyifs (VirtualBox 5, 6.1 with Wireless:, Windows names, Windows duplicate names)', () => {
    const two = parseHostOnlyIfs(fx('list-hostonlyifs.two.handwritten.txt'));
    expect(two.map((i) => [i.name, i.ip, i.netmask, i.networkName])).toEqual([
      ['vboxnet0', '192.168.99.1', '255.255.255.0', 'HostInterfaceNetworking-vboxnet0'],
      ['vboxnet1', '192.168.99.1', '255.255.255.0', 'HostInterfaceNetworking-vboxnet1'],
    ]);
    expect(two[0]!.dhcp).toBe(false);
    expect(two[1]!.hwaddr).toBe('0a:00:27:00:00:01');
    const v61 = parseHostOnlyIfs(fx('list-hostonlyifs.vbox61.txt'));
    expect(v61.map((i) => [i.name, i.ip, i.status])).toEqual([['vboxnet10', '192.168.66.1', 'Down'], ['vboxnet11', '192.168.67.1', 'Down']]);
    const win = parseHostOnlyIfs(fx('list-hostonlyifs.windows.txt'));
    expect(win).toEqual([
      {
        name: 'VirtualBox Host-Only Ethernet Adapter',
        guid: '7f5b8ac2-8c0c-4b68-b197-b146e8f22a91',
        dhcp: true, // Windows' own DHCP client setting for the adapter, not a VirtualBox DHCP server
        ip: '192.168.56.3',
        netmask: '255.255.255.0',
        hwaddr: '0a:00:27:00:00:2d',
        status: 'Up',
        networkName: 'HostInterfaceNetworking-VirtualBox Host-Only Ethernet Adapter',
      },
    ]);
    const same = parseHostOnlyIfs(fx('list-hostonlyifs.same-name.windows.txt'));
    expect(same.map((i) => [i.name, i.ip])).toEqual([['VirtualBox NDIS 6.0 Miniport Driver', '192.168.99.1'], ['VirtualBox NDIS 6.0 Miniport Driver', '192.168.56.1']]);
  });

  it('reads list dhcpservers in the old (Linux, Windows) and the 6.1 formats', () => {
    const v5 = parseDhcpServers(fx('list-dhcpservers.vbox5.txt'));
    expect(v5).toHaveLength(3);
    expect(v5[0]).toEqual({ networkName: 'HostInterfaceNetworking-vboxnet0', ip: '192.168.88.100', netmask: '255.255.255.0', lower: '192.168.88.102', upper: '192.168.88.254', enabled: true });
    expect(v5[2]!.enabled).toBe(false);
    expect(parseDhcpServers(fx('list-dhcpservers.windows.txt'))).toEqual([
      { networkName: 'HostInterfaceNetworking-VirtualBox Host-Only Ethernet Adapter', ip: '192.168.56.100', netmask: '255.255.255.0', lower: '192.168.56.101', upper: '192.168.56.254', enabled: true },
      { networkName: 'HostInterfaceNetworking-VirtualBox Host-Only Ethernet Adapter #2', ip: '192.168.59.99', netmask: '255.255.255.0', lower: '192.168.59.103', upper: '192.168.59.254', enabled: true },
    ]);
    const v61 = parseDhcpServers(fx('list-dhcpservers.vbox61.txt'));
    expect(v61).toEqual([{ networkName: 'HostInterfaceNetworking-vboxnet0', ip: '10.20.30.2', netmask: '255.255.255.0', lower: '10.20.30.10', upper: '10.20.30.254', enabled: true }]);
  });

  it('reads showvminfo --machinereadable, the host-only MAC and the IP for that MAC', () => {
    // quoted keys ("SATA-1-0"="...") next to plain ones, from a real docker-machine VM on macOS
    const mac = parseMachineReadable(fx('showvminfo.storage-nics.macos.txt'));
    expect(mac.get('SATA-1-0')).toBe('/Users/swaschni/.docker/machine/machines/default/disk.vmdk');
    expect(mac.get('SATA-ImageUUID-1-0')).toBe('01cd15cc-e28b-40b8-aa79-e7d86907221f');
    expect(mac.get('SATA-29-0')).toBe('none');
    expect(mac.get('Forwarding(0)')).toBe('ssh,tcp,127.0.0.1,60552,,22');
    expect(hostOnlyMac(mac)).toBe('080027f3e42d');
    expect(vmStateOf(mac)).toBe('unknown'); // the fragment has no VMState line
    const ms = parseMachineReadable(fx('showvminfo.minishift-head.txt'));
    expect(ms.get('name')).toBe('minishift');
    expect(ms.get('memory')).toBe('2048');
    expect(ms.get('CfgFile')).toBe('C:\\\\Users\\\\ai\\\\.minishift\\\\machines\\\\minishift\\\\minishift\\\\minishift.vbox');
    expect(hostOnlyMac(ms)).toBeUndefined();
    const nics = parseMachineReadable(fx('showvminfo.hostonly-mac.txt'));
    expect(nics.get('hostonlyadapter2')).toBe('VirtualBox Host-Only Ethernet Adapter #2');
    expect(nics.get('Forwarding(0)')).toBe('ssh,tcp,127.0.0.1,49745,,22');
    expect(hostOnlyMac(nics)).toBe('08002765b2f2');
    // recorded `ip addr show` of a VirtualBox VM: eth0 is the NAT NIC, eth1 the host-only one
    expect(ipForMac(fx('ip-addr.txt'), '080027B647FD')).toBe('192.168.99.101');
    expect(ipForMac(fx('ip-addr.txt'), '08:00:27:ee:e7:a1')).toBe('10.0.2.15');
    expect(ipForMac(fx('ip-addr.txt'), hostOnlyMac(nics)!)).toBeUndefined();
  });

  it('maps VMState values as docker-machine does', () => {
    const st = (v: string) => vmStateOf(parseMachineReadable(`VMState="${v}"`));
    expect([st('running'), st('paused'), st('saved'), st('poweroff'), st('aborted'), st('whatever')]).toEqual(['running', 'paused', 'saved', 'stopped', 'stopped', 'unknown']);
    expect(vmStateOf(parseMachineReadable('VMState='))).toBe('unknown');
  });

  it('checks versions: 6.1 and later pass, older ones get the upgrade message', () => {
    expect(checkVersion(fx('version.7.1.8.txt'))).toEqual([7, 1, 8]);
    expect(checkVersion(fx('version.6.1.34.txt'))).toEqual([6, 1, 34]);
    expect(() => checkVersion(fx('version.6.0.0.txt'))).toThrow('VirtualBox "6.0.0r127566" is too old or unreadable: Flotilla needs VirtualBox 6.1 or later; upgrade from https://www.virtualbox.org/wiki/Downloads');
    expect(() => checkVersion(fx('version.5.0.14.txt'))).toThrow('VirtualBox "5.0.14r105127" is too old or unreadable');
    expect(() => checkVersion(fx('version.empty.txt'))).toThrow('VBoxManage --version printed nothing, so this VirtualBox install is broken: reinstall VirtualBox 6.1 or later');
    expect(() => checkVersion(fx('version.4.2.36.txt'))).toThrow(/"4.2.36-104064" is too old/);
    expect(parseVersion('X.Y')).toBeUndefined();
  });
});

describe('host-only network rules', () => {
  it('parses CIDRs and refuses a network address', () => {
    expect(parseHostCidr('192.168.59.1/24')).toEqual({ ip: '192.168.59.1', prefix: 24, netmask: '255.255.255.0', network: '192.168.59.0' });
    expect(() => parseHostCidr('192.168.59.0/24')).toThrow(/must be given with the host's address.*192.168.59.1\/24/);
    expect(() => parseHostCidr('192.168.100.1')).toThrow(/is not a host-only network/);
  });
  it('knows the 6.1.28 allowed range and /etc/vbox/networks.conf', () => {
    expect(inDefaultAllowedRange(parseHostCidr('192.168.56.1/24'))).toBe(true);
    expect(inDefaultAllowedRange(parseHostCidr('192.168.63.1/24'))).toBe(true);
    expect(inDefaultAllowedRange(parseHostCidr('192.168.99.1/24'))).toBe(false);
    expect(networksConfAllows('# mine\n* 10.0.0.0/8 192.168.0.0/16\n', parseHostCidr('192.168.99.1/24'))).toBe(true);
    expect(networksConfAllows('* 10.0.0.0/8\n', parseHostCidr('192.168.99.1/24'))).toBe(false);
  });
  it('plans DHCP ranges like docker-machine', () => {
    expect(dhcpPlan(parseHostCidr('192.168.59.1/24'))).toEqual({ serverIp: '192.168.59.2', lower: '192.168.59.100', upper: '192.168.59.254' });
    expect(dhcpPlan(parseHostCidr('100.121.20.1/25'))).toEqual({ serverIp: '100.121.20.2', lower: '100.121.20.3', upper: '100.121.20.126' });
  });
  it('finds a host interface on the same network', () => {
    const ifs = { en0: [{ address: '192.168.99.42', netmask: '255.255.255.0', family: 'IPv4' as const, mac: '', internal: false, cidr: '192.168.99.42/24' }] };
    expect(findCollision(ifs, parseHostCidr('192.168.99.1/24'), [])).toBe('en0 (192.168.99.42)');
    expect(findCollision(ifs, parseHostCidr('192.168.59.1/24'), [])).toBeUndefined();
    expect(findCollision({ vboxnet0: ifs.en0 }, parseHostCidr('192.168.99.1/24'), ['vboxnet0'])).toBeUndefined();
  });
});

describe('VBoxManage discovery and the call queue', () => {
  it('looks in PATH, then VBOX_MSI_INSTALL_PATH/VBOX_INSTALL_PATH, the default folder, then the registry', async () => {
    const none = new Player(() => undefined);
    const win = (found: string, env: NodeJS.ProcessEnv, reg?: string) =>
      locateVBoxManage({ platform: 'win32', env, exists: async (f) => f === found, runner: reg ? new Player((a) => (a[0] === 'query' ? { stdout: reg } : undefined)) : none });
    expect(await win('C:\\tools\\VBoxManage.exe', { PATH: 'C:\\Windows;C:\\tools' })).toEqual({ path: 'C:\\tools\\VBoxManage.exe', via: 'PATH' });
    expect(await win('D:\\VB\\VBoxManage.exe', { PATH: '', VBOX_MSI_INSTALL_PATH: 'D:\\VB\\' })).toEqual({ path: 'D:\\VB\\VBoxManage.exe', via: 'VBOX_MSI_INSTALL_PATH' });
    expect(await win('E:\\VB\\VBoxManage.exe', { PATH: '', VBOX_INSTALL_PATH: 'E:\\VB' })).toEqual({ path: 'E:\\VB\\VBoxManage.exe', via: 'VBOX_INSTALL_PATH' });
    expect(await win('C:\\Program Files\\Oracle\\VirtualBox\\VBoxManage.exe', { PATH: '' })).toEqual({ path: 'C:\\Program Files\\Oracle\\VirtualBox\\VBoxManage.exe', via: 'default folder' });
    // the `reg query` answer layout as documented for reg.exe (not a recording)
    const reg = '\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Oracle\\VirtualBox\r\n    InstallDir    REG_SZ    F:\\Oracle\\VirtualBox\\\r\n\r\n';
    const regRunner = new Player((a) => (a[0] === 'query' ? { stdout: reg } : undefined));
    expect(await locateVBoxManage({ platform: 'win32', env: { PATH: '' }, exists: async (f) => f === 'F:\\Oracle\\VirtualBox\\VBoxManage.exe', runner: regRunner })).toEqual({ path: 'F:\\Oracle\\VirtualBox\\VBoxManage.exe', via: 'registry' });
    expect(regRunner.lines).toEqual(['reg query HKLM\\SOFTWARE\\Oracle\\VirtualBox /v InstallDir']);
    expect(await locateVBoxManage({ platform: 'linux', env: { PATH: '/nowhere' }, exists: async () => false, runner: none })).toBeUndefined();
  });

  it('runs one VBoxManage call at a time', async () => {
    let active = 0;
    let maxActive = 0;
    const job = () => serialized(async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise((r) => setTimeout(r, 5));
      active--;
    });
    await Promise.all([job(), job(), job(), job()]);
    expect(maxActive).toBe(1);
  });

  it('retries on "object is not ready" and then succeeds', async () => {
    let n = 0;
    const p = new Player((a) => {
      if (a[0] === '--version') return { stdout: fx('version.7.1.8.txt') };
      if (a[0] === 'showvminfo') return n++ < 2 ? { stderr: 'VBoxManage: error: The object is not ready', code: 1 } : { stdout: 'VMState="running"\n' };
      return undefined;
    });
    const d = createVirtualBoxDriver(deps(p));
    expect(await d.state({ vm: 'fl1' })).toBe('running');
    expect(p.lines.filter((l) => l.includes('showvminfo'))).toHaveLength(3);
  });
});

describe('create, start, stop, kill, restart, remove: exact command lines', () => {
  it('creates a cloud-image VM: disk, seed, host-only network with DHCP, SSH port forward, start, IP by MAC', async () => {
    const p = vbox();
    const d = createVirtualBoxDriver(deps(p));
    const { endpoint, data } = await d.create(spec(), ctx());
    expect(p.lines).toEqual([
      `${VBM} --version`,
      `${VBM} showvminfo fl1 --machinereadable`,
      `${VBM} createvm --name fl1 --basefolder ${dir} --ostype Ubuntu_64 --register`,
      `${VBM} modifyvm fl1 --firmware bios --cpus 2 --memory 2048 --acpi on --ioapic on --rtcuseutc on --natdnshostresolver1 off --natdnsproxy1 on --cpuhotplug off --pae on --hpet on --hwvirtex on --nestedpaging on --largepages on --vtxvpid on --accelerate3d off --boot1 disk --boot2 dvd --boot3 none --boot4 none --uart1 0x3F8 4 --uartmode1 file ${dir}/console.log`,
      `${VBM} modifyvm fl1 --nic1 nat --nictype1 82540EM --cableconnected1 on`,
      `${VBM} storagectl fl1 --name SATA --add sata --hostiocache on`,
      `${VBM} clonemedium disk /cache/noble.vmdk ${dir}/disk.vdi --format VDI`,
      `${VBM} modifymedium disk ${dir}/disk.vdi --resize 20480`,
      `${VBM} storageattach fl1 --storagectl SATA --port 0 --device 0 --type hdd --medium ${dir}/disk.vdi`,
      `${VBM} storageattach fl1 --storagectl SATA --port 1 --device 0 --type dvddrive --medium ${dir}/seed.iso`,
      ...hostOnlyStartLines(40022),
    ]);
    expect(endpoint).toEqual({ ip: '192.168.99.101', ssh: { host: '127.0.0.1', port: 40022, user: 'docker' }, docker: { host: '192.168.99.101', port: 2376 } });
    expect(data).toMatchObject({ vm: 'fl1', hostOnlyAdapter: 'vboxnet12', sshPort: 40022, hostOnlyCidr: '192.168.59.1/24', bootImage: 'cloud' });
    expect((await fs.stat(path.join(dir, 'seed.iso'))).size).toBeGreaterThan(0);
    expect(sshCalls).toEqual(['docker@127.0.0.1:40022 ip addr show', 'docker@127.0.0.1:40022 cloud-init status --wait >/dev/null 2>&1; docker --version']);
  });

  it('reuses an adapter and keeps its enabled DHCP server as it is (both recorded on one host)', async () => {
    const p = vbox({ version: 'version.6.1.22.txt', hostonlyifs: 'list-hostonlyifs.vbox61-with-dhcp.txt', dhcpservers: 'list-dhcpservers.vbox61.txt' });
    const d = createVirtualBoxDriver(deps(p, { hostInterfaces: () => ({}) }));
    await d.create(spec({ 'virtualbox-hostonly-cidr': '10.20.30.1/24' }), ctx());
    const i = p.lines.indexOf(`${VBM} list hostonlyifs`);
    expect(p.lines.slice(i, i + 4)).toEqual([
      `${VBM} list hostonlyifs`,
      `${VBM} list dhcpservers`,
      `${VBM} modifyvm fl1 --nic2 hostonly --nictype2 82540EM --nicpromisc2 deny --hostonlyadapter2 vboxnet0 --cableconnected2 on`,
      `${VBM} modifyvm fl1 --natpf1 delete ssh`,
    ]);
  });

  it('finds the adapter Windows made although hostonlyif create reported a failure', async () => {
    let lists = 0;
    const base = vbox({ version: 'version.6.1.22.txt' });
    const q = new Player((a) => {
      const k = a.join(' ');
      // the adapter that appears is played from another Windows host's recorded listing (vagrant#13620)
      if (k === 'list hostonlyifs') return { stdout: lists++ === 0 ? '' : fx('list-hostonlyifs.windows.txt') };
      if (k === 'hostonlyif create') return { stderr: fx('hostonlyif-create.failed.stderr'), code: 1 };
      return base.respond(a);
    });
    const d = createVirtualBoxDriver(deps(q, { hostInterfaces: () => ({}) }));
    await d.create(spec({ 'virtualbox-hostonly-cidr': '192.168.99.1/24' }), ctx());
    const i = q.lines.indexOf(`${VBM} hostonlyif create`);
    expect(q.lines.slice(i, i + 3)).toEqual([
      `${VBM} hostonlyif create`,
      `${VBM} list hostonlyifs`,
      `${VBM} hostonlyif ipconfig VirtualBox Host-Only Ethernet Adapter --ip 192.168.99.1 --netmask 255.255.255.0`,
    ]);
  });

  it('a hung VBoxManage call ends with a message instead of blocking the queue forever', async () => {
    const p = new Player((a) => (a[0] === '--version' ? { stdout: fx('version.7.1.8.txt') } : a[0] === 'showvminfo' ? { stdout: 'VMState="running"\n' } : { code: -1, timedOut: true }));
    const d = createVirtualBoxDriver(deps(p));
    await expect(d.kill({ vm: 'fl1' }, ctx())).rejects.toThrow('VBoxManage controlvm fl1 poweroff did not answer within 600 s: VirtualBox may be hung');
  });

  it('treats "error:" on stderr as a failure even with exit code 0', async () => {
    const p = new Player((a) => (a[0] === '--version' ? { stdout: fx('version.7.1.8.txt') } : { stderr: fx('unregistervm.notfound.stderr'), code: 0 }));
    const d = createVirtualBoxDriver(deps(p));
    expect(await d.state({ vm: 'unknown' })).toBe('not-found');
    await expect(d.kill({ vm: 'unknown' }, ctx())).rejects.toThrow('VirtualBox has no VM named unknown');
  });

  it('refuses several adapters with one address (docker/machine\'s hand-written layout)', async () => {
    const p = vbox({ version: 'version.6.1.22.txt', hostonlyifs: 'list-hostonlyifs.two.handwritten.txt', dhcpservers: 'list-dhcpservers.vbox5.txt' });
    const d = createVirtualBoxDriver(deps(p, { hostInterfaces: () => ({}) }));
    await expect(d.create(spec({ 'virtualbox-hostonly-cidr': '192.168.99.1/24' }), ctx())).rejects.toThrow(
      'VirtualBox has several host-only adapters with the address 192.168.99.1 (vboxnet0, vboxnet1): remove the extra ones in VirtualBox\'s Host Network Manager',
    );
    expect(p.lines).not.toContain(`${VBM} hostonlyif create`);
  });

  it('refuses adapters Windows gave one name (recorded docker/machine#2624 listing): VBoxManage could not tell them apart', async () => {
    const p = vbox({ version: 'version.6.1.22.txt', hostonlyifs: 'list-hostonlyifs.same-name.windows.txt' });
    const d = createVirtualBoxDriver(deps(p, { hostInterfaces: () => ({}) }));
    await expect(d.create(spec({ 'virtualbox-hostonly-cidr': '192.168.99.1/24' }), ctx())).rejects.toThrow(
      'VirtualBox lists several host-only adapters named "VirtualBox NDIS 6.0 Miniport Driver" (192.168.99.1, 192.168.56.1), and VBoxManage cannot tell them apart: remove them in VirtualBox\'s Host Network Manager',
    );
    const i = p.lines.indexOf(`${VBM} list hostonlyifs`);
    // nothing made on the network side; the VM and its disk are removed again
    expect(p.lines.slice(i)).toEqual([`${VBM} list hostonlyifs`, `${VBM} controlvm fl1 poweroff`, `${VBM} closemedium disk ${dir}/disk.vdi --delete`, `${VBM} unregistervm fl1 --delete`]);
  });

  it('Windows: reuses the recorded adapter (192.168.56.3) and its enabled DHCP server, and removes the orphan server of a deleted adapter', async () => {
    const q = vbox({ version: 'version.6.1.22.txt', hostonlyifs: 'list-hostonlyifs.windows.txt', dhcpservers: 'list-dhcpservers.windows.txt' });
    const d = createVirtualBoxDriver(deps(q, { hostInterfaces: () => ({}) }));
    await d.create(spec({ 'virtualbox-hostonly-cidr': '192.168.56.3/24' }), ctx());
    const hostOnlySteps = q.lines.slice(q.lines.indexOf(`${VBM} list hostonlyifs`), q.lines.indexOf(`${VBM} modifyvm fl1 --natpf1 delete ssh`));
    expect(hostOnlySteps).toEqual([
      `${VBM} list hostonlyifs`,
      `${VBM} list dhcpservers`,
      `${VBM} dhcpserver remove --netname HostInterfaceNetworking-VirtualBox Host-Only Ethernet Adapter #2`,
      `${VBM} modifyvm fl1 --nic2 hostonly --nictype2 82540EM --nicpromisc2 deny --hostonlyadapter2 VirtualBox Host-Only Ethernet Adapter --cableconnected2 on`,
    ]);
  });

  it('Windows: hostonlyif create prints its progress on stderr (recorded toolbox#252) and that is not a failure', async () => {
    const base = vbox({ version: 'version.6.1.22.txt' });
    const q = new Player((a) => {
      const k = a.join(' ');
      if (k === 'list hostonlyifs') return { stdout: fx('list-hostonlyifs.windows.txt') };
      if (k === 'list dhcpservers') return { stdout: fx('list-dhcpservers.windows.txt') };
      if (k === 'hostonlyif create') return { stdout: fx('hostonlyif-create.windows.txt'), stderr: fx('hostonlyif-create.windows.progress.stderr') };
      return base.respond(a);
    });
    const d = createVirtualBoxDriver(deps(q, { hostInterfaces: () => ({}) }));
    await d.create(spec({ 'virtualbox-hostonly-cidr': '192.168.57.1/24' }), ctx());
    const hostOnlySteps = q.lines.slice(q.lines.indexOf(`${VBM} list hostonlyifs`), q.lines.indexOf(`${VBM} modifyvm fl1 --natpf1 delete ssh`));
    expect(hostOnlySteps).toEqual([
      `${VBM} list hostonlyifs`,
      `${VBM} hostonlyif create`,
      `${VBM} hostonlyif ipconfig VirtualBox Host-Only Ethernet Adapter #3 --ip 192.168.57.1 --netmask 255.255.255.0`,
      `${VBM} list dhcpservers`,
      `${VBM} dhcpserver remove --netname HostInterfaceNetworking-VirtualBox Host-Only Ethernet Adapter #2`,
      `${VBM} dhcpserver add --netname HostInterfaceNetworking-VirtualBox Host-Only Ethernet Adapter #3 --ip 192.168.57.2 --netmask 255.255.255.0 --lowerip 192.168.57.100 --upperip 192.168.57.254 --enable`,
      `${VBM} modifyvm fl1 --nic2 hostonly --nictype2 82540EM --nicpromisc2 deny --hostonlyadapter2 VirtualBox Host-Only Ethernet Adapter #3 --cableconnected2 on`,
    ]);
  });

  it('creates a legacy boot2docker VM from the magic userdata disk', async () => {
    const iso = path.join(dir, 'cached-b2d.iso');
    await fs.writeFile(iso, 'iso');
    const p = vbox();
    const d = createVirtualBoxDriver(deps(p, { obtainImage: async () => iso }));
    await d.create(spec({ 'virtualbox-boot-image': 'boot2docker', 'virtualbox-disk-size': 64 }), ctx());
    const i = p.lines.indexOf(`${VBM} storagectl fl1 --name SATA --add sata --hostiocache on`);
    expect(p.lines.slice(i + 1, i + 4)).toEqual([
      `${VBM} convertfromraw ${dir}/userdata.raw ${dir}/disk.vmdk --format VMDK`,
      `${VBM} storageattach fl1 --storagectl SATA --port 0 --device 0 --type dvddrive --medium ${dir}/boot2docker.iso`,
      `${VBM} storageattach fl1 --storagectl SATA --port 1 --device 0 --type hdd --medium ${dir}/disk.vmdk`,
    ]);
    expect(p.lines[3]).toContain('--boot1 dvd --boot2 disk');
    await expect(fs.stat(path.join(dir, 'userdata.raw'))).rejects.toThrow(); // the raw image is removed after conversion
  });

  it('stops with the ACPI button, then powers off after the timeout', async () => {
    const p = new Player((a) => {
      if (a[0] === '--version') return { stdout: fx('version.7.1.8.txt') };
      if (a[0] === 'showvminfo') return { stdout: 'VMState="running"\n' }; // the guest ignores ACPI
      return undefined;
    });
    let slept = 0;
    const d = createVirtualBoxDriver(deps(p, { sleep: async (ms) => void (slept += ms), timeouts: { stopMs: 0, ipMs: 1, pollMs: 1 } }));
    await d.stop({ vm: 'fl1' }, ctx());
    expect(p.lines).toEqual([`${VBM} --version`, `${VBM} showvminfo fl1 --machinereadable`, `${VBM} controlvm fl1 acpipowerbutton`, `${VBM} controlvm fl1 poweroff`]);
  });

  it('stops cleanly when the guest obeys ACPI; kill powers off; remove powers off then unregisters with --delete', async () => {
    const p = vbox({ existing: true });
    const d = createVirtualBoxDriver(deps(p));
    const data = { vm: 'fl1', hostOnlyCidr: '192.168.59.1/24', sshPort: 40022 };
    await d.start(data, ctx());
    p.lines = [];
    await d.stop(data, ctx());
    expect(p.lines).toEqual([`${VBM} showvminfo fl1 --machinereadable`, `${VBM} controlvm fl1 acpipowerbutton`, `${VBM} showvminfo fl1 --machinereadable`]);
    await d.start(data, ctx());
    p.lines = [];
    await d.kill(data, ctx());
    expect(p.lines).toEqual([`${VBM} showvminfo fl1 --machinereadable`, `${VBM} controlvm fl1 poweroff`]);
    await d.start(data, ctx());
    p.lines = [];
    await d.remove(data, ctx());
    expect(p.lines).toEqual([`${VBM} showvminfo fl1 --machinereadable`, `${VBM} controlvm fl1 poweroff`, `${VBM} unregistervm fl1 --delete`]);
    p.lines = [];
    await d.remove(data, ctx()); // already gone: nothing to do
    expect(p.lines).toEqual([`${VBM} showvminfo fl1 --machinereadable`]);
    expect(await d.state(data)).toBe('not-found');
  });

  describe('rm after an interrupted create (a record with no driver data: the VM is found by the machine name)', () => {
    it('killed while the VM was booting: powers it off and unregisters it with --delete', async () => {
      const p = vbox({ existing: true });
      const d = createVirtualBoxDriver(deps(p));
      await d.start({ vm: 'fl1', hostOnlyCidr: '192.168.59.1/24', sshPort: 40022 }, ctx()); // what the killed create got to
      p.lines = [];
      await d.remove({}, ctx());
      expect(p.lines).toEqual([`${VBM} showvminfo fl1 --machinereadable`, `${VBM} controlvm fl1 poweroff`, `${VBM} unregistervm fl1 --delete`]);
      expect(await d.state({ vm: 'fl1' })).toBe('not-found');
    });

    it('killed after the disk was cloned but before it was attached: unregisters the VM, then closes and deletes the disk', async () => {
      const p = vbox({ existing: true });
      const disk = path.join(dir, 'disk.vdi');
      const d = createVirtualBoxDriver(deps(p, { exists: async (f) => f === VBM || f === disk }));
      await d.remove({}, ctx());
      expect(p.lines).toEqual([`${VBM} --version`, `${VBM} showvminfo fl1 --machinereadable`, `${VBM} unregistervm fl1 --delete`, `${VBM} closemedium disk ${disk} --delete`]);
    });

    it('killed before createvm: nothing exists, and rm succeeds after one question', async () => {
      const p = vbox();
      const d = createVirtualBoxDriver(deps(p));
      await d.remove({}, ctx());
      expect(p.lines).toEqual([`${VBM} --version`, `${VBM} showvminfo fl1 --machinereadable`]);
    });

    it('VirtualBox not installed: nothing can have been made, and rm succeeds without a command', async () => {
      const p = vbox();
      const d = createVirtualBoxDriver(deps(p, { exists: async () => false }));
      await d.remove({}, ctx());
      expect(p.lines).toEqual([]);
      await expect(d.remove({ vm: 'fl1' }, ctx())).rejects.toThrow(/VBoxManage was not found/);
    });
  });

  it('restart = stop then start with the saved SSH port; state comes from showvminfo', async () => {
    const p = vbox({ existing: true, hostonlyifs: 'list-hostonlyifs.vbox61.txt' });
    const d = createVirtualBoxDriver(deps(p));
    const data: Record<string, unknown> = { vm: 'fl1', hostOnlyCidr: '192.168.59.1/24', sshPort: 40100 };
    expect(await d.state(data)).toBe('stopped');
    await d.start(data, ctx());
    p.lines = [];
    const ep = await d.restart(data, ctx());
    expect(ep.ssh.port).toBe(40100);
    expect(p.lines).toEqual([
      `${VBM} showvminfo fl1 --machinereadable`,
      `${VBM} controlvm fl1 acpipowerbutton`,
      `${VBM} showvminfo fl1 --machinereadable`,
      ...hostOnlyStartLines(40100),
    ]);
    expect(await d.state(data)).toBe('running');
  });
});

describe('known failures, each with its message', () => {
  it('VBoxManage missing: create fails at once and runs nothing', async () => {
    const p = new Player(() => undefined);
    const d = createVirtualBoxDriver(deps(p, { exists: async () => false }));
    await expect(d.create(spec(), ctx())).rejects.toThrow(/^VBoxManage was not found \(looked in PATH, VBOX_MSI_INSTALL_PATH, VBOX_INSTALL_PATH, the default install folders and the Windows registry\): install VirtualBox/);
    expect(p.lines).toEqual([]);
    expect(await fs.readdir(dir)).toEqual([]);
    const pre = await d.prerequisites();
    expect(pre).toEqual([expect.objectContaining({ name: 'VBoxManage installed', ok: false })]);
  });

  it('version too old', async () => {
    const p = vbox({ version: 'version.6.0.0.txt' });
    const d = createVirtualBoxDriver(deps(p));
    await expect(d.create(spec(), ctx())).rejects.toThrow('VirtualBox "6.0.0r127566" is too old or unreadable: Flotilla needs VirtualBox 6.1 or later');
    expect(p.lines).toEqual([`${VBM} --version`]);
  });

  it('VT-x disabled: refused before anything is made, with the BIOS remedy; and in startvm stderr / VBox.log', async () => {
    const p = vbox();
    const d = createVirtualBoxDriver(deps(p, { readFile: async () => 'flags\t\t: fpu vme de pse\n' }));
    await expect(d.create(spec(), ctx())).rejects.toThrow(/cannot create a VirtualBox VM: the CPU reports neither vmx nor svm in \/proc\/cpuinfo; enable VT-x\/AMD-V in the BIOS/);
    expect(p.lines).toEqual([`${VBM} --version`]);
    for (const f of ['startvm.vtx-not-available.stderr', 'startvm.vmx-no-vmx.linux.stderr']) expect(matchFailure(fx(f))?.id).toBe('vtx-disabled');
    expect(matchFailure(fx('vboxlog.nem-vm-create-failed.txt'))?.id).toBe('hyperv-in-the-way');
    expect(matchFailure(fx('vboxlog.suplib-owner-not-root.txt'))?.id).toBe('suplib-owner');
    expect(matchFailure(fx('vboxlog.vmm-r0-version-mismatch.txt'))?.id).toBe('kernel-driver');
    expect(matchFailure(fx('startvm.intnet-flt-if-not-found.stderr'))?.id).toBe('hostonly-adapter-missing');
  });

  it('VT-x error at startvm: the VM is removed again and the message names the remedy', async () => {
    const p = vbox({ startErr: 'startvm.vmx-no-vmx.linux.stderr' });
    const d = createVirtualBoxDriver(deps(p));
    await expect(d.create(spec(), ctx())).rejects.toThrow('VirtualBox could not start fl1 because hardware virtualization (VT-x/AMD-V) is not available: enable Intel VT-x / AMD-V (SVM) in the BIOS/UEFI settings');
    expect(p.lines.slice(-4)).toEqual([`${VBM} startvm fl1 --type headless`, `${VBM} controlvm fl1 poweroff`, `${VBM} closemedium disk ${dir}/disk.vdi --delete`, `${VBM} unregistervm fl1 --delete`]);
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('VT-x found in VBox.log after startvm', async () => {
    const p = vbox();
    const log = fx('startvm.vmx-no-vmx.linux.stderr');
    const d = createVirtualBoxDriver(
      deps(p, {
        readFile: async (f) => {
          if (f === '/proc/cpuinfo') return 'flags\t\t: vmx\n';
          if (f.endsWith(path.join('fl1', 'Logs', 'VBox.log'))) return log;
          throw new Error('ENOENT');
        },
      }),
    );
    await expect(d.create(spec(), ctx())).rejects.toThrow(/hardware virtualization \(VT-x\/AMD-V\) is not available/);
  });

  it('host-only range refused: checked before creating (6.1.28+ on Linux) and mapped from E_ACCESSDENIED', async () => {
    const p = vbox();
    const d = createVirtualBoxDriver(deps(p));
    await expect(d.create(spec({ 'virtualbox-hostonly-cidr': '192.168.99.1/24' }), ctx())).rejects.toThrow(
      'VirtualBox host-only network 192.168.99.1/24 is not allowed since VirtualBox 6.1.28; use 192.168.56.1/24 (or any /24 from 192.168.56.1 to 192.168.63.1, e.g. the default 192.168.59.1/24) or add it to /etc/vbox/networks.conf (a line "* 192.168.99.0/24")',
    );
    expect(p.lines).toEqual([`${VBM} --version`]);
    // networks.conf allows it, but VirtualBox still refuses (recorded E_ACCESSDENIED): same message, VM removed
    const q = vbox({ ipconfigErr: 'hostonlyif-ipconfig.accessdenied.stderr' });
    const d2 = createVirtualBoxDriver(
      deps(q, {
        readFile: async (f) => (f === '/proc/cpuinfo' ? 'flags\t\t: svm\n' : f === '/etc/vbox/networks.conf' ? '* 192.168.0.0/16\n' : Promise.reject(new Error('ENOENT'))),
      }),
    );
    await expect(d2.create(spec({ 'virtualbox-hostonly-cidr': '192.168.99.1/24' }), ctx())).rejects.toThrow(/is not allowed since VirtualBox 6.1.28; use 192.168.56.1\/24/);
    expect(q.lines).toContain(`${VBM} hostonlyif remove vboxnet12`);
    expect(q.lines.at(-1)).toBe(`${VBM} unregistervm fl1 --delete`);
    expect(matchFailure(fx('hostonlyif-ipconfig.accessdenied.stderr'))?.id).toBe('hostonly-range-refused');
  });

  it('IP collision with a host interface', async () => {
    const p = vbox({ version: 'version.6.1.22.txt', hostonlyifs: 'list-hostonlyifs.vbox61.txt' });
    const d = createVirtualBoxDriver(
      deps(p, { hostInterfaces: () => ({ wlan0: [{ address: '192.168.99.42', netmask: '255.255.255.0', family: 'IPv4', mac: '', internal: false, cidr: '192.168.99.42/24' }] }) }),
    );
    await expect(d.create(spec({ 'virtualbox-hostonly-cidr': '192.168.99.1/24' }), ctx())).rejects.toThrow('host-only network 192.168.99.1/24 overlaps the host interface wlan0 (192.168.99.42): choose another --virtualbox-hostonly-cidr');
    expect(p.lines).not.toContain(`${VBM} hostonlyif create`);
  });

  it('name taken', async () => {
    const p = vbox({ existing: true });
    const d = createVirtualBoxDriver(deps(p));
    await expect(d.create(spec(), ctx())).rejects.toThrow('a VirtualBox VM named fl1 already exists: choose another machine name or remove that VM in VirtualBox');
    expect(p.lines).toEqual([`${VBM} --version`, `${VBM} showvminfo fl1 --machinereadable`]);
  });

  it('name taken at createvm (an unregistered VM left its settings file): recorded VBOX_E_FILE_ERROR mapped, nothing left behind', async () => {
    const base = vbox();
    const p = new Player((a) => (a[0] === 'createvm' ? { stderr: fx('createvm.settings-file-exists.stderr'), code: 1 } : base.respond(a)));
    const d = createVirtualBoxDriver(deps(p));
    await expect(d.create(spec(), ctx())).rejects.toThrow(
      "VirtualBox cannot create fl1: its settings file 'C:\\Users\\Administrator\\VirtualBox VMs\\vrouter\\vrouter.vbox' already exists (left by a VM removed without its files): delete that folder, or choose another machine name",
    );
    expect(p.lines).toEqual([`${VBM} --version`, `${VBM} showvminfo fl1 --machinereadable`, `${VBM} createvm --name fl1 --basefolder ${dir} --ostype Ubuntu_64 --register`]);
    expect(await fs.readdir(dir)).toEqual([]);
    expect(matchFailure(fx('createvm.settings-file-exists.stderr'))?.id).toBe('settings-file-exists');
  });

  it('no IP after the timeout: a message with what to try, and nothing left behind', async () => {
    const p = vbox();
    const d = createVirtualBoxDriver(deps(p, { sshExec: async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:40022')) }));
    await expect(d.create(spec(), ctx())).rejects.toThrow(/the VirtualBox VM fl1 got no address on host-only network vboxnet12 \(192.168.59.1\/24\) within 0 s \(last: connect ECONNREFUSED 127.0.0.1:40022\)/);
    expect(p.lines.at(-1)).toBe(`${VBM} unregistervm fl1 --delete`);
  });

  it('Windows: Hyper-V detected through PowerShell CIM (not wmic)', async () => {
    const p = new Player((a) => {
      if (a[0] === '--version') return { stdout: fx('version.7.1.8.txt') };
      if (a[0] === '-NoProfile') return { stdout: '{"VirtualizationFirmwareEnabled":false,"HypervisorPresent":true}\r\n' };
      return undefined;
    });
    const exe = 'C:\\Program Files\\Oracle\\VirtualBox\\VBoxManage.exe';
    const d = createVirtualBoxDriver(deps(p, { platform: 'win32', env: { PATH: '' }, exists: async (f) => f === exe }));
    const pre = await d.prerequisites();
    expect(pre.find((c) => c.name === 'Hyper-V not running')).toMatchObject({ ok: false, remedy: expect.stringContaining('bcdedit /set hypervisorlaunchtype off') });
    expect(p.lines[1]).toMatch(/^powershell\.exe -NoProfile -NonInteractive -Command \$cs = Get-CimInstance -ClassName Win32_ComputerSystem; /);
    expect(p.lines.join('\n')).not.toMatch(/wmic/i);
    await expect(d.create(spec(), ctx())).rejects.toThrow(/the Windows hypervisor is running/);
  });
});

describe('options and prerequisites', () => {
  it('finds a stand-in VBoxManage on PATH (a player of a recorded --version) through the real runner', async () => {
    const bin = path.join(dir, 'bin');
    await fs.mkdir(bin);
    const script = path.join(bin, 'VBoxManage');
    await fs.writeFile(script, `#!/bin/sh\ncase "$1" in --version) cat '${path.join(FIX, 'version.7.1.8.txt')}' ;; *) echo "not recorded: $*" >&2; exit 1 ;; esac\n`, { mode: 0o755 });
    const d = createVirtualBoxDriver({ platform: 'linux', env: { PATH: `${bin}:/usr/bin:/bin` }, readFile: async () => 'flags\t\t: vmx\n' });
    const pre = await d.prerequisites();
    expect(pre.slice(0, 2)).toEqual([
      { name: 'VBoxManage installed', ok: true, detail: `VBoxManage at ${script} (found via PATH)` },
      { name: 'VirtualBox version', ok: true, detail: 'VirtualBox 7.1.8r168469' },
    ]);
  });

  it('refuses Apple silicon at once (no host-only adapters there)', async () => {
    const p = vbox();
    const d = createVirtualBoxDriver(deps(p, { platform: 'darwin', arch: 'arm64', exists: async (f) => f === '/Applications/VirtualBox.app/Contents/MacOS/VBoxManage', env: { PATH: '' } }));
    await expect(d.create(spec(), ctx())).rejects.toThrow(/use the qemu driver on this Mac/);
    expect(p.lines).toEqual(['/Applications/VirtualBox.app/Contents/MacOS/VBoxManage --version']);
  });

  it('lists docker-machine style flags', () => {
    const flags = createVirtualBoxDriver(deps(new Player(() => undefined))).options().map((o) => o.flag);
    expect(flags).toEqual(expect.arrayContaining(['virtualbox-cpu-count', 'virtualbox-memory', 'virtualbox-disk-size', 'virtualbox-hostonly-cidr', 'virtualbox-boot2docker-url', 'virtualbox-no-vtx-check']));
  });
  it('reads the version from the last line when a wrapper prints more (recorded minikube#9210 output, which minikube refused)', async () => {
    const p = new Player((a) => (a[0] === '--version' ? { stdout: fx('version.6.1.14.extra-line.txt') } : undefined));
    const pre = await createVirtualBoxDriver(deps(p)).prerequisites();
    expect(pre[1]).toEqual({ name: 'VirtualBox version', ok: true, detail: 'VirtualBox 6.1.14r140239' });
    expect(p.lines).toEqual([`${VBM} --version`]);
  });
  it('reports installed, version and virtualization', async () => {
    const pre = await createVirtualBoxDriver(deps(vbox())).prerequisites();
    expect(pre.map((c) => [c.name, c.ok])).toEqual([['VBoxManage installed', true], ['VirtualBox version', true], ['virtualization enabled', true]]);
    expect(pre[1]!.detail).toBe('VirtualBox 7.1.8r168469');
  });
});
