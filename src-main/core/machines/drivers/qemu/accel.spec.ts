import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCloudKernel } from '../../images/test-image';
import { availableAccels, chooseAccel, parseAccelRequest, probeBoot, probeMediaArgs, PROBE_OK, type ProbeResult } from './accel';
import type { Accel } from './args';

function recordingProbe(result: ProbeResult): { calls: Accel[]; probe: (a: Accel) => Promise<ProbeResult> } {
  const calls: Accel[] = [];
  return { calls, probe: async (a) => (calls.push(a), result) };
}

describe('chooseAccel', () => {
  it('uses kvm when its probe boot works', async () => {
    const p = recordingProbe({ ok: true });
    await expect(chooseAccel({ requested: 'auto', available: ['kvm', 'tcg'], probe: p.probe, platform: 'linux' })).resolves.toEqual({ accel: 'kvm' });
    expect(p.calls).toEqual(['kvm']);
  });

  it('falls back to tcg with a visible warning when kvm is present but the probe hangs', async () => {
    const p = recordingProbe({ ok: false, reason: 'no kernel output past boot within 20 s' });
    const c = await chooseAccel({ requested: 'auto', available: ['kvm', 'tcg'], probe: p.probe, platform: 'linux' });
    expect(c.accel).toBe('tcg');
    expect(c.warning).toMatch(/kvm is present but a probe boot failed \(no kernel output past boot within 20 s\)/);
    expect(c.warning).toMatch(/--qemu-accel kvm/);
  });

  it('uses tcg with a warning and no probe when there is no hardware accelerator', async () => {
    const p = recordingProbe({ ok: true });
    const c = await chooseAccel({ requested: 'auto', available: ['tcg'], probe: p.probe, platform: 'linux' });
    expect(c).toEqual({ accel: 'tcg', warning: expect.stringMatching(/\/dev\/kvm is missing/) as unknown as string });
    expect(p.calls).toEqual([]);
  });

  it('probes hvf on macOS', async () => {
    const p = recordingProbe({ ok: true });
    await expect(chooseAccel({ requested: 'auto', available: ['hvf', 'tcg'], probe: p.probe, platform: 'darwin' })).resolves.toEqual({ accel: 'hvf' });
    expect(p.calls).toEqual(['hvf']);
  });

  it('honours an explicit qemu-accel without probing, and refuses an unusable one', async () => {
    const p = recordingProbe({ ok: false, reason: 'hang' });
    await expect(chooseAccel({ requested: 'kvm', available: ['kvm', 'tcg'], probe: p.probe, platform: 'linux' })).resolves.toEqual({ accel: 'kvm' });
    await expect(chooseAccel({ requested: 'tcg', available: ['kvm', 'tcg'], probe: p.probe, platform: 'linux' })).resolves.toEqual({ accel: 'tcg' });
    expect(p.calls).toEqual([]);
    await expect(chooseAccel({ requested: 'kvm', available: ['tcg'], probe: p.probe, platform: 'linux' })).rejects.toThrow(/kvm is not usable here: check that \/dev\/kvm exists/);
  });

  it('parses the option', () => {
    expect(parseAccelRequest(undefined)).toBe('auto');
    expect(parseAccelRequest('KVM')).toBe('kvm');
    expect(() => parseAccelRequest('xen')).toThrow(/not one of auto, kvm, hvf, tcg/);
  });
});

describe('availableAccels', () => {
  const help = 'Accelerators supported in QEMU binary:\ntcg\nkvm\n';
  it('lists kvm only when the device can be opened', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvm-'));
    const dev = path.join(dir, 'kvm');
    fs.writeFileSync(dev, '');
    expect(availableAccels(help, 'linux', dev)).toEqual(['kvm', 'tcg']);
    expect(availableAccels(help, 'linux', path.join(dir, 'missing'))).toEqual(['tcg']);
    fs.rmSync(dir, { recursive: true });
  });
  it('lists hvf on macOS when QEMU has it', () => {
    expect(availableAccels('Accelerators supported in QEMU binary:\ntcg\nhvf\n', 'darwin')).toEqual(['hvf', 'tcg']);
  });
});

describe('chooseAccel without anything to probe with', () => {
  it('uses kvm unprobed only with a visible warning that names why and the way out', async () => {
    const c = await chooseAccel({ requested: 'auto', available: ['kvm', 'tcg'], probe: undefined, noProbeReason: 'no UEFI firmware to boot the aarch64 image with', platform: 'linux' });
    expect(c.accel).toBe('kvm');
    expect(c.warning).toBe('kvm is used without a probe boot (no UEFI firmware to boot the aarch64 image with): if the VM hangs right after starting (as nested virtualization can), use --qemu-accel tcg');
  });

  it('needs no probe for tcg or a forced accelerator, and so warns about none', async () => {
    await expect(chooseAccel({ requested: 'tcg', available: ['kvm', 'tcg'], probe: undefined, platform: 'linux' })).resolves.toEqual({ accel: 'tcg' });
    await expect(chooseAccel({ requested: 'hvf', available: ['hvf', 'tcg'], probe: undefined, platform: 'darwin' })).resolves.toEqual({ accel: 'hvf' });
  });
});

describe('probe media', () => {
  it('boots a kernel without a root disk, or the base disk read-only through -snapshot (with UEFI firmware on aarch64)', () => {
    expect(probeMediaArgs({ kind: 'kernel', kernel: '/boot/vmlinuz-6.1.0-57-cloud-amd64' })).toEqual(['-kernel', '/boot/vmlinuz-6.1.0-57-cloud-amd64', '-append', 'console=ttyS0 panic=-1 root=/dev/nonexistent']);
    expect(probeMediaArgs({ kind: 'disk', disk: '/c/debian-12.qcow2', format: 'qcow2' })).toEqual(['-drive', 'file=/c/debian-12.qcow2,format=qcow2,if=virtio,snapshot=on']);
    expect(probeMediaArgs({ kind: 'disk', disk: '/c/d.qcow2', format: 'qcow2', firmware: '/opt/homebrew/share/qemu/edk2-aarch64-code.fd' })).toEqual(['-bios', '/opt/homebrew/share/qemu/edk2-aarch64-code.fd', '-drive', 'file=/c/d.qcow2,format=qcow2,if=virtio,snapshot=on']);
  });

  it('counts kernel output as proof, firmware output (which a hanging nested KVM still prints) not', () => {
    expect(PROBE_OK.test('[    0.000000] Linux version 6.1.0-57-cloud-amd64')).toBe(true);
    expect(PROBE_OK.test('[    0.000000] Booting Linux on physical CPU 0x0000000000 [0x610f0000]')).toBe(true);
    expect(PROBE_OK.test('SeaBIOS (version 1.16.2)\nBooting from Hard Disk...\nDecompressing Linux... Parsing ELF... done.\nBooting the kernel.')).toBe(false);
  });

  it('a real probe boot (the host cloud kernel under tcg) sees kernel output', async () => {
    const kver = findCloudKernel();
    if (!kver || !fs.existsSync('/usr/bin/qemu-system-x86_64')) return expect(kver === undefined || !fs.existsSync('/usr/bin/qemu-system-x86_64')).toBe(true);
    const r = await probeBoot('/usr/bin/qemu-system-x86_64', 'tcg', { kind: 'kernel', kernel: `/boot/vmlinuz-${kver}` }, 60_000);
    expect(r).toEqual({ ok: true });
  }, 70_000);
});
