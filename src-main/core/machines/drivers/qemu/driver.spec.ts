import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordedCall, Runner } from '../../boot/runner';
import { createQemuDriver } from './driver';
import { qmpSocketPath } from './data';
import { NetworkRegistry } from './network';

function fakeRunner(answers: Record<string, { stdout: string; code?: number }>): Runner & { calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  return {
    calls,
    async run(cmd, args) {
      const line = [cmd, ...args].join(' ');
      calls.push({ cmd, args, line });
      const a = answers[line];
      return a ? { stdout: a.stdout, stderr: '', code: a.code ?? 0 } : { stdout: '', stderr: 'not found', code: 127, notFound: true };
    },
  };
}

describe('qemu prerequisites', () => {
  it('names the missing programs and how to install them', async () => {
    const d = createQemuDriver({ env: { PATH: '/nonexistent' }, platform: 'linux', runner: fakeRunner({}) });
    const checks = await d.prerequisites();
    expect(checks).toEqual([
      { name: 'qemu-system-x86_64 installed', ok: false, detail: 'qemu-system-x86_64 not found on PATH', remedy: expect.stringContaining('sudo apt-get install qemu-system-x86 qemu-utils') as unknown as string },
      { name: 'qemu-img installed', ok: false, detail: 'qemu-img not found on PATH', remedy: 'sudo apt-get install qemu-utils' },
    ]);
  });

  it('reports the version and a software-only accelerator', async () => {
    const runner = fakeRunner({
      '/opt/q/qemu-system-x86_64 --version': { stdout: 'QEMU emulator version 8.2.2 (Debian 1:8.2.2+ds-0ubuntu1)\n' },
      '/opt/q/qemu-system-x86_64 -accel help': { stdout: 'Accelerators supported in QEMU binary:\ntcg\n' },
    });
    const d = createQemuDriver({ qemuBinary: '/opt/q/qemu-system-x86_64', qemuImgBinary: '/opt/q/qemu-img', platform: 'win32', runner, stateDir: fs.mkdtempSync(path.join(os.tmpdir(), 'qst-')) });
    const checks = await d.prerequisites();
    expect(checks[0]).toEqual({ name: 'qemu-system-x86_64 installed', ok: true, detail: 'QEMU 8.2.2 at /opt/q/qemu-system-x86_64' });
    expect(checks[1]).toEqual({ name: 'qemu-img installed', ok: true, detail: 'qemu-img at /opt/q/qemu-img' });
    expect(checks[2]?.name).toBe('accelerator usable');
    expect(checks[2]?.detail).toMatch(/^tcg: no hardware acceleration/);
    // VMs still run under tcg, but minutes slower: not ok (so qemu is not the default driver), with a remedy
    expect(checks[2]?.ok).toBe(false);
    expect(checks[2]?.remedy).toBe('VMs still work with tcg, only slower');
    expect(runner.calls.map((c) => c.line)).toEqual(['/opt/q/qemu-system-x86_64 --version', '/opt/q/qemu-system-x86_64 -accel help']);
  });

  it('refuses QEMU older than 6.0', async () => {
    const runner = fakeRunner({ '/q/qemu-system-x86_64 --version': { stdout: 'QEMU emulator version 5.2.0\n' }, '/q/qemu-system-x86_64 -accel help': { stdout: 'tcg\n' } });
    const d = createQemuDriver({ qemuBinary: '/q/qemu-system-x86_64', qemuImgBinary: '/q/qemu-img', platform: 'win32', runner });
    const [q] = await d.prerequisites();
    expect(q?.ok).toBe(false);
    expect(q?.remedy).toMatch(/QEMU 6.0 or newer is needed/);
  });
});

describe('qemu driver data', () => {
  it('keeps the QMP socket short enough for a unix socket', () => {
    expect(qmpSocketPath('/home/u/.local/share/flotilla/machines/n1/qemu')).toBe('/home/u/.local/share/flotilla/machines/n1/qemu/qmp.sock');
    const long = `/home/${'x'.repeat(120)}/qemu`;
    expect(qmpSocketPath(long)).toMatch(new RegExp(`^${os.tmpdir()}/flotilla-qmp-[0-9a-f]{16}\\.sock$`));
    expect(qmpSocketPath(long)).toBe(qmpSocketPath(long));
  });

  it('removes a machine whose create was interrupted before it returned (no driver data): its files and its address lease, found by the machine folder', async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qrm-state-'));
    const d = createQemuDriver({ runner: fakeRunner({}), stateDir });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qrm-'));
    const other = path.join(os.tmpdir(), 'qrm-other-machine');
    const reg = new NetworkRegistry(path.join(stateDir, 'networks'));
    await reg.lease({ name: 'flotilla', owner: other });
    await reg.lease({ name: 'flotilla', owner: dir });
    await reg.lease({ name: 'swarm2', owner: dir });
    fs.mkdirSync(path.join(dir, 'qemu'));
    fs.writeFileSync(path.join(dir, 'qemu', 'seed.iso'), 'x');
    fs.writeFileSync(path.join(dir, 'qemu', 'overlay.qcow2'), 'x');
    await expect(d.state({})).resolves.toBe('not-found');
    const ctx = { machineName: 'qrm', machineDir: dir, sshPublicKey: '', sshPrivateKeyPath: '', knownHostsFile: path.join(dir, 'known_hosts'), log: () => undefined, step: () => undefined, signal: new AbortController().signal };
    await d.remove({}, ctx);
    expect(fs.existsSync(path.join(dir, 'qemu'))).toBe(false);
    const left = JSON.parse(fs.readFileSync(path.join(stateDir, 'networks', 'flotilla.json'), 'utf8')) as { leases: Record<string, string> };
    expect(Object.keys(left.leases)).toEqual([other]);
    expect(fs.existsSync(path.join(stateDir, 'networks', 'swarm2.json'))).toBe(false);
    // nothing there at all: rm still succeeds
    await d.remove({}, ctx);
    await expect(d.start({ driverVersion: 9 }, ctx)).rejects.toThrow(/no usable qemu driver data/);
    fs.rmSync(dir, { recursive: true });
    fs.rmSync(stateDir, { recursive: true });
  });
});
