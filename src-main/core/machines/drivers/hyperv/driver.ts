// The Hyper-V driver: PowerShell cmdlets, each one `powershell.exe -NoProfile -NonInteractive -Command ...`.
// Queries use the expressions docker-machine/minikube run (plain-text answers; ConvertTo-Json for switches), so the
// tests can play their publicly recorded answers. Generation 2 VMs from a cloud image + cloud-init seed (default), or the legacy
// boot2docker ISO on Generation 1 with the magic userdata disk. Every wait has a timeout and a message.
import fs from 'node:fs/promises';
import path from 'node:path';
import { FlotillaError } from '../../../../api/errors.js';
import { flotillaHome } from '../../../paths.js';
import { vmLifecycle } from '../lifecycle.js';
import type { ResizeChange, ResizeOutcome, DriverContext, DriverData, DriverOption, HostEndpoint, MachineDriver, MachineSpec, MachineState, PrerequisiteCheck } from '../types.js';
import { execFileRunner, sleep as realSleep, type Runner, type RunResult } from '../../boot/runner.js';
import { buildSeedIso } from '../../boot/cloudinit.js';
import { b2dUserdataTar } from '../../boot/b2d.js';
import { download } from '../../boot/download.js';
import { sshExec as realSshExec, waitFirstBoot, type SshExec } from '../../boot/host.js';
import { chooseSwitch, firstIPv4, parseBool, parseState, parseStrings, parseSwitches, type VSwitch } from './parse.js';
import { ensurePrivateDir, PRIVATE_FILE, writeFileAtomic } from '../../../fsutil';

export const HYPERV_IMAGE_URL = 'https://cloud-images.ubuntu.com/releases/noble/release/ubuntu-24.04-server-cloudimg-amd64.img';
export const HYPERV_IMAGE_SUMS = 'https://cloud-images.ubuntu.com/releases/noble/release/SHA256SUMS';
export const B2D_URL = 'https://github.com/boot2docker/boot2docker/releases/download/v19.03.12/boot2docker.iso';
/** put before every command: no progress records on stderr, and cmdlet errors end the command with exit 1 */
export const PS_PREFIX = "$ProgressPreference = 'SilentlyContinue'; $ErrorActionPreference = 'Stop'; ";
const SSH_USER = 'docker';
/** the files a VM's create makes in the machine's folder (named the same for every machine, so `rm` finds them without driver data) */
const VM_FILES = ['disk.vhdx', 'disk.vhd', 'fixed.vhd', 'seed.iso', 'boot2docker.iso'];

export interface HyperVImageRequest {
  kind: 'cloud' | 'boot2docker';
  url: string;
  sha256?: string;
  sha256SumsUrl?: string;
}

export interface HyperVDriverOptions {
  runner?: Runner;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  exists?: (file: string) => Promise<boolean>;
  sleep?: (ms: number) => Promise<void>;
  obtainImage?: (req: HyperVImageRequest, ctx: DriverContext) => Promise<string>;
  /** writes the boot2docker userdata tar at byte 0 of the fixed VHD made by New-VHD */
  writeAtStart?: (file: string, data: Buffer) => Promise<void>;
  sshExec?: SshExec;
  timeouts?: { startMs?: number; ipMs?: number; stopMs?: number; pollMs?: number; firstBootMs?: number };
}

interface HvData {
  vm: string;
  switchName: string;
  bootImage: 'cloud' | 'boot2docker';
  ip?: string;
}

/**
 * A PowerShell single-quoted string. PowerShell takes any of ' U+2018 U+2019 U+201A U+201B as a single quote
 * (and ends the string at any of them), so each is doubled, not only the ASCII one.
 */
export const psq = (s: string): string => `'${s.replace(/['\u2018\u2019\u201A\u201B]/g, (c) => c + c)}'`;
const opt = (spec: MachineSpec, flag: string) => spec.options[flag];
const str = (v: unknown, d: string): string => (typeof v === 'string' && v !== '' ? v : d);
const num = (v: unknown, d: number): number => (typeof v === 'number' ? v : typeof v === 'string' && v !== '' && Number.isFinite(Number(v)) ? Number(v) : d);

export const MODULE_MISSING =
  'the Hyper-V PowerShell module is not available: turn on Hyper-V with its PowerShell module (as administrator: `Enable-WindowsOptionalFeature -Online -FeatureName Microsoft-Hyper-V-All`, then reboot); Hyper-V needs Windows 10/11 Pro, Enterprise or Education, or Windows Server';
export const NOT_ADMIN =
  'Hyper-V commands need administrator rights: run Flotilla as administrator, or add your user to the "Hyper-V Administrators" group (`Add-LocalGroupMember -SID S-1-5-32-578 -Member $env:USERNAME` as administrator, then sign out and in)';
export const QEMU_IMG_MISSING =
  'install QEMU for Windows (e.g. `winget install SoftwareFreedomConservancy.QEMU`) and add its folder (C:\\Program Files\\qemu) to PATH so qemu-img can convert the cloud image to VHDX, or pass --hyperv-image-url with a .vhdx image (or use --hyperv-boot-image boot2docker)';
export const VMMS_UNREACHABLE =
  'Hyper-V could not reach its Virtual Machine Management service, or refused you access to it: check that the service runs (`Get-Service vmms`; as administrator `Start-Service vmms`, or reboot after turning Hyper-V on) and that you are an administrator or in "Hyper-V Administrators"';
export const NOT_WINDOWS = 'Hyper-V is only available on Windows (10/11 Pro, Enterprise, Education or Server): use the virtualbox or qemu driver on this computer';

export function hyperVOptions(): DriverOption[] {
  return [
    { flag: 'hyperv-virtual-switch', description: 'virtual switch to attach (default: the "Default Switch", else the first External switch)', type: 'string' },
    { flag: 'hyperv-memory', description: 'memory in MB (default: the machine spec)', type: 'number' },
    { flag: 'hyperv-cpu-count', description: 'number of CPUs (default: the machine spec)', type: 'number' },
    { flag: 'hyperv-disk-size', description: 'disk size in MB (default: the machine spec)', type: 'number' },
    { flag: 'hyperv-boot-image', description: '"cloud" (Ubuntu 24.04 cloud image + cloud-init seed, Generation 2) or "boot2docker" (legacy, Generation 1)', type: 'string', default: 'cloud' },
    { flag: 'hyperv-image-url', description: 'cloud image URL: .vhdx/.vhd used as is, .img/.qcow2 converted with qemu-img', type: 'string', default: HYPERV_IMAGE_URL },
    { flag: 'hyperv-image-sha256', description: 'sha256 of the cloud image (default: read from the release SHA256SUMS)', type: 'string' },
    { flag: 'hyperv-boot2docker-url', description: 'boot2docker ISO URL (legacy)', type: 'string', default: B2D_URL },
    { flag: 'hyperv-boot2docker-sha256', description: 'sha256 of the boot2docker ISO', type: 'string' },
  ];
}

function readData(d: DriverData): HvData {
  if (typeof d.vm !== 'string') throw new FlotillaError('BAD_INPUT', 'this machine has no Hyper-V VM name in its driver data: it was not made by the hyperv driver');
  return { vm: d.vm, switchName: typeof d.switchName === 'string' ? d.switchName : '', bootImage: d.bootImage === 'boot2docker' ? 'boot2docker' : 'cloud', ...(typeof d.ip === 'string' ? { ip: d.ip } : {}) };
}

function toState(s: string): MachineState {
  switch (s) {
    case 'Running':
      return 'running';
    case 'Off':
      return 'stopped';
    case 'Saved':
      return 'saved';
    case 'Paused':
      return 'paused';
    case 'Starting':
      return 'starting';
    case 'Stopping':
    case 'Saving':
      return 'stopping';
    default:
      return 'unknown';
  }
}

export function createHyperVDriver(o: HyperVDriverOptions = {}): MachineDriver {
  const runner = o.runner ?? execFileRunner();
  const platform = o.platform ?? process.platform;
  const env = o.env ?? process.env;
  const exists = o.exists ?? ((f: string) => fs.access(f).then(() => true, () => false));
  const sleep = o.sleep ?? ((ms: number) => realSleep(ms));
  const startMs = o.timeouts?.startMs ?? 120_000;
  const ipMs = o.timeouts?.ipMs ?? 300_000;
  const stopMs = o.timeouts?.stopMs ?? 120_000;
  const pollMs = o.timeouts?.pollMs ?? 2_000;
  const firstBootMs = o.timeouts?.firstBootMs ?? 900_000;
  const ssh = o.sshExec ?? realSshExec;
  const writeAtStart =
    o.writeAtStart ??
    (async (file: string, data: Buffer) => {
      const fh = await fs.open(file, 'r+');
      try {
        await fh.write(data, 0, data.length, 0);
      } finally {
        await fh.close();
      }
    });
  const obtainImage =
    o.obtainImage ??
    ((req: HyperVImageRequest, ctx: DriverContext) => {
      if (!req.sha256 && !req.sha256SumsUrl) ctx.log(`warning: no checksum given for ${req.url}; the download is not verified`);
      let last = 0;
      return download({
        url: req.url,
        cacheDir: path.join(flotillaHome(env), 'cache', 'images'),
        ...(req.sha256 ? { sha256: req.sha256 } : {}),
        ...(req.sha256SumsUrl ? { sha256SumsUrl: req.sha256SumsUrl } : {}),
        signal: ctx.signal,
        onProgress: (p) => {
          if (Date.now() - last < 1000 && p.received !== p.total) return;
          last = Date.now();
          const mb = (n: number) => (n / 1048576).toFixed(0);
          ctx.step('Downloading boot image', p.total ? `${mb(p.received)} of ${mb(p.total)} MB` : `${mb(p.received)} MB`);
        },
      });
    });

  let psPath: string | undefined;
  async function powershell(): Promise<string> {
    if (platform !== 'win32') throw new FlotillaError('UNSUPPORTED', NOT_WINDOWS);
    if (psPath) return psPath;
    const sys = path.win32.join(env.SystemRoot ?? 'C:\\Windows', 'System32', 'WindowsPowerShell', 'v1.0', 'powershell.exe');
    psPath = (await exists(sys)) ? sys : 'powershell.exe';
    return psPath;
  }

  async function ps(cmd: string, timeoutMs?: number): Promise<RunResult> {
    const r = await runner.run(await powershell(), ['-NoProfile', '-NonInteractive', '-Command', PS_PREFIX + cmd], timeoutMs ? { timeoutMs } : {});
    if (r.notFound) throw new FlotillaError('UNSUPPORTED', 'PowerShell (powershell.exe) was not found: it ships with Windows; check that %SystemRoot%\\System32\\WindowsPowerShell\\v1.0 is in PATH');
    return r;
  }

  /** The error for a failed cmdlet; known failures get their own message. */
  function failure(r: RunResult, what: string, timeoutMs?: number): FlotillaError {
    const err = (r.stderr || r.stdout).trim();
    if (r.timedOut) return new FlotillaError('TIMEOUT', `${what} did not finish within ${Math.round((timeoutMs ?? 0) / 1000)} s`);
    if (/is not recognized as the name of a cmdlet|module could not be loaded/i.test(err)) return new FlotillaError('UNSUPPORTED', MODULE_MISSING);
    if (/required permission|Access is denied|UnauthorizedAccess/i.test(err)) return new FlotillaError('AUTH', NOT_ADMIN);
    // FullyQualifiedErrorIds are not translated, unlike the messages (minikube#8512 shows a Spanish one)
    if (/ObjectNotFound,Microsoft\.HyperV\.PowerShell\.Commands/.test(err)) return new FlotillaError('UNSUPPORTED', VMMS_UNREACHABLE);
    return new FlotillaError('INTERNAL', `${what} failed: ${err.split(/\r?\n/).slice(0, 4).join(' ')}`);
  }

  /** Runs a cmdlet that must succeed. */
  async function must(cmd: string, what: string, timeoutMs?: number): Promise<string> {
    const r = await ps(cmd, timeoutMs);
    if (r.code === 0 && !r.timedOut) return r.stdout;
    throw failure(r, what, timeoutMs);
  }

  async function hasModule(): Promise<boolean> {
    const r = await ps('@(Get-Module -ListAvailable hyper-v).Name | Get-Unique');
    return r.code === 0 && parseStrings(r.stdout).includes('Hyper-V');
  }

  async function rights(): Promise<{ hypervAdmin: boolean; admin: boolean }> {
    const who = '([Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent())';
    // the SID as a SecurityIdentifier: as a plain string IsInRole takes it for a group name and says False (machine-drivers/machine#24)
    const a = await ps(`@(${who}).IsInRole([Security.Principal.SecurityIdentifier]'S-1-5-32-578')`);
    const hypervAdmin = a.code === 0 && parseBool(a.stdout);
    if (hypervAdmin) return { hypervAdmin, admin: false };
    const b = await ps(`@(${who}).IsInRole([Security.Principal.WindowsBuiltInRole] "Administrator")`);
    return { hypervAdmin, admin: b.code === 0 && parseBool(b.stdout) };
  }

  async function switches(): Promise<VSwitch[]> {
    // minikube's expression without its filter (every switch, so a refusal can list them); SwitchType comes as the enum number
    const out = await must('[Console]::OutputEncoding = [Text.Encoding]::UTF8; ConvertTo-Json @(Hyper-V\\Get-VMSwitch|Select Id, Name, SwitchType)', 'listing the Hyper-V virtual switches (Get-VMSwitch)');
    return parseSwitches(out);
  }

  /** `( Get-VM ).State` prints "Running", "Off", ...; a missing VM is an error with FullyQualifiedErrorId InvalidParameter. */
  async function state(vm: string): Promise<MachineState> {
    const r = await ps(`( Hyper-V\\Get-VM -Name ${psq(vm)} ).State`);
    if (r.code === 0 && !r.timedOut) return toState(parseState(r.stdout));
    const e = failure(r, `reading the state of Hyper-V VM ${vm}`);
    if (e.code === 'INTERNAL' && /InvalidParameter,Microsoft\.HyperV\.PowerShell\.Commands\.GetVM/.test(r.stderr)) return 'not-found';
    throw e;
  }

  async function preflight(named?: string): Promise<VSwitch> {
    if (!(await hasModule())) throw new FlotillaError('UNSUPPORTED', MODULE_MISSING);
    const r = await rights();
    if (!r.hypervAdmin && !r.admin) throw new FlotillaError('AUTH', NOT_ADMIN);
    const choice = chooseSwitch(await switches(), named);
    if (!choice.ok) throw new FlotillaError(named ? 'NOT_FOUND' : 'PRECONDITION', choice.message);
    return choice.sw;
  }

  async function waitRunning(vm: string, ctx: DriverContext): Promise<void> {
    const deadline = Date.now() + startMs;
    let st: MachineState = 'unknown';
    for (;;) {
      ctx.signal.throwIfAborted();
      st = await state(vm);
      if (st === 'running') return;
      if (st === 'not-found') throw new FlotillaError('NOT_FOUND', `Hyper-V VM ${vm} disappeared while starting`);
      if (Date.now() >= deadline) break;
      await sleep(pollMs);
    }
    throw new FlotillaError('TIMEOUT', `Hyper-V VM ${vm} is still "${st}" ${Math.round(startMs / 1000)} s after Start-VM: look at the VM in Hyper-V Manager (its console shows why), then start the machine again`);
  }

  /** The VM's first adapter's addresses as its guest (the KVP daemon) reports them, one a line; [] before it has any. */
  async function addressesOf(vm: string): Promise<string[]> {
    // docker-machine took only the first ([0]), often the link-local IPv6 (docker/machine#1203): all of them are read
    return parseStrings(await must(`(( Hyper-V\\Get-VM -Name ${psq(vm)} ).NetworkAdapters[0]).IPAddresses`, `reading the addresses of Hyper-V VM ${vm}`));
  }

  async function waitIp(data: HvData, ctx: DriverContext): Promise<string> {
    ctx.step('Waiting for an IP address', `from Hyper-V (switch "${data.switchName}")`);
    const deadline = Date.now() + ipMs;
    let seen: string[] = [];
    for (;;) {
      ctx.signal.throwIfAborted();
      seen = await addressesOf(data.vm);
      const ip = firstIPv4(seen);
      if (ip) return ip;
      if (Date.now() >= deadline) break;
      await sleep(pollMs);
    }
    throw new FlotillaError(
      'TIMEOUT',
      `Hyper-V VM ${data.vm} has no IPv4 address ${Math.round(ipMs / 1000)} s after starting (it reports: ${seen.length ? seen.join(', ') : 'no address'}): the switch "${data.switchName}" may have no DHCP server or uplink (an External switch on Wi-Fi often gets none); try the Default Switch or another --hyperv-virtual-switch, and check the VM console in Hyper-V Manager`,
    );
  }

  async function startVm(data: HvData, ctx: DriverContext): Promise<HostEndpoint> {
    const st = await state(data.vm);
    if (st === 'not-found') throw new FlotillaError('NOT_FOUND', `Hyper-V has no VM named ${data.vm}: it was removed outside Flotilla; remove the machine from Flotilla too`);
    if (st !== 'running') {
      ctx.step('Starting the VM', data.vm);
      await must(`Hyper-V\\Start-VM -Name ${psq(data.vm)}`, `starting Hyper-V VM ${data.vm} (Start-VM)`);
      await waitRunning(data.vm, ctx);
    }
    data.ip = await waitIp(data, ctx);
    return { ip: data.ip, ssh: { host: data.ip, port: 22, user: SSH_USER }, docker: { host: data.ip, port: 2376 } };
  }

  async function stopVm(data: HvData, ctx: DriverContext): Promise<void> {
    const st = await state(data.vm);
    if (st === 'not-found') throw new FlotillaError('NOT_FOUND', `Hyper-V has no VM named ${data.vm}`);
    if (st === 'stopped' || st === 'saved') return;
    ctx.step('Stopping the VM', 'guest shutdown');
    const r = await ps(`Hyper-V\\Stop-VM -Name ${psq(data.vm)} -Force`, stopMs);
    if (r.code === 0 && !r.timedOut) return;
    ctx.log(`Stop-VM ${data.vm} did not shut the guest down (${r.timedOut ? `timeout after ${Math.round(stopMs / 1000)} s` : (r.stderr || '').trim().slice(0, 200)}): turning it off`);
    await must(`Hyper-V\\Stop-VM -Name ${psq(data.vm)} -TurnOff`, `turning off Hyper-V VM ${data.vm}`);
  }

  /** the default cloud image is qcow2 (.img): Hyper-V needs it as VHDX, which qemu-img makes */
  const needsQemuImg = (url: string) => !/\.vhdx?$/i.test(new URL(url, 'file:///').pathname);
  async function qemuImgCheck(): Promise<PrerequisiteCheck> {
    const r = await runner.run('qemu-img', ['--version']);
    const v = /qemu-img version (\S+)/.exec(r.stdout)?.[1];
    return !r.notFound && r.code === 0
      ? { name: 'qemu-img installed', ok: true, detail: v ? `qemu-img ${v} (converts the cloud image to VHDX)` : 'qemu-img found (converts the cloud image to VHDX)' }
      : { name: 'qemu-img installed', ok: false, detail: r.notFound ? 'qemu-img not found on PATH; the default cloud image is qcow2 and must be converted to VHDX' : `qemu-img --version failed: ${(r.stderr || r.stdout).trim().slice(0, 200)}`, remedy: QEMU_IMG_MISSING };
  }

  async function convertImage(img: string): Promise<string> {
    if (/\.vhdx?$/i.test(img)) return img;
    const out = img.replace(/\.(img|qcow2)$/i, '') + '.vhdx';
    if (await exists(out)) return out;
    const r = await runner.run('qemu-img', ['convert', '-O', 'vhdx', '-o', 'subformat=dynamic', img, out]);
    if (r.notFound) throw new FlotillaError('UNSUPPORTED', `the cloud image ${path.basename(img)} is not a VHDX and qemu-img was not found to convert it: ${QEMU_IMG_MISSING}`);
    if (r.code !== 0) throw new FlotillaError('INTERNAL', `qemu-img could not convert ${img} to VHDX: ${r.stderr.trim()}`);
    return out;
  }

  return {
    name: 'hyperv',
    description: 'Microsoft Hyper-V VMs on this Windows computer',
    options: hyperVOptions,

    async prerequisites(): Promise<PrerequisiteCheck[]> {
      if (platform !== 'win32') return [{ name: 'Hyper-V available', ok: false, detail: `this computer runs ${platform}, not Windows`, remedy: NOT_WINDOWS }];
      const out: PrerequisiteCheck[] = [];
      try {
        const mod = await hasModule();
        out.push(mod ? { name: 'Hyper-V module installed', ok: true, detail: 'the Hyper-V PowerShell module is available' } : { name: 'Hyper-V module installed', ok: false, detail: 'Get-Module -ListAvailable Hyper-V found nothing', remedy: MODULE_MISSING });
        if (!mod) return out;
        const r = await rights();
        out.push(
          r.hypervAdmin || r.admin
            ? { name: 'administrator rights', ok: true, detail: r.hypervAdmin ? 'member of Hyper-V Administrators' : 'running as an administrator' }
            : { name: 'administrator rights', ok: false, detail: 'neither an administrator nor in Hyper-V Administrators', remedy: NOT_ADMIN },
        );
        if (!r.hypervAdmin && !r.admin) return out;
        const c = chooseSwitch(await switches());
        out.push(c.ok ? { name: 'virtual switch', ok: true, detail: `"${c.sw.name}" (${c.why})` } : { name: 'virtual switch', ok: false, detail: 'no Default Switch and no External switch', remedy: c.message });
        out.push(await qemuImgCheck());
      } catch (e) {
        out.push({ name: 'Hyper-V available', ok: false, detail: (e as Error).message });
      }
      return out;
    },

    async create(spec: MachineSpec, ctx: DriverContext) {
      const vm = spec.name;
      const named = str(opt(spec, 'hyperv-virtual-switch'), '') || undefined;
      const sw = await preflight(named); // fails at once when Hyper-V is absent, before anything is made
      if ((await state(vm)) !== 'not-found') throw new FlotillaError('CONFLICT', `a Hyper-V VM named ${vm} already exists: choose another machine name or remove that VM in Hyper-V Manager`);
      const boot = str(opt(spec, 'hyperv-boot-image'), 'cloud');
      if (boot !== 'cloud' && boot !== 'boot2docker') throw new FlotillaError('BAD_INPUT', `--hyperv-boot-image must be "cloud" or "boot2docker", not "${boot}"`);
      const mem = num(opt(spec, 'hyperv-memory'), spec.memoryMb);
      const cpus = num(opt(spec, 'hyperv-cpu-count'), spec.cpus);
      const diskMb = num(opt(spec, 'hyperv-disk-size'), spec.diskGb * 1024);
      ctx.step('Hyper-V switch', `"${sw.name}"`);

      const url = boot === 'cloud' ? str(opt(spec, 'hyperv-image-url'), HYPERV_IMAGE_URL) : str(opt(spec, 'hyperv-boot2docker-url'), B2D_URL);
      if (boot === 'cloud' && needsQemuImg(url)) {
        const q = await qemuImgCheck(); // before a 600 MB download that could not be used
        if (!q.ok) throw new FlotillaError('UNSUPPORTED', `cannot use the cloud image ${url} with Hyper-V: ${q.detail}; ${q.remedy ?? ''}`.trim());
      }
      const sha = str(opt(spec, boot === 'cloud' ? 'hyperv-image-sha256' : 'hyperv-boot2docker-sha256'), '');
      const image = await obtainImage({ kind: boot, url, ...(sha ? { sha256: sha } : boot === 'cloud' && url === HYPERV_IMAGE_URL ? { sha256SumsUrl: HYPERV_IMAGE_SUMS } : {}) }, ctx);

      const d = ctx.machineDir;
      const q = psq(vm);
      const data: HvData = { vm, switchName: sw.name, bootImage: boot };
      let vmMade = false;
      try {
        await ensurePrivateDir(d);
        ctx.step('Creating the disk', `${diskMb} MB`);
        let disk: string;
        if (boot === 'cloud') {
          const src = await convertImage(image);
          disk = path.join(d, 'disk.vhdx');
          await must(`Hyper-V\\Convert-VHD -Path ${psq(src)} -DestinationPath ${psq(disk)} -VHDType Dynamic`, 'copying the cloud image (Convert-VHD)');
          await must(`Hyper-V\\Resize-VHD -Path ${psq(disk)} -SizeBytes ${diskMb}MB`, 'resizing the disk (Resize-VHD)');
          await writeFileAtomic(path.join(d, 'seed.iso'), buildSeedIso({ hostname: vm, sshPublicKey: ctx.sshPublicKey, user: SSH_USER, hypervKvp: true }));
        } else {
          const fixed = path.join(d, 'fixed.vhd');
          disk = path.join(d, 'disk.vhd');
          await must(`Hyper-V\\New-VHD -Path ${psq(fixed)} -SizeBytes 10MB -Fixed`, 'making the userdata disk (New-VHD)');
          await writeAtStart(fixed, b2dUserdataTar(ctx.sshPublicKey)); // a fixed VHD is raw data + a 512-byte footer
          await must(`Hyper-V\\Convert-VHD -Path ${psq(fixed)} -DestinationPath ${psq(disk)} -VHDType Dynamic -DeleteSource`, 'converting the userdata disk (Convert-VHD)');
          await must(`Hyper-V\\Resize-VHD -Path ${psq(disk)} -SizeBytes ${diskMb}MB`, 'resizing the disk (Resize-VHD)');
          await fs.copyFile(image, path.join(d, 'boot2docker.iso'));
          await fs.chmod(path.join(d, 'boot2docker.iso'), PRIVATE_FILE);
        }
        ctx.step('Creating the VM', vm);
        await must(`Hyper-V\\New-VM -Name ${q} -Path ${psq(d)} -Generation ${boot === 'cloud' ? 2 : 1} -SwitchName ${psq(sw.name)} -MemoryStartupBytes ${mem}MB -NoVHD`, `creating Hyper-V VM ${vm} (New-VM)`);
        vmMade = true;
        await must(`Hyper-V\\Set-VMMemory -VMName ${q} -DynamicMemoryEnabled $false`, 'setting the memory (Set-VMMemory)');
        await must(`Hyper-V\\Set-VMProcessor -VMName ${q} -Count ${cpus}`, 'setting the CPUs (Set-VMProcessor)');
        if (boot === 'cloud') {
          await must(`Hyper-V\\Set-VMFirmware -VMName ${q} -EnableSecureBoot Off`, 'turning off Secure Boot (Set-VMFirmware)');
          await must(`Hyper-V\\Add-VMHardDiskDrive -VMName ${q} -Path ${psq(disk)}`, 'attaching the disk (Add-VMHardDiskDrive)');
          await must(`Hyper-V\\Add-VMDvdDrive -VMName ${q} -Path ${psq(path.join(d, 'seed.iso'))}`, 'attaching the cloud-init seed (Add-VMDvdDrive)');
          await must(`Hyper-V\\Set-VMFirmware -VMName ${q} -FirstBootDevice (Hyper-V\\Get-VMHardDiskDrive -VMName ${q})`, 'booting from the disk (Set-VMFirmware)');
        } else {
          await must(`Hyper-V\\Set-VMDvdDrive -VMName ${q} -Path ${psq(path.join(d, 'boot2docker.iso'))}`, 'attaching the boot2docker ISO (Set-VMDvdDrive)');
          await must(`Hyper-V\\Add-VMHardDiskDrive -VMName ${q} -Path ${psq(disk)}`, 'attaching the disk (Add-VMHardDiskDrive)');
        }
        const endpoint = await startVm(data, ctx);
        if (boot === 'cloud') await waitFirstBoot(ssh, { host: endpoint.ip, port: 22, user: SSH_USER, privateKeyPath: ctx.sshPrivateKeyPath, knownHostsFile: ctx.knownHostsFile, onPinned: (l) => ctx.log(l) }, vm, firstBootMs, ctx);
        return { endpoint, data: { ...data } as DriverData };
      } catch (e) {
        if (vmMade) {
          await ps(`Hyper-V\\Stop-VM -Name ${q} -TurnOff`).catch(() => undefined);
          await ps(`Hyper-V\\Remove-VM -Name ${q} -Force`).catch(() => undefined);
        }
        for (const f of VM_FILES) await fs.rm(path.join(d, f), { force: true });
        throw e;
      }
    },

    ...vmLifecycle(readData, startVm, stopVm),

    async kill(raw: DriverData) {
      const data = readData(raw);
      const st = await state(data.vm);
      if (st === 'not-found') throw new FlotillaError('NOT_FOUND', `Hyper-V has no VM named ${data.vm}`);
      if (st === 'stopped' || st === 'saved') return;
      await must(`Hyper-V\\Stop-VM -Name ${psq(data.vm)} -TurnOff`, `turning off Hyper-V VM ${data.vm}`);
    },

    async remove(raw: DriverData, ctx: DriverContext) {
      // no driver data: the create was interrupted before it returned; its VM is named after the machine, its disks are in the machine's folder
      const interrupted = typeof raw.vm !== 'string';
      const vm = interrupted ? ctx.machineName : readData(raw).vm;
      let st: MachineState = 'not-found';
      try {
        st = await state(vm);
      } catch (e) {
        // not Windows, or no Hyper-V: an interrupted create cannot have made a VM
        if (!(interrupted && (e as FlotillaError).code === 'UNSUPPORTED')) throw e;
      }
      if (st !== 'not-found') {
        if (st !== 'stopped' && st !== 'saved') await must(`Hyper-V\\Stop-VM -Name ${psq(vm)} -TurnOff`, `turning off Hyper-V VM ${vm}`);
        await must(`Hyper-V\\Remove-VM -Name ${psq(vm)} -Force`, `removing Hyper-V VM ${vm} (Remove-VM)`);
      } else ctx.log(`Hyper-V VM ${vm} is already gone`);
      // Remove-VM keeps the disks: delete what this driver made
      for (const f of VM_FILES) await fs.rm(path.join(ctx.machineDir, f), { force: true });
    },

    async state(raw: DriverData) {
      return state(readData(raw).vm);
    },

    /**
     * Where the running VM is now, asked once (docker-machine's GetIP): its state, then its first adapter's first IPv4.
     * A VM that does not run, or whose guest reports no IPv4 yet (only the link-local IPv6, or nothing), has none.
     */
    async address(raw: DriverData): Promise<HostEndpoint | undefined> {
      const data = readData(raw);
      if ((await state(data.vm)) !== 'running') return undefined;
      const ip = firstIPv4(await addressesOf(data.vm));
      if (!ip) return undefined;
      raw.ip = ip;
      return { ip, ssh: { host: ip, port: 22, user: SSH_USER }, docker: { host: ip, port: 2376 } };
    },

    /** `machine set`, only while stopped (the core checks). boot2docker never grows its data partition: refused. */
    async resize(raw: DriverData, change: ResizeChange, ctx: DriverContext): Promise<ResizeOutcome> {
      const { vm, bootImage } = readData(raw);
      if (change.diskGb !== undefined && bootImage !== 'cloud') throw new FlotillaError('UNSUPPORTED', `${vm} runs boot2docker, which never grows its data partition: leave out --disk, or make a new machine with a bigger --disk`);
      if (change.cpus !== undefined) await must(`Hyper-V\\Set-VMProcessor -VMName ${psq(vm)} -Count ${change.cpus}`, 'setting the CPUs (Set-VMProcessor)');
      if (change.memoryMb !== undefined) await must(`Hyper-V\\Set-VMMemory -VMName ${psq(vm)} -StartupBytes ${change.memoryMb}MB`, 'setting the memory (Set-VMMemory)');
      if (change.diskGb === undefined) return { notes: [] };
      await must(`Hyper-V\\Resize-VHD -Path ${psq(path.join(ctx.machineDir, 'disk.vhdx'))} -SizeBytes ${change.diskGb * 1024}MB`, 'growing the disk (Resize-VHD)');
      return { notes: [`the disk of ${vm} is ${change.diskGb} GB; the guest grows its root file system to it at the next start (cloud-init growpart)`] };
    },
  };
}
