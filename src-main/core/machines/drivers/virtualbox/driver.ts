// The VirtualBox driver: docker-machine's command sequences, fixed for today's VirtualBox (6.1.28+ host-only
// ranges, cloud images with a cloud-init seed, boot2docker kept as a legacy choice) and with clear failures.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FlotillaError } from '../../../../api/errors.js';
import { flotillaHome } from '../../../paths.js';
import { vmLifecycle } from '../lifecycle.js';
import type { DriverContext, DriverData, HostEndpoint, MachineDriver, MachineSpec, MachineState, PrerequisiteCheck, ResizeChange, ResizeOutcome } from '../types.js';
import { resizeVBox } from './resize.js';
import { execFileRunner, sleep as realSleep, type Runner } from '../../boot/runner.js';
import { buildSeedIso } from '../../boot/cloudinit.js';
import { writeB2dRawDisk } from '../../boot/b2d.js';
import { download } from '../../boot/download.js';
import { freePort as realFreePort, sshExec as realSshExec, waitFirstBoot, type SshExec } from '../../boot/host.js';
import { NOT_INSTALLED, HOSTONLY_RULE_VERSION, VBoxManage, checkVersion, locateVBoxManage } from './vbox.js';
import { hostOnlyMac, ipForMac, parseDhcpServers, parseHostOnlyIfs, parseMachineReadable, versionAtLeast, vmStateOf, type VBoxVmState } from './parse.js';
import { DEFAULT_HOSTONLY_CIDR, dhcpPlan, findCollision, inDefaultAllowedRange, networksConfAllows, parseHostCidr, rangeRefusedMessage, type HostCidr } from './network.js';
import { failureError } from './failures.js';
import { virtualizationChecks } from './host-checks.js';
import { B2D_URL, CLOUD_IMAGE_SUMS, CLOUD_IMAGE_URL, SSH_USER, num, opt, readData, str, virtualBoxOptions, type ImageRequest, type VBoxData } from './options.js';
import { ensurePrivateDir, PRIVATE_FILE, writeFileAtomic } from '../../../fsutil';

export interface VirtualBoxDriverOptions {
  runner?: Runner;
  platform?: NodeJS.Platform;
  arch?: string;
  env?: NodeJS.ProcessEnv;
  exists?: (file: string) => Promise<boolean>;
  readFile?: (file: string) => Promise<string>;
  sleep?: (ms: number) => Promise<void>;
  hostInterfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;
  freePort?: (preferred?: number) => Promise<number>;
  sshExec?: SshExec;
  /** returns a local path of the boot image (default: download into the Flotilla cache) */
  obtainImage?: (req: ImageRequest, ctx: DriverContext) => Promise<string>;
  timeouts?: { ipMs?: number; stopMs?: number; pollMs?: number; firstBootMs?: number };
}

export function createVirtualBoxDriver(o: VirtualBoxDriverOptions = {}): MachineDriver {
  const runner = o.runner ?? execFileRunner();
  const platform = o.platform ?? process.platform;
  const arch = o.arch ?? process.arch;
  const env = o.env ?? process.env;
  const exists = o.exists ?? ((f: string) => fs.access(f).then(() => true, () => false));
  const readFile = o.readFile ?? ((f: string) => fs.readFile(f, 'utf8'));
  const sleep = o.sleep ?? ((ms: number) => realSleep(ms));
  const hostInterfaces = o.hostInterfaces ?? (() => os.networkInterfaces());
  const getPort = o.freePort ?? realFreePort;
  const ssh = o.sshExec ?? realSshExec;
  const ipMs = o.timeouts?.ipMs ?? 300_000;
  const stopMs = o.timeouts?.stopMs ?? 90_000;
  const pollMs = o.timeouts?.pollMs ?? 3_000;
  const firstBootMs = o.timeouts?.firstBootMs ?? 900_000;
  const obtainImage =
    o.obtainImage ??
    (async (req: ImageRequest, ctx: DriverContext) => {
      let last = 0;
      if (!req.sha256 && !req.sha256SumsUrl) ctx.log(`warning: no checksum given for ${req.url}; the download is not verified`);
      return download({
        url: req.url,
        cacheDir: path.join(flotillaHome(env), 'cache', 'images'),
        ...(req.sha256 ? { sha256: req.sha256 } : {}),
        ...(req.sha256SumsUrl ? { sha256SumsUrl: req.sha256SumsUrl } : {}),
        signal: ctx.signal,
        onProgress: (p) => {
          const now = Date.now();
          if (now - last < 1000 && p.received !== p.total) return;
          last = now;
          const mb = (n: number) => (n / 1048576).toFixed(0);
          ctx.step('Downloading boot image', p.total ? `${mb(p.received)} of ${mb(p.total)} MB` : `${mb(p.received)} MB`);
        },
      });
    });

  let vbmCache: { vbm: VBoxManage; version: [number, number, number]; raw: string; where: string } | undefined;
  async function vbm() {
    if (vbmCache) return vbmCache;
    const found = await locateVBoxManage({ platform, env, exists, runner });
    if (!found) throw new FlotillaError('UNSUPPORTED', NOT_INSTALLED);
    const v = new VBoxManage(found.path, runner, sleep);
    const r = await v.raw(['--version']);
    if (r.notFound) throw new FlotillaError('UNSUPPORTED', NOT_INSTALLED);
    const raw = r.stdout.trim().split(/\r?\n/).pop() ?? '';
    const version = checkVersion(raw);
    vbmCache = { vbm: v, version, raw, where: `${found.path} (found via ${found.via})` };
    return vbmCache;
  }

  async function checkRange(c: HostCidr, cidr: string, version: [number, number, number]): Promise<void> {
    if (platform === 'win32' || !versionAtLeast(version, HOSTONLY_RULE_VERSION) || inDefaultAllowedRange(c)) return;
    const conf = await readFile('/etc/vbox/networks.conf').catch(() => '');
    if (!networksConfAllows(conf, c)) throw new FlotillaError('PRECONDITION', rangeRefusedMessage(cidr));
  }

  async function vmInfo(v: VBoxManage, vm: string): Promise<Map<string, string> | undefined> {
    const r = await v.raw(['showvminfo', vm, '--machinereadable']);
    if (/Could not find a registered machine named/.test(r.stderr)) return undefined;
    if (VBoxManage.failed(r)) throw failureError(r.stderr, vm) ?? new FlotillaError('INTERNAL', `VBoxManage showvminfo ${vm} failed: ${r.stderr.trim()}`);
    return parseMachineReadable(r.stdout);
  }

  async function vmState(v: VBoxManage, vm: string): Promise<VBoxVmState | 'not-found'> {
    const info = await vmInfo(v, vm);
    return info ? vmStateOf(info) : 'not-found';
  }

  /** Finds or makes the host-only adapter for `c`, with a DHCP server; returns its name. */
  async function setupHostOnly(v: VBoxManage, c: HostCidr, cidr: string, vm: string, ctx: DriverContext): Promise<string> {
    ctx.step('Host-only network', cidr);
    const ifs = parseHostOnlyIfs(await v.out(['list', 'hostonlyifs']));
    // Windows can give several adapters one name (docker/machine#2624): VBoxManage addresses adapters by name, so none of them can be used safely
    const dup = ifs.find((i, k) => ifs.findIndex((x) => x.name === i.name) !== k);
    if (dup)
      throw new FlotillaError('CONFLICT', `VirtualBox lists several host-only adapters named "${dup.name}" (${ifs.filter((i) => i.name === dup.name).map((i) => i.ip || 'no address').join(', ')}), and VBoxManage cannot tell them apart: remove them in VirtualBox's Host Network Manager (or Windows Device Manager, "VirtualBox Host-Only" adapters), then try again`);
    const sameIp = ifs.filter((i) => i.ip === c.ip);
    if (sameIp.length > 1) throw new FlotillaError('CONFLICT', `VirtualBox has several host-only adapters with the address ${c.ip} (${sameIp.map((i) => i.name).join(', ')}): remove the extra ones in VirtualBox's Host Network Manager`);
    // "15.0.0.0" is VirtualBox's misreported mask on some Windows 10 hosts (docker/machine network.go)
    let adapter = sameIp.find((i) => i.netmask === c.netmask || i.netmask === '15.0.0.0')?.name;
    if (!adapter) {
      const hit = findCollision(hostInterfaces(), c, ifs.map((i) => i.name));
      if (hit) throw new FlotillaError('CONFLICT', `host-only network ${cidr} overlaps the host interface ${hit}: choose another --virtualbox-hostonly-cidr inside 192.168.56.0/21, e.g. 192.168.60.1/24`);
      const made = await v.raw(['hostonlyif', 'create']);
      const m = /Interface '(.+)' was successfully created/.exec(made.stdout);
      if (m && !VBoxManage.failed(made)) adapter = m[1]!;
      else {
        // Windows sometimes reports a failure yet makes the adapter (docker/machine network.go): look for a new one
        const before = new Set(ifs.map((i) => i.name));
        for (let i = 0; i < 10 && !adapter; i++) {
          adapter = parseHostOnlyIfs(await v.out(['list', 'hostonlyifs'])).find((x) => !before.has(x.name))?.name;
          if (!adapter) await sleep(1000);
        }
        if (!adapter)
          throw new FlotillaError('INTERNAL', `VirtualBox could not create a host-only network adapter (${(made.stderr || made.stdout).trim()}): reinstall VirtualBox with its network drivers, or reboot, then try again`);
      }
      const r = await v.raw(['hostonlyif', 'ipconfig', adapter, '--ip', c.ip, '--netmask', c.netmask]);
      if (VBoxManage.failed(r)) {
        await v.raw(['hostonlyif', 'remove', adapter]);
        if (/E_ACCESSDENIED/.test(r.stderr)) throw new FlotillaError('PRECONDITION', rangeRefusedMessage(cidr));
        throw failureError(r.stderr, vm) ?? new FlotillaError('INTERNAL', `VBoxManage hostonlyif ipconfig ${adapter} failed: ${r.stderr.trim()}`);
      }
    }
    const netName = `HostInterfaceNetworking-${adapter}`;
    let servers = parseDhcpServers(await v.out(['list', 'dhcpservers']));
    // DHCP servers left behind by deleted adapters make VMs wait forever for an address (docker/machine#986)
    const live = new Set([...ifs.map((i) => i.networkName), netName]);
    for (const s of servers.filter((x) => x.networkName.startsWith('HostInterfaceNetworking-') && !live.has(x.networkName))) {
      await v.out(['dhcpserver', 'remove', '--netname', s.networkName]);
    }
    servers = servers.filter((x) => live.has(x.networkName) || !x.networkName.startsWith('HostInterfaceNetworking-'));
    const ours = servers.find((s) => s.networkName === netName);
    if (!ours || !ours.enabled) {
      const plan = dhcpPlan(c);
      await v.out(['dhcpserver', ours ? 'modify' : 'add', '--netname', netName, '--ip', plan.serverIp, '--netmask', c.netmask, '--lowerip', plan.lower, '--upperip', plan.upper, '--enable']);
    }
    return adapter;
  }

  async function vboxLogFailure(data: VBoxData, ctx: DriverContext): Promise<FlotillaError | undefined> {
    const log = await readFile(path.join(ctx.machineDir, data.vm, 'Logs', 'VBox.log')).catch(() => '');
    return log ? failureError(log, data.vm) : undefined;
  }

  async function waitForIp(v: VBoxManage, data: VBoxData, ctx: DriverContext): Promise<string> {
    ctx.step('Waiting for an IP address', `via SSH on 127.0.0.1:${data.sshPort}`);
    const deadline = Date.now() + ipMs;
    let lastErr = '';
    for (;;) {
      ctx.signal.throwIfAborted();
      const info = await vmInfo(v, data.vm);
      if (!info) throw new FlotillaError('NOT_FOUND', `the VirtualBox VM ${data.vm} disappeared while booting`);
      const st = vmStateOf(info);
      if (st === 'stopped') {
        throw (await vboxLogFailure(data, ctx)) ?? new FlotillaError('INTERNAL', `the VirtualBox VM ${data.vm} stopped while booting: see ${path.join(ctx.machineDir, data.vm, 'Logs', 'VBox.log')} and ${path.join(ctx.machineDir, 'console.log')}`);
      }
      const mac = hostOnlyMac(info);
      if (!mac) throw new FlotillaError('INTERNAL', `the VirtualBox VM ${data.vm} has no host-only network adapter`);
      try {
        const out = await ssh({ host: '127.0.0.1', port: data.sshPort!, user: SSH_USER, privateKeyPath: ctx.sshPrivateKeyPath, knownHostsFile: ctx.knownHostsFile, onPinned: (l) => ctx.log(l) }, 'ip addr show', 15_000);
        const ip = ipForMac(out, mac);
        if (ip) return ip;
        lastErr = `no IPv4 address on the NIC with MAC ${mac} yet`;
      } catch (e) {
        lastErr = (e as Error).message;
      }
      if (Date.now() >= deadline) break;
      await sleep(pollMs);
    }
    throw new FlotillaError(
      'TIMEOUT',
      `the VirtualBox VM ${data.vm} got no address on host-only network ${data.hostOnlyAdapter} (${data.hostOnlyCidr}) within ${Math.round(ipMs / 1000)} s (last: ${lastErr}): look at ${path.join(ctx.machineDir, 'console.log')}; remove stale host-only adapters and DHCP servers (VBoxManage dhcpserver remove --netname HostInterfaceNetworking-${data.hostOnlyAdapter}); check that no VPN takes that range; then start the machine again`,
    );
  }

  async function startVm(data: VBoxData, ctx: DriverContext): Promise<HostEndpoint> {
    const { vbm: v } = await vbm();
    const st = await vmState(v, data.vm);
    if (st === 'not-found') throw new FlotillaError('NOT_FOUND', `VirtualBox has no VM named ${data.vm}: it was removed outside Flotilla; remove the machine from Flotilla too`);
    if (st === 'paused') await v.out(['controlvm', data.vm, 'resume'], data.vm);
    else if (st !== 'running') {
      const c = parseHostCidr(data.hostOnlyCidr);
      data.hostOnlyAdapter = await setupHostOnly(v, c, data.hostOnlyCidr, data.vm, ctx);
      await v.out(['modifyvm', data.vm, '--nic2', 'hostonly', '--nictype2', data.hostOnlyNicType ?? '82540EM', '--nicpromisc2', data.hostOnlyPromisc ?? 'deny', '--hostonlyadapter2', data.hostOnlyAdapter, '--cableconnected2', 'on'], data.vm);
      data.sshPort = await getPort(data.sshPort);
      await v.raw(['modifyvm', data.vm, '--natpf1', 'delete', 'ssh']); // absent on first start: ignored
      await v.out(['modifyvm', data.vm, '--natpf1', `ssh,tcp,127.0.0.1,${data.sshPort},,22`], data.vm);
      ctx.step('Starting the VM', data.vm);
      const r = await v.raw(['startvm', data.vm, '--type', 'headless']);
      if (VBoxManage.failed(r)) {
        throw failureError(r.stderr, data.vm) ?? (await vboxLogFailure(data, ctx)) ?? new FlotillaError('INTERNAL', `VBoxManage startvm ${data.vm} failed: ${r.stderr.trim()}`);
      }
      const logFail = await vboxLogFailure(data, ctx);
      if (logFail) {
        await v.raw(['controlvm', data.vm, 'poweroff']);
        throw logFail;
      }
    }
    if (!data.sshPort) throw new FlotillaError('INTERNAL', `the VirtualBox VM ${data.vm} is running but Flotilla has no SSH port for it: stop and start the machine`);
    data.ip = await waitForIp(v, data, ctx);
    return { ip: data.ip, ssh: { host: '127.0.0.1', port: data.sshPort, user: SSH_USER }, docker: { host: data.ip, port: 2376 } };
  }

  async function stopVm(data: VBoxData, ctx: DriverContext): Promise<void> {
    const { vbm: v } = await vbm();
    const st = await vmState(v, data.vm);
    if (st === 'not-found') throw new FlotillaError('NOT_FOUND', `VirtualBox has no VM named ${data.vm}`);
    if (st === 'stopped' || st === 'saved') return;
    ctx.step('Stopping the VM', 'ACPI power button');
    await v.out(['controlvm', data.vm, 'acpipowerbutton'], data.vm);
    const deadline = Date.now() + stopMs;
    while (Date.now() < deadline) {
      await sleep(1000);
      const s = await vmState(v, data.vm);
      if (s === 'stopped' || s === 'not-found') return;
    }
    ctx.log(`${data.vm} did not shut down within ${Math.round(stopMs / 1000)} s after the ACPI power button: powering off`);
    await v.out(['controlvm', data.vm, 'poweroff'], data.vm);
  }

  return {
    name: 'virtualbox',
    description: 'Oracle VirtualBox VMs on this computer (NAT for SSH, a host-only network for the swarm)',
    options: virtualBoxOptions,

    async prerequisites(): Promise<PrerequisiteCheck[]> {
      const out: PrerequisiteCheck[] = [];
      let info: Awaited<ReturnType<typeof vbm>> | undefined;
      try {
        info = await vbm();
        out.push({ name: 'VBoxManage installed', ok: true, detail: `VBoxManage at ${info.where}` });
        out.push({ name: 'VirtualBox version', ok: true, detail: `VirtualBox ${info.raw}` });
      } catch (e) {
        const msg = (e as Error).message;
        if (msg === NOT_INSTALLED) {
          out.push({ name: 'VBoxManage installed', ok: false, detail: 'VBoxManage not found', remedy: NOT_INSTALLED });
          return out;
        }
        out.push({ name: 'VBoxManage installed', ok: true, detail: 'VBoxManage found' });
        out.push({ name: 'VirtualBox version', ok: false, detail: msg, remedy: 'upgrade from https://www.virtualbox.org/wiki/Downloads' });
      }
      out.push(...(await virtualizationChecks(platform, runner, readFile)));
      return out;
    },

    async create(spec: MachineSpec, ctx: DriverContext) {
      const vm = spec.name;
      const { vbm: v, version } = await vbm(); // fails at once when VirtualBox is absent or too old
      if (platform === 'darwin' && arch === 'arm64')
        throw new FlotillaError('UNSUPPORTED', 'VirtualBox on Apple silicon has no host-only adapters (only the newer host-only networks), which this driver does not drive yet: use the qemu driver on this Mac');
      const cidr = str(opt(spec, 'virtualbox-hostonly-cidr'), DEFAULT_HOSTONLY_CIDR);
      const c = parseHostCidr(cidr);
      await checkRange(c, cidr, version);
      if (opt(spec, 'virtualbox-no-vtx-check') !== true) {
        const bad = (await virtualizationChecks(platform, runner, readFile)).find((x) => !x.ok);
        if (bad) throw new FlotillaError('UNSUPPORTED', `cannot create a VirtualBox VM: ${bad.detail}; ${bad.remedy ?? ''}`.trim());
      }
      if (await vmInfo(v, vm)) throw new FlotillaError('CONFLICT', `a VirtualBox VM named ${vm} already exists: choose another machine name or remove that VM in VirtualBox`);

      const boot = str(opt(spec, 'virtualbox-boot-image'), 'cloud');
      if (boot !== 'cloud' && boot !== 'boot2docker') throw new FlotillaError('BAD_INPUT', `--virtualbox-boot-image must be "cloud" or "boot2docker", not "${boot}"`);
      const cpus = num(opt(spec, 'virtualbox-cpu-count'), spec.cpus);
      const mem = num(opt(spec, 'virtualbox-memory'), spec.memoryMb);
      const diskMb = num(opt(spec, 'virtualbox-disk-size'), spec.diskGb * 1024);
      const natNic = str(opt(spec, 'virtualbox-nat-nictype'), '82540EM');

      const image = await obtainImage(
        boot === 'cloud'
          ? (() => {
              const url = str(opt(spec, 'virtualbox-cloud-image-url'), CLOUD_IMAGE_URL);
              const sha = str(opt(spec, 'virtualbox-cloud-image-sha256'), '');
              return { kind: 'cloud' as const, url, ...(sha ? { sha256: sha } : url === CLOUD_IMAGE_URL ? { sha256SumsUrl: CLOUD_IMAGE_SUMS } : {}) };
            })()
          : (() => {
              const sha = str(opt(spec, 'virtualbox-boot2docker-sha256'), '');
              return { kind: 'boot2docker' as const, url: str(opt(spec, 'virtualbox-boot2docker-url'), B2D_URL), ...(sha ? { sha256: sha } : {}) };
            })(),
        ctx,
      );

      const d = ctx.machineDir;
      const undo: Array<() => Promise<unknown>> = [];
      const data: VBoxData = {
        vm,
        hostOnlyCidr: cidr,
        bootImage: boot,
        hostOnlyNicType: str(opt(spec, 'virtualbox-hostonly-nictype'), '82540EM'),
        hostOnlyPromisc: str(opt(spec, 'virtualbox-hostonly-nicpromisc'), 'deny'),
      };
      try {
        await ensurePrivateDir(d);
        ctx.step('Creating the VM', vm);
        await v.out(['createvm', '--name', vm, '--basefolder', d, '--ostype', 'Ubuntu_64', '--register'], vm);
        undo.push(() => v.raw(['unregistervm', vm, '--delete']));
        await v.out(
          ['modifyvm', vm, '--firmware', 'bios', '--cpus', String(cpus), '--memory', String(mem), '--acpi', 'on', '--ioapic', 'on', '--rtcuseutc', 'on',
            '--natdnshostresolver1', 'off', '--natdnsproxy1', 'on', '--cpuhotplug', 'off', '--pae', 'on', '--hpet', 'on', '--hwvirtex', 'on',
            '--nestedpaging', 'on', '--largepages', 'on', '--vtxvpid', 'on', '--accelerate3d', 'off',
            '--boot1', boot === 'cloud' ? 'disk' : 'dvd', '--boot2', boot === 'cloud' ? 'dvd' : 'disk', '--boot3', 'none', '--boot4', 'none',
            '--uart1', '0x3F8', '4', '--uartmode1', 'file', path.join(d, 'console.log')],
          vm,
        );
        await v.out(['modifyvm', vm, '--nic1', 'nat', '--nictype1', natNic, '--cableconnected1', 'on'], vm);
        await v.out(['storagectl', vm, '--name', 'SATA', '--add', 'sata', '--hostiocache', 'on'], vm);
        if (boot === 'cloud') {
          const disk = path.join(d, 'disk.vdi');
          ctx.step('Creating the disk', `${diskMb} MB`);
          await v.out(['clonemedium', 'disk', image, disk, '--format', 'VDI'], vm);
          undo.push(() => v.raw(['closemedium', 'disk', disk, '--delete']));
          await v.out(['modifymedium', 'disk', disk, '--resize', String(diskMb)], vm);
          const seed = path.join(d, 'seed.iso');
          await writeFileAtomic(seed, buildSeedIso({ hostname: vm, sshPublicKey: ctx.sshPublicKey, user: SSH_USER }));
          await v.out(['storageattach', vm, '--storagectl', 'SATA', '--port', '0', '--device', '0', '--type', 'hdd', '--medium', disk], vm);
          await v.out(['storageattach', vm, '--storagectl', 'SATA', '--port', '1', '--device', '0', '--type', 'dvddrive', '--medium', seed], vm);
        } else {
          const iso = path.join(d, 'boot2docker.iso');
          await fs.copyFile(image, iso);
          await fs.chmod(iso, PRIVATE_FILE);
          const raw = path.join(d, 'userdata.raw');
          const disk = path.join(d, 'disk.vmdk');
          ctx.step('Creating the disk', `${diskMb} MB with the boot2docker userdata`);
          await writeB2dRawDisk(raw, ctx.sshPublicKey, diskMb * 1024 * 1024);
          try {
            await v.out(['convertfromraw', raw, disk, '--format', 'VMDK'], vm);
          } finally {
            await fs.rm(raw, { force: true });
          }
          undo.push(() => v.raw(['closemedium', 'disk', disk, '--delete']));
          await v.out(['storageattach', vm, '--storagectl', 'SATA', '--port', '0', '--device', '0', '--type', 'dvddrive', '--medium', iso], vm);
          await v.out(['storageattach', vm, '--storagectl', 'SATA', '--port', '1', '--device', '0', '--type', 'hdd', '--medium', disk], vm);
        }
        undo.push(() => v.raw(['controlvm', vm, 'poweroff']));
        const endpoint = await startVm(data, ctx);
        if (boot === 'cloud') await waitFirstBoot(ssh, { host: '127.0.0.1', port: endpoint.ssh.port, user: SSH_USER, privateKeyPath: ctx.sshPrivateKeyPath, knownHostsFile: ctx.knownHostsFile, onPinned: (l) => ctx.log(l) }, vm, firstBootMs, ctx);
        return { endpoint, data: { ...data } as DriverData };
      } catch (e) {
        for (const u of undo.reverse()) await u().catch(() => undefined);
        for (const f of ['seed.iso', 'boot2docker.iso', 'disk.vdi', 'disk.vmdk', 'userdata.raw', 'console.log']) await fs.rm(path.join(d, f), { force: true });
        await fs.rm(path.join(d, vm), { recursive: true, force: true });
        throw e;
      }
    },

    ...vmLifecycle(readData, startVm, stopVm),

    async kill(raw: DriverData) {
      const data = readData(raw);
      const { vbm: v } = await vbm();
      const st = await vmState(v, data.vm);
      if (st === 'not-found') throw new FlotillaError('NOT_FOUND', `VirtualBox has no VM named ${data.vm}`);
      if (st === 'stopped' || st === 'saved') return;
      await v.out(['controlvm', data.vm, 'poweroff'], data.vm);
    },

    async remove(raw: DriverData, ctx: DriverContext) {
      // no driver data: the create was interrupted before it returned; its VM is named after the machine, its disk is in the machine's folder
      const interrupted = typeof raw.vm !== 'string';
      const vm = interrupted ? ctx.machineName : readData(raw).vm;
      let v: VBoxManage;
      try {
        v = (await vbm()).vbm;
      } catch (e) {
        // VirtualBox absent or unusable: an interrupted create cannot have made anything with it
        if (interrupted && (e as FlotillaError).code === 'UNSUPPORTED') return;
        throw e;
      }
      const st = await vmState(v, vm);
      if (st === 'not-found') ctx.log(`VirtualBox VM ${vm} is already gone`);
      else {
        if (st !== 'stopped' && st !== 'saved') await v.out(['controlvm', vm, 'poweroff'], vm);
        await v.out(['unregistervm', vm, '--delete'], vm);
      }
      // a disk cloned before the VM had it attached stays in VirtualBox's media registry: close and delete it
      for (const f of ['disk.vdi', 'disk.vmdk']) {
        const disk = path.join(ctx.machineDir, f);
        if (await exists(disk)) await v.raw(['closemedium', 'disk', disk, '--delete']);
      }
      // the host-only adapter is shared by every Flotilla VM on that network: it stays
    },

    /** `machine set`, only while stopped (the core checks): see resize.ts */
    async resize(raw: DriverData, change: ResizeChange, ctx: DriverContext): Promise<ResizeOutcome> {
      return resizeVBox((await vbm()).vbm, readData(raw), change, ctx);
    },

    /**
     * Where the running VM is now, asked once (docker-machine's GetIP): its state and host-only MAC from showvminfo,
     * then `ip addr show` over the NAT SSH forward and the IPv4 on the NIC with that MAC (docker-machine read
     * `dev eth1` until 2016; cloud images name it enp0s8). None when the VM does not run or has no address there yet.
     */
    async address(raw: DriverData, ctx: DriverContext): Promise<HostEndpoint | undefined> {
      const data = readData(raw);
      const { vbm: v } = await vbm();
      const info = await vmInfo(v, data.vm);
      if (!info || vmStateOf(info) !== 'running' || !data.sshPort) return undefined;
      const mac = hostOnlyMac(info);
      if (!mac) return undefined;
      const target = { host: '127.0.0.1', port: data.sshPort, user: SSH_USER, privateKeyPath: ctx.sshPrivateKeyPath, knownHostsFile: ctx.knownHostsFile, onPinned: (l: string) => ctx.log(l) };
      const ip = ipForMac(await ssh(target, 'ip addr show', 15_000), mac);
      if (!ip) return undefined;
      raw.ip = ip;
      return { ip, ssh: { host: '127.0.0.1', port: data.sshPort, user: SSH_USER }, docker: { host: ip, port: 2376 } };
    },

    async state(raw: DriverData): Promise<MachineState> {
      const data = readData(raw);
      const { vbm: v } = await vbm();
      const st = await vmState(v, data.vm);
      return st;
    },
  };
}
