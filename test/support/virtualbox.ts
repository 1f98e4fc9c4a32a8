// The VirtualBox driver's test stand: VBoxManage answers played from outputs recorded from public reports
// (test/fixtures/virtualbox, sources in SOURCE.md; list-hostonlyifs.two.handwritten.txt is docker/machine's
// hand-written test data, not a recording), every command line recorded, and the driver's other stand-ins.
// Shared by the spec files in src-main/core/machines/drivers/virtualbox/.
import fs from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { RunResult, Runner } from '../../src-main/core/machines/boot/runner';
import type { DriverContext, MachineSpec } from '../../src-main/core/machines/drivers/types';
import type { VirtualBoxDriverOptions } from '../../src-main/core/machines/drivers/virtualbox/driver';

export const FIX = path.resolve(__dirname, '../fixtures/virtualbox');
export const fx = (name: string): string => readFileSync(path.join(FIX, name), 'utf8');
export const VBM = '/usr/bin/VBoxManage';
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl t@t';


type Responder = (args: string[]) => Partial<RunResult> | undefined;

/** Plays recorded outputs and records every command line. */
export class Player implements Runner {
  lines: string[] = [];
  constructor(readonly respond: Responder) {}
  async run(cmd: string, args: string[]): Promise<RunResult> {
    this.lines.push([cmd, ...args].join(' '));
    const r = this.respond(args) ?? {};
    return { stdout: r.stdout ?? '', stderr: r.stderr ?? '', code: r.code ?? 0, ...(r.notFound ? { notFound: true } : {}), ...(r.timedOut ? { timedOut: true } : {}) };
  }
}

/** A VirtualBox whose answers come from the fixtures; VM state follows the commands it is given. */
export function vbox(opts: { version?: string; hostonlyifs?: string; dhcpservers?: string; ipconfigErr?: string; startErr?: string; existing?: boolean } = {}) {
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
export const hostOnlyStartLines = (sshPort: number): string[] => [
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

export const spec = (options: MachineSpec['options'] = {}): MachineSpec => ({ name: 'fl1', cpus: 2, memoryMb: 2048, diskGb: 20, options });

/** A fresh machine folder for each test (removed after it), the driver's context in it, and the driver's stand-ins. */
export function driverStand() {
  const stand = {
    dir: '',
    steps: [] as string[],
    sshCalls: [] as string[],
    ctx(): DriverContext {
      const dir = stand.dir;
      return { machineName: 'fl1', machineDir: dir, sshPublicKey: KEY, sshPrivateKeyPath: path.join(dir, 'id'), knownHostsFile: path.join(dir, 'known_hosts'), log: () => undefined, step: (n) => stand.steps.push(n), signal: new AbortController().signal };
    },
    deps(runner: Runner, extra: Partial<VirtualBoxDriverOptions> = {}): VirtualBoxDriverOptions {
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
          stand.sshCalls.push(`${t.user}@${t.host}:${t.port} ${cmd}`);
          return cmd === 'ip addr show' ? fx('ip-addr.txt') : '';
        },
        obtainImage: async () => '/cache/noble.vmdk',
        timeouts: { ipMs: 50, stopMs: 3000, pollMs: 1 },
        ...extra,
      };
    },
  };
  beforeEach(async () => {
    stand.dir = await fs.mkdtemp(path.join(os.tmpdir(), 'flotilla-vbox-'));
    stand.steps = [];
    stand.sshCalls = [];
  });
  afterEach(async () => {
    await fs.rm(stand.dir, { recursive: true, force: true });
  });
  return stand;
}
