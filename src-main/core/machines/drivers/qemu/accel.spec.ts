import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { availableAccels, chooseAccel, parseAccelRequest, type ProbeResult } from './accel';
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
