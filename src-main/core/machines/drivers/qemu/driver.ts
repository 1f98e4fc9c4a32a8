// The qemu driver: real VMs with QEMU on Linux (kvm, else tcg) and macOS (hvf), rootless.
// Per machine, under <machineDir>/qemu/: overlay.qcow2 (copy-on-write on a cached base image), seed.iso
// (NoCloud), console.log (serial), qemu.pid, qmp.sock. See README.md for the networking choice.
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { FlotillaError } from '../../../../api/errors';
import { flotillaHome } from '../../../paths';
import { execFileRunner, sleep, type Runner } from '../../boot/runner';
import { findCloudKernel, qemuImageCacheDir } from '../../images/test-image';
import { generateReadableKeyPair } from '../../../sshkeys';
import type { CreatedHost, DriverContext, DriverData, DriverOption, HostEndpoint, MachineDriver, MachineSpec, MachineState, PrerequisiteCheck, ResizeChange, ResizeOutcome } from '../types';
import { resizeQemu } from './resize';
import { availableAccels, chooseAccel, parseAccelRequest, probeBoot, type AccelChoice, type ProbeMedia, type ProbeResult } from './accel';
import { overlayArgs, qemuArgs, type Accel, type BootMedia, type QemuVmConfig } from './args';
import { asData, qmpSocketPath, str, vmDirOf, type QemuDriverData } from './data';
import { findAarch64Firmware, findBinary, freePort, hostArch, isAlive, parseQemuVersion, portIsFree, readPid, sshBanner, type QemuArch } from './host';
import { resolveImage } from './image';
import { DEFAULT_NETWORK, DEFAULT_SUBNET, NetworkRegistry, randomMac } from './network';
import { withQmp } from './qmp';
import { writeSeed } from './seed';
import { ensurePrivateDir, writeJsonAtomic } from '../../../fsutil';

/** how many times longer the provisioner waits for a VM under tcg software emulation */
export const TCG_SLOW_FACTOR = 5;

export interface QemuDriverOptions {
  /** driver-wide state: private network registry, accelerator probe cache (default <flotillaHome>/qemu) */
  stateDir?: string;
  /** cached base images (default ~/.cache/flotilla/qemu-images) */
  imageCacheDir?: string;
  qemuBinary?: string;
  qemuImgBinary?: string;
  runner?: Runner;
  /** how long a hardware accelerator's probe boot may take before it counts as hanging */
  probeTimeoutMs?: number;
  /** how long to wait for the guest's sshd after starting QEMU */
  bootTimeoutMs?: number;
  /** how long an ACPI power-down may take before QMP quit */
  stopTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  platform?: string;
  /** guest architecture (default: the host's) */
  arch?: QemuArch;
}

export class QemuDriver implements MachineDriver {
  readonly name = 'qemu';
  readonly description = 'QEMU virtual machines (Linux: KVM or software emulation; macOS: Hypervisor.framework), rootless';
  private readonly o: QemuDriverOptions;
  private readonly runner: Runner;
  private readonly accelMemo = new Map<string, ProbeResult>();

  constructor(o: QemuDriverOptions = {}) {
    this.o = o;
    this.runner = o.runner ?? execFileRunner();
  }

  private get stateDir(): string {
    return this.o.stateDir ?? path.join(flotillaHome(this.o.env), 'qemu');
  }

  private get arch(): QemuArch {
    return this.o.arch ?? hostArch();
  }

  private get networks(): NetworkRegistry {
    return new NetworkRegistry(path.join(this.stateDir, 'networks'));
  }

  options(): DriverOption[] {
    return [
      { flag: 'qemu-accel', description: 'acceleration: auto (kvm or hvf when a probe boot works, else tcg), kvm, hvf or tcg', type: 'string', default: 'auto' },
      { flag: 'qemu-image', description: 'base image: test (Debian test image built with debootstrap), debian-12, ubuntu-24.04, a path to a qcow2/raw image, or an http(s) URL', type: 'string', default: 'debian-12' },
      { flag: 'qemu-image-checksum', description: 'checksum of a qemu-image URL, as sha256:HEX or sha512:HEX', type: 'string' },
      { flag: 'qemu-network', description: 'private network shared with the other machines of a swarm (none to leave it out)', type: 'string', default: DEFAULT_NETWORK },
      { flag: 'qemu-subnet', description: 'subnet of the private network', type: 'string', default: DEFAULT_SUBNET },
      { flag: 'qemu-ip', description: 'static address on the private network (default: the next free one)', type: 'string' },
      { flag: 'qemu-ssh-user', description: 'SSH user (default: root for the test image, docker for cloud images)', type: 'string' },
    ];
  }

  private qemuPath(arch: QemuArch = this.arch): string | undefined {
    return this.o.qemuBinary ?? findBinary(`qemu-system-${arch}`, this.o.env, this.o.platform);
  }

  private qemuImgPath(): string | undefined {
    return this.o.qemuImgBinary ?? findBinary('qemu-img', this.o.env, this.o.platform);
  }

  async prerequisites(signal?: AbortSignal): Promise<PrerequisiteCheck[]> {
    const platform = this.o.platform ?? process.platform;
    const remedyInstall =
      platform === 'darwin' ? 'brew install qemu' : this.arch === 'aarch64' ? 'sudo apt-get install qemu-system-arm qemu-utils (Debian/Ubuntu) or sudo dnf install qemu-system-aarch64' : 'sudo apt-get install qemu-system-x86 qemu-utils (Debian/Ubuntu) or sudo dnf install qemu-system-x86 qemu-img (Fedora)';
    const checks: PrerequisiteCheck[] = [];
    const qemu = this.qemuPath();
    let accelHelp = '';
    if (!qemu) {
      checks.push({ name: `qemu-system-${this.arch} installed`, ok: false, detail: `qemu-system-${this.arch} not found on PATH`, remedy: remedyInstall });
    } else {
      const v = await this.runner.run(qemu, ['--version'], { timeoutMs: 15_000, ...(signal ? { signal } : {}) });
      const version = parseQemuVersion(v.stdout);
      const old = version !== undefined && Number(version.split('.')[0]) < 6;
      checks.push({
        name: `qemu-system-${this.arch} installed`,
        ok: v.code === 0 && !old,
        detail: v.code === 0 ? `QEMU ${version ?? 'unknown version'} at ${qemu}` : `${qemu} --version failed: ${v.stderr.trim().slice(0, 200)}`,
        ...(v.code !== 0 || old ? { remedy: old ? `QEMU 6.0 or newer is needed: ${remedyInstall}` : remedyInstall } : {}),
      });
      accelHelp = (await this.runner.run(qemu, ['-accel', 'help'], { timeoutMs: 15_000 })).stdout;
    }
    const img = this.qemuImgPath();
    checks.push(
      img
        ? { name: 'qemu-img installed', ok: true, detail: `qemu-img at ${img}` }
        : { name: 'qemu-img installed', ok: false, detail: 'qemu-img not found on PATH', remedy: platform === 'darwin' ? 'brew install qemu' : 'sudo apt-get install qemu-utils' },
    );
    if (qemu) {
      const choice = await this.chooseAccel('auto', qemu, accelHelp);
      // ok only with hardware acceleration: VMs still run under tcg, but minutes slower, so the wizard
      // shows the remedy and qemu is not picked as the default driver
      checks.push({
        name: 'accelerator usable',
        ok: choice.accel !== 'tcg',
        detail: choice.warning ? `${choice.accel}: ${choice.warning}` : `${choice.accel} (hardware acceleration)`,
        ...(choice.accel === 'tcg'
          ? { remedy: platform === 'linux' ? 'enable virtualization (VT-x/AMD-V) in the firmware, load kvm_intel or kvm_amd, add yourself to the kvm group; VMs still work with tcg, only slower' : 'VMs still work with tcg, only slower' }
          : {}),
      });
    }
    return checks;
  }

  /** Probe results are kept a day in <stateDir>/accel-probe.json: a hanging probe costs its full timeout. */
  private async probe(qemu: string, accel: Accel, media: ProbeMedia): Promise<ProbeResult> {
    const key = `${qemu}|${accel}|${media.kind === 'kernel' ? media.kernel : media.disk}`;
    const memo = this.accelMemo.get(key);
    if (memo) return memo;
    const file = path.join(this.stateDir, 'accel-probe.json');
    let cache: Record<string, ProbeResult & { at: number }> = {};
    try {
      cache = JSON.parse(await fsp.readFile(file, 'utf8')) as typeof cache;
    } catch {
      // no cache yet
    }
    const hit = cache[key];
    if (hit && Date.now() - hit.at < 86_400_000) {
      this.accelMemo.set(key, hit);
      return hit;
    }
    const r = await probeBoot(qemu, accel, media, this.o.probeTimeoutMs ?? 20_000, this.arch === 'aarch64' ? 'virt' : 'pc');
    this.accelMemo.set(key, r);
    cache[key] = { ...r, at: Date.now() };
    await writeJsonAtomic(file, cache).catch(() => undefined);
    return r;
  }

  /** What the accelerator probe boots: the image's own kernel, else the host's Debian cloud kernel, else the base disk itself. */
  probeMedia(img?: { kernel?: string; base: string; format: string; firmware?: string }): { media?: ProbeMedia; why?: string } {
    if (img?.kernel) return { media: { kind: 'kernel', kernel: img.kernel } };
    const platform = this.o.platform ?? process.platform;
    if (this.arch === 'x86_64' && platform === 'linux') {
      const v = findCloudKernel();
      if (v) return { media: { kind: 'kernel', kernel: `/boot/vmlinuz-${v}` } };
    }
    if (img && (this.arch !== 'aarch64' || img.firmware)) return { media: { kind: 'disk', disk: img.base, format: img.format, ...(img.firmware ? { firmware: img.firmware } : {}) } };
    if (img) return { why: 'no UEFI firmware to boot the aarch64 image with' };
    return { why: 'no kernel or image to boot yet; it is probed when a machine is created' };
  }

  private async chooseAccel(requested: ReturnType<typeof parseAccelRequest>, qemu: string, accelHelp?: string, img?: { kernel?: string; base: string; format: string; firmware?: string }): Promise<AccelChoice> {
    const help = accelHelp ?? (await this.runner.run(qemu, ['-accel', 'help'], { timeoutMs: 15_000 })).stdout;
    const platform = this.o.platform ?? process.platform;
    const { media, why } = this.probeMedia(img);
    return chooseAccel({ requested, available: availableAccels(help, platform), probe: media ? (a) => this.probe(qemu, a, media) : undefined, ...(why ? { noProbeReason: why } : {}), platform });
  }

  /** aarch64 boots a cloud disk through UEFI: the firmware is required there, and not used otherwise. */
  firmwareFor(boot: BootMedia, qemu: string | undefined): string | undefined {
    if (this.arch !== 'aarch64' || boot.kind !== 'disk') return undefined;
    const fw = findAarch64Firmware(qemu);
    if (!fw) throw new FlotillaError('UNSUPPORTED', 'no UEFI firmware for aarch64 VMs (edk2-aarch64-code.fd) was found beside QEMU: brew reinstall qemu (macOS), or sudo apt-get install qemu-efi-aarch64');
    return fw;
  }

  async create(spec: MachineSpec, ctx: DriverContext): Promise<CreatedHost> {
    const qemu = this.qemuPath();
    const qemuImg = this.qemuImgPath();
    if (!qemu || !qemuImg) throw new FlotillaError('UNSUPPORTED', `QEMU is not installed (qemu-system-${this.arch} and qemu-img are needed): sudo apt-get install qemu-system-x86 qemu-utils, or brew install qemu`);
    const requested = parseAccelRequest(spec.options['qemu-accel'] ?? 'auto');
    const dir = vmDirOf(ctx.machineDir);
    const netName = str(spec.options['qemu-network'], DEFAULT_NETWORK);
    let leased = false;
    try {
      const img = await resolveImage(spec, ctx, { cacheDir: this.o.imageCacheDir ?? qemuImageCacheDir(this.o.env), arch: this.arch, runner: this.runner, qemuImg });
      const firmware = this.firmwareFor(img.boot, qemu);
      ctx.step('accelerator', requested === 'auto' ? 'probing' : requested);
      const choice = await this.chooseAccel(requested, qemu, undefined, { ...img, ...(firmware ? { firmware } : {}) });
      if (choice.warning) {
        ctx.step('accelerator', `warning: ${choice.warning}`);
        ctx.log(`warning: ${choice.warning}`);
      }
      await ensurePrivateDir(dir);
      const overlay = path.join(dir, 'overlay.qcow2');
      ctx.step('disk', `${spec.diskGb} GB copy-on-write overlay on ${path.basename(img.base)}`);
      const r = await this.runner.run(qemuImg, overlayArgs(img.base, img.format, overlay, Math.max(spec.diskGb, 4)), { timeoutMs: 60_000 });
      if (r.code !== 0) throw new FlotillaError('INTERNAL', `qemu-img create failed: ${r.stderr.trim()}`);
      let network: QemuDriverData['network'];
      let privateNet: QemuVmConfig['privateNet'];
      if (netName !== 'none') {
        const wantedIp = typeof spec.options['qemu-ip'] === 'string' && spec.options['qemu-ip'] ? spec.options['qemu-ip'] : undefined;
        const subnet = typeof spec.options['qemu-subnet'] === 'string' && spec.options['qemu-subnet'] ? spec.options['qemu-subnet'] : undefined;
        const n = await this.networks.lease({ name: netName, owner: ctx.machineDir, ...(subnet ? { subnet } : {}), ...(wantedIp ? { ip: wantedIp } : {}) });
        leased = true;
        network = { name: n.name, subnet: n.subnet, ip: n.ip, prefix: n.prefix };
        privateNet = { mcastGroup: n.mcastGroup, mcastPort: n.mcastPort, mac: randomMac() };
      }
      const sshPort = await freePort();
      const dockerPort = await freePort([sshPort]);
      const vm: QemuVmConfig = {
        name: spec.name,
        arch: this.arch,
        accel: choice.accel,
        cpus: Math.max(1, Math.floor(spec.cpus)),
        memoryMb: Math.max(512, Math.floor(spec.memoryMb)),
        boot: img.boot,
        overlay,
        seed: path.join(dir, 'seed.iso'),
        sshPort,
        dockerPort,
        natMac: randomMac(),
        ...(privateNet ? { privateNet } : {}),
        consoleLog: path.join(dir, 'console.log'),
        qmpSocket: qmpSocketPath(dir),
        pidFile: path.join(dir, 'qemu.pid'),
        ...(firmware ? { firmware } : {}),
      };
      const sshUser = str(spec.options['qemu-ssh-user'], img.user);
      // the host key is made here and given to the VM through the seed: it is known before the VM boots
      const hostKey = generateReadableKeyPair(`flotilla-host-${spec.name}`);
      await writeSeed(vm.seed, {
        hostKey,
        hostname: spec.name,
        sshPublicKey: ctx.sshPublicKey,
        user: sshUser,
        instanceId: `flotilla-${spec.name}-${crypto.randomBytes(4).toString('hex')}`,
        natMac: vm.natMac,
        ...(privateNet && network ? { privateNet: { mac: privateNet.mac, ip: network.ip, prefix: network.prefix } } : {}),
      });
      const data: QemuDriverData = {
        driverVersion: 1,
        qemu,
        qemuImg,
        dir,
        vm,
        image: { source: img.source, base: img.base, format: img.format },
        sshUser,
        ...(network ? { network } : {}),
        ...(choice.warning ? { accelWarning: choice.warning } : {}),
      };
      const endpoint = await this.launch(data, ctx);
      return { endpoint, data: data as unknown as DriverData, hostKeys: [hostKey.public.trim()] };
    } catch (e) {
      await this.destroy(dir, qmpSocketPath(dir));
      if (leased) await this.networks.release(netName, ctx.machineDir).catch(() => undefined);
      throw e;
    }
  }

  private endpoint(d: QemuDriverData): HostEndpoint {
    return {
      ip: d.network?.ip ?? '127.0.0.1',
      ssh: { host: '127.0.0.1', port: d.vm.sshPort, user: d.sshUser },
      docker: { host: '127.0.0.1', port: d.vm.dockerPort },
    };
  }

  /** Starts QEMU (daemonized) and waits until the guest's sshd answers on the forwarded port. */
  private async launch(d: QemuDriverData, ctx: DriverContext): Promise<HostEndpoint> {
    for (const p of [d.vm.sshPort, d.vm.dockerPort]) {
      // a QEMU killed a moment ago may still be letting go of its forwards: give it a few seconds
      for (let i = 0; i < 20 && !(await portIsFree(p)); i++) await sleep(500);
      if (!(await portIsFree(p))) throw new FlotillaError('CONFLICT', `port ${p} on 127.0.0.1 is taken by another program, and machine ${d.vm.name} forwards it: stop that program, or remove and create the machine again`);
    }
    await fsp.rm(d.vm.pidFile, { force: true });
    await fsp.rm(d.vm.qmpSocket, { force: true });
    const args = qemuArgs(d.vm);
    ctx.step('starting VM', `${d.vm.accel}, ${d.vm.cpus} CPU, ${d.vm.memoryMb} MB`);
    ctx.log(`$ ${d.qemu} ${args.join(' ')}`);
    const r = await this.runner.run(d.qemu, args, { timeoutMs: 120_000, signal: ctx.signal });
    if (r.code !== 0) throw new FlotillaError('INTERNAL', `QEMU did not start (exit ${r.code}): ${r.stderr.trim().slice(0, 1000)}`);
    ctx.step('waiting for SSH', `127.0.0.1:${d.vm.sshPort}`);
    const deadline = Date.now() + (this.o.bootTimeoutMs ?? 600_000);
    while (Date.now() < deadline) {
      if (ctx.signal.aborted) throw new FlotillaError('CANCELLED', 'the operation was cancelled');
      const pid = readPid(d.vm.pidFile);
      if (!pid || !isAlive(pid)) {
        throw new FlotillaError('INTERNAL', `QEMU for ${d.vm.name} exited while booting; the serial console ends with:\n${await this.consoleTail(d)}`);
      }
      // a long wait per attempt: under emulation sshd needs seconds per connection, and abandoned
      // connections pile up as pre-auth children until sshd refuses everyone (MaxStartups)
      if (await sshBanner('127.0.0.1', d.vm.sshPort, 30_000)) return this.endpoint(d);
      await sleep(3000);
    }
    await this.kill(d as unknown as DriverData, ctx).catch(() => undefined);
    throw new FlotillaError('TIMEOUT', `${d.vm.name} did not answer SSH within ${Math.round((this.o.bootTimeoutMs ?? 600_000) / 1000)} s (accelerator ${d.vm.accel}); the serial console ends with:\n${await this.consoleTail(d)}`);
  }

  private async consoleTail(d: QemuDriverData): Promise<string> {
    try {
      return (await fsp.readFile(d.vm.consoleLog, 'utf8')).split('\n').slice(-15).join('\n');
    } catch {
      return '(no console output)';
    }
  }

  async start(data: DriverData, ctx: DriverContext): Promise<HostEndpoint> {
    const d = asData(data);
    const st = await this.state(data);
    if (st === 'running') return this.endpoint(d);
    if (st === 'not-found') throw new FlotillaError('NOT_FOUND', `the disk of machine ${d.vm.name} is gone (${d.vm.overlay}): remove the machine and create it again`);
    if (st === 'paused') {
      await withQmp(d.vm.qmpSocket, (c) => c.execute('cont'));
      return this.endpoint(d);
    }
    return this.launch(d, ctx);
  }

  async stop(data: DriverData, ctx: DriverContext): Promise<void> {
    const d = asData(data);
    const pid = readPid(d.vm.pidFile);
    if (!pid || !isAlive(pid)) return this.cleanRuntime(d);
    ctx.step('stopping VM', 'ACPI power-down');
    try {
      await withQmp(d.vm.qmpSocket, (c) => c.execute('system_powerdown'));
    } catch (e) {
      ctx.log(`QMP system_powerdown failed: ${(e as Error).message}`);
    }
    if (await this.waitExit(pid, this.o.stopTimeoutMs ?? 90_000)) return this.cleanRuntime(d);
    ctx.step('stopping VM', 'the guest did not power off in time: quitting QEMU');
    try {
      await withQmp(d.vm.qmpSocket, (c) => c.execute('quit'));
    } catch (e) {
      ctx.log(`QMP quit failed: ${(e as Error).message}`);
    }
    if (await this.waitExit(pid, 10_000)) return this.cleanRuntime(d);
    return this.kill(data, ctx);
  }

  resize(data: DriverData, change: ResizeChange, ctx: DriverContext): Promise<ResizeOutcome> {
    return resizeQemu(this.runner, data, change, ctx); // only while stopped (the core checks): see resize.ts
  }

  async restart(data: DriverData, ctx: DriverContext): Promise<HostEndpoint> {
    await this.stop(data, ctx);
    return this.start(data, ctx);
  }

  async kill(data: DriverData, _ctx: DriverContext): Promise<void> {
    if (Object.keys(data).length === 0) return; // create failed before the VM existed (and cleaned up)
    const d = asData(data);
    const pid = readPid(d.vm.pidFile);
    if (pid && isAlive(pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
      if (!(await this.waitExit(pid, 15_000))) throw new FlotillaError('INTERNAL', `QEMU process ${pid} of ${d.vm.name} did not die after SIGKILL`);
    }
    await this.cleanRuntime(d);
  }

  async remove(data: DriverData, ctx: DriverContext): Promise<void> {
    if (Object.keys(data).length === 0) {
      // no driver data: the create was interrupted (or failed) before it returned; its files, process and
      // address lease are found by the machine's folder
      const dir = vmDirOf(ctx.machineDir);
      await this.destroy(dir, qmpSocketPath(dir));
      await this.networks.releaseOwner(ctx.machineDir);
      return;
    }
    const d = asData(data);
    await this.kill(data, ctx);
    await this.destroy(d.dir, d.vm.qmpSocket);
    if (d.network) await this.networks.release(d.network.name, ctx.machineDir);
  }

  async state(data: DriverData, _signal?: AbortSignal): Promise<MachineState> {
    if (Object.keys(data).length === 0) return 'not-found';
    const d = asData(data);
    const pid = readPid(d.vm.pidFile);
    if (!pid || !isAlive(pid)) return fs.existsSync(d.vm.overlay) ? 'stopped' : 'not-found';
    try {
      const s = await withQmp(d.vm.qmpSocket, (c) => c.queryStatus(), 3000);
      if (s.running) return 'running';
      if (s.status === 'paused' || s.status === 'suspended') return 'paused';
      if (s.status === 'shutdown') return 'stopping';
      if (s.status === 'prelaunch' || s.status === 'inmigrate') return 'starting';
      if (s.status === 'internal-error' || s.status === 'guest-panicked' || s.status === 'io-error') return 'error';
      return 'unknown';
    } catch {
      return 'unknown';
    }
  }

  /**
   * Software emulation runs guest code several times slower than a real host (measured here: dockerd's
   * first start and `systemctl restart docker` take minutes on a loaded 2-core host), so the provisioner
   * waits TCG_SLOW_FACTOR times longer for a tcg VM. Hardware-accelerated VMs keep the defaults.
   */
  slowFactor(data: DriverData): number {
    const vm = (data as Partial<QemuDriverData>).vm;
    return vm?.accel === 'tcg' ? TCG_SLOW_FACTOR : 1;
  }

  private async waitExit(pid: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!isAlive(pid)) return true;
      await sleep(250);
    }
    return !isAlive(pid);
  }

  private async cleanRuntime(d: QemuDriverData): Promise<void> {
    await fsp.rm(d.vm.pidFile, { force: true });
    await fsp.rm(d.vm.qmpSocket, { force: true });
  }

  /** Deletes everything the driver made for the machine: overlay, seed, console log, pid file, QMP socket. */
  private async destroy(dir: string, qmpSocket: string): Promise<void> {
    const pid = readPid(path.join(dir, 'qemu.pid'));
    if (pid && isAlive(pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
      await this.waitExit(pid, 15_000);
    }
    await fsp.rm(dir, { recursive: true, force: true });
    await fsp.rm(qmpSocket, { force: true });
  }
}

export function createQemuDriver(opts: QemuDriverOptions = {}): MachineDriver {
  return new QemuDriver(opts);
}
