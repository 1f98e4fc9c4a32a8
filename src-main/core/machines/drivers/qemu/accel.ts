// Acceleration choice: kvm (Linux) or hvf (macOS) when present and proven by a probe boot, else tcg
// (software emulation). A present accelerator can still hang (nested KVM on the build machines hangs
// right after the kernel is decompressed), so `auto` boots a kernel under it with a timeout and falls
// back to tcg with a visible warning. The probe boots a kernel (the test image's, or the host's Debian cloud
// kernel) or, without one, the machine's own base disk image (read-only, -snapshot); with nothing to boot
// the accelerator is used unprobed and a warning says so. `qemu-accel` forces a choice without probing.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { FlotillaError } from '../../../../api/errors';
import { qemuOptValue, type Accel } from './args';

export type AccelRequest = 'auto' | Accel;

export interface ProbeResult {
  ok: boolean;
  /** why it failed: "hung for 20 s", "exited with code 1: ..." */
  reason?: string;
}

/** What a probe boots: a kernel without a root disk, or a bootable disk image (cloud qcow2) in snapshot mode. */
export type ProbeMedia =
  | { kind: 'kernel'; kernel: string }
  | { kind: 'disk'; disk: string; format: string; firmware?: string };

export interface AccelChoice {
  accel: Accel;
  /** shown to the user when the choice is not the fast one they might expect */
  warning?: string;
}

export function parseAccelRequest(v: unknown): AccelRequest {
  const s = String(v ?? 'auto').toLowerCase();
  if (s === 'auto' || s === 'kvm' || s === 'hvf' || s === 'tcg') return s;
  throw new FlotillaError('BAD_INPUT', `qemu-accel "${String(v)}" is not one of auto, kvm, hvf, tcg`);
}

/** The hardware accelerator this platform can have. */
export function hardwareAccelFor(platform: string = process.platform): Accel | undefined {
  if (platform === 'linux') return 'kvm';
  if (platform === 'darwin') return 'hvf';
  return undefined;
}

/** Which accelerators are usable here: `-accel help` lists what QEMU was built with; /dev/kvm must be openable. */
export function availableAccels(accelHelp: string, platform: string = process.platform, kvmDevice = '/dev/kvm'): Accel[] {
  const listed = new Set(accelHelp.split(/\s+/).map((w) => w.trim()).filter(Boolean));
  const out: Accel[] = [];
  if (platform === 'linux' && listed.has('kvm')) {
    try {
      fs.accessSync(kvmDevice, fs.constants.R_OK | fs.constants.W_OK);
      out.push('kvm');
    } catch {
      // no /dev/kvm or no permission
    }
  }
  if (platform === 'darwin' && listed.has('hvf')) out.push('hvf');
  if (listed.has('tcg') || out.length === 0) out.push('tcg');
  return out;
}

/** The decision, separated from QEMU so it is unit tested with fake probes. */
export async function chooseAccel(o: {
  requested: AccelRequest;
  available: Accel[];
  /** undefined when there is nothing to boot a probe with (no kernel, no image): the accelerator is then trusted, with a warning */
  probe: ((a: Accel) => Promise<ProbeResult>) | undefined;
  /** why there is no probe, shown in the warning */
  noProbeReason?: string;
  platform?: string;
}): Promise<AccelChoice> {
  const hw = hardwareAccelFor(o.platform);
  if (o.requested === 'tcg') return { accel: 'tcg' };
  if (o.requested !== 'auto') {
    if (!o.available.includes(o.requested)) {
      const remedy =
        o.requested === 'kvm'
          ? 'check that /dev/kvm exists and that you are in the kvm group (sudo usermod -aG kvm $USER), or use --qemu-accel tcg'
          : o.requested === 'hvf'
            ? 'hvf needs macOS on a Mac with virtualization support; use --qemu-accel tcg'
            : 'use --qemu-accel tcg';
      throw new FlotillaError('UNSUPPORTED', `QEMU accelerator ${o.requested} is not usable here: ${remedy}`);
    }
    return { accel: o.requested };
  }
  if (!hw || !o.available.includes(hw)) {
    const why = hw === 'kvm' ? '/dev/kvm is missing or not accessible' : hw === 'hvf' ? 'QEMU has no hvf support' : 'no hardware accelerator on this platform';
    return { accel: 'tcg', warning: `no hardware acceleration (${why}): using tcg software emulation, VMs will be slow` };
  }
  if (!o.probe) {
    return {
      accel: hw,
      warning: `${hw} is used without a probe boot (${o.noProbeReason ?? 'nothing to boot a probe with'}): if the VM hangs right after starting (as nested virtualization can), use --qemu-accel tcg`,
    };
  }
  const r = await o.probe(hw);
  if (r.ok) return { accel: hw };
  return {
    accel: 'tcg',
    warning: `${hw} is present but a probe boot failed (${r.reason ?? 'unknown'}), as nested virtualization often does: falling back to tcg software emulation, VMs will be slow; force it with --qemu-accel ${hw}`,
  };
}

/** The probe's media arguments (pure, unit tested). */
export function probeMediaArgs(media: ProbeMedia): string[] {
  if (media.kind === 'kernel') return ['-kernel', media.kernel, '-append', 'console=ttyS0 panic=-1 root=/dev/nonexistent'];
  // snapshot=on: the probe's writes go to a temporary file, the cached base image stays untouched
  return [...(media.firmware ? ['-bios', media.firmware] : []), '-drive', `file=${qemuOptValue(media.disk)},format=${qemuOptValue(media.format)},if=virtio,snapshot=on`];
}

/** Kernel output that proves the guest got past the point where a hanging accelerator stops (the decompressor). */
export const PROBE_OK = /Linux version|Booting Linux|Run \/init|VFS: |Kernel panic|Unable to mount root|systemd\[1\]/;

/**
 * Boots `media` under `accel` and waits for kernel output: a healthy accelerator gets there in seconds; a
 * hanging one never prints past the decompressor. Firmware output alone proves nothing (SeaBIOS runs fine
 * under the nested KVM that then hangs the kernel).
 */
export async function probeBoot(qemu: string, accel: Accel, media: ProbeMedia, timeoutMs: number, machine = 'pc'): Promise<ProbeResult> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'flotilla-accel-'));
  const log = path.join(dir, 'console.log');
  const args = [
    '-machine', machine, '-accel', accel, '-cpu', accel === 'tcg' ? 'max' : 'host', '-m', '512', '-smp', '1',
    '-display', 'none', '-vga', 'none', '-monitor', 'none', '-nodefaults', '-no-reboot',
    ...probeMediaArgs(media), '-serial', `file:${log}`,
  ];
  const seen = (): boolean => {
    try {
      return PROBE_OK.test(fs.readFileSync(log, 'utf8'));
    } catch {
      return false;
    }
  };
  try {
    return await new Promise<ProbeResult>((resolve) => {
      const child = spawn(qemu, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      let settled = false;
      const finish = (r: ProbeResult): void => {
        if (settled) return;
        settled = true;
        clearInterval(poll);
        clearTimeout(timer);
        if (child.exitCode === null) child.kill('SIGKILL');
        resolve(r);
      };
      const poll = setInterval(() => {
        if (seen()) finish({ ok: true });
      }, 250);
      const timer = setTimeout(() => finish({ ok: false, reason: `no kernel output past boot within ${Math.round(timeoutMs / 1000)} s` }), timeoutMs);
      child.on('error', (e) => finish({ ok: false, reason: e.message }));
      child.on('exit', (code, sig) => {
        if (seen()) finish({ ok: true });
        else finish({ ok: false, reason: `qemu ${sig ? `died of ${sig}` : `exited with code ${code}`}: ${stderr.trim().split('\n')[0]?.slice(0, 200) ?? ''}` });
      });
    });
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}
