// Acceleration choice: kvm (Linux) or hvf (macOS) when present and proven by a probe boot, else tcg
// (software emulation). A present accelerator can still hang (nested KVM on the build machines hangs
// right after the kernel is decompressed), so `auto` boots a kernel under it with a timeout and falls
// back to tcg with a visible warning. `qemu-accel` forces a choice without probing.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { FlotillaError } from '../../../../api/errors';
import type { Accel } from './args';

export type AccelRequest = 'auto' | Accel;

export interface ProbeResult {
  ok: boolean;
  /** why it failed: "hung for 20 s", "exited with code 1: ..." */
  reason?: string;
}

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
  probe: (a: Accel) => Promise<ProbeResult>;
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
  const r = await o.probe(hw);
  if (r.ok) return { accel: hw };
  return {
    accel: 'tcg',
    warning: `${hw} is present but a probe boot failed (${r.reason ?? 'unknown'}), as nested virtualization often does: falling back to tcg software emulation, VMs will be slow; force it with --qemu-accel ${hw}`,
  };
}

/**
 * Boots `kernel` (no root disk) under `accel` and waits for the kernel to reach the point where it
 * looks for a root filesystem: a healthy accelerator gets there in a second or two; a hanging one
 * never prints past the decompressor.
 */
export async function probeBoot(qemu: string, accel: Accel, kernel: string, timeoutMs: number, machine = 'pc'): Promise<ProbeResult> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'flotilla-accel-'));
  const log = path.join(dir, 'console.log');
  const args = [
    '-machine', machine, '-accel', accel, '-cpu', accel === 'tcg' ? 'max' : 'host', '-m', '256', '-smp', '1',
    '-display', 'none', '-vga', 'none', '-monitor', 'none', '-nodefaults', '-no-reboot',
    '-kernel', kernel, '-append', 'console=ttyS0 panic=-1 root=/dev/nonexistent', '-serial', `file:${log}`,
  ];
  const seen = (): boolean => {
    try {
      return /VFS: |Kernel panic|Run \/init|Unable to mount root/.test(fs.readFileSync(log, 'utf8'));
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
