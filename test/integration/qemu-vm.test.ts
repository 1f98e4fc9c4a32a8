// One real VM through the qemu driver: the Debian test image (built once, cached), a NoCloud seed with an
// SSH key, SSH through the forwarded port, `docker version` inside, the private network address from the
// seed, ACPI power-down through QMP, state, and remove leaving nothing behind.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriverContext, HostEndpoint } from '../../src-main/core/machines/drivers/types';
import { createQemuDriver, type QemuDriverData } from '../../src-main/core/machines/drivers/qemu';
import { ensureTestImage } from '../../src-main/core/machines/images/test-image';

function run(cmd: string, args: string[], timeoutMs = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-qemu-it-'));
const machineDir = path.join(work, 'machines', 'qvm1');
const stateDir = path.join(work, 'qemu-state');
const key = path.join(machineDir, 'id_ed25519');
const netName = `qit-${process.pid}`;
const driver = createQemuDriver({ stateDir, probeTimeoutMs: 20_000, bootTimeoutMs: 420_000, stopTimeoutMs: 90_000 });
const steps: string[] = [];
let ctx: DriverContext;
let data: QemuDriverData | undefined;
let endpoint: HostEndpoint;

function ssh(cmd: string, timeoutMs = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(
    'ssh',
    ['-i', key, '-p', String(endpoint.ssh.port), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=20', '-o', 'LogLevel=ERROR', `${endpoint.ssh.user}@${endpoint.ssh.host}`, cmd],
    timeoutMs,
  );
}

function qemuProcesses(): string[] {
  return fs
    .readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .flatMap((p) => {
      try {
        const cmdline = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8');
        return cmdline.includes(machineDir) ? [p] : [];
      } catch {
        return [];
      }
    });
}

beforeAll(async () => {
  fs.mkdirSync(machineDir, { recursive: true });
  const k = await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'flotilla-qemu-it', '-f', key]);
  expect(k.code).toBe(0);
  ctx = {
    machineDir,
    sshPublicKey: fs.readFileSync(`${key}.pub`, 'utf8').trim(),
    sshPrivateKeyPath: key,
    log: () => undefined,
    step: (name, detail) => steps.push(detail ? `${name}: ${detail}` : name),
    signal: new AbortController().signal,
  };
  // builds the image the first time (minutes), reuses the cache afterwards
  await ensureTestImage();
}, 1_200_000);

afterAll(async () => {
  if (data) await driver.remove(data as unknown as Record<string, unknown>, ctx).catch(() => undefined);
  fs.rmSync(work, { recursive: true, force: true });
});

describe('qemu driver with the Debian test image', () => {
  it('creates a VM that answers SSH with the seeded key', async () => {
    const r = await driver.create({ name: 'qvm1', cpus: 2, memoryMb: 1024, diskGb: 6, options: { 'qemu-image': 'test', 'qemu-network': netName } }, ctx);
    data = r.data as unknown as QemuDriverData;
    endpoint = r.endpoint;
    expect(endpoint.ssh).toEqual({ host: '127.0.0.1', port: data.vm.sshPort, user: 'root' });
    expect(endpoint.docker).toEqual({ host: '127.0.0.1', port: data.vm.dockerPort });
    expect(endpoint.ip).toBe('10.89.0.11');
    expect(['kvm', 'tcg']).toContain(data.vm.accel);
    if (fs.existsSync('/dev/kvm') && data.vm.accel === 'tcg') expect(steps.join('\n')).toMatch(/accelerator: warning: kvm is present but a probe boot failed/);
    expect(qemuProcesses()).toHaveLength(1);
    expect(await driver.state(r.data)).toBe('running');
    expect(fs.statSync(data.vm.consoleLog).size).toBeGreaterThan(0);
    const who = await ssh('hostname && id -un');
    expect(who.stderr).toBe('');
    expect(who.stdout.trim().split('\n')).toEqual(['qvm1', 'root']);
  }, 600_000);

  it('runs Docker inside and has the private address and a grown disk', async () => {
    let v = { code: -1, stdout: '', stderr: '' };
    for (let i = 0; i < 45; i++) {
      v = await ssh("docker version --format '{{.Server.Version}}'");
      if (v.code === 0) break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    expect(v.stderr).toBe('');
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const addr = await ssh('ip -4 -o addr show');
    expect(addr.stdout).toContain('inet 10.89.0.11/24');
    const df = await ssh("df -BG --output=size / | tail -n 1");
    expect(Number.parseInt(df.stdout.trim(), 10)).toBeGreaterThanOrEqual(5);
  }, 180_000);

  it('stops through an ACPI power-down (QMP) and reports stopped', async () => {
    if (!data) throw new Error('no VM');
    const t0 = Date.now();
    await driver.stop(data as unknown as Record<string, unknown>, ctx);
    expect(Date.now() - t0).toBeLessThan(90_000);
    expect(steps.join('\n')).not.toMatch(/did not power off in time/);
    expect(fs.readFileSync(data.vm.consoleLog, 'utf8')).toMatch(/reboot: Power down|Powering off|System Power Off/);
    expect(await driver.state(data as unknown as Record<string, unknown>)).toBe('stopped');
    expect(qemuProcesses()).toEqual([]);
    expect(fs.existsSync(data.vm.pidFile)).toBe(false);
  }, 120_000);

  it('removes everything it made', async () => {
    if (!data) throw new Error('no VM');
    const d = data;
    await driver.remove(d as unknown as Record<string, unknown>, ctx);
    data = undefined;
    expect(qemuProcesses()).toEqual([]);
    for (const f of [d.vm.overlay, d.vm.seed, d.vm.consoleLog, d.vm.pidFile, d.vm.qmpSocket, d.dir]) expect(fs.existsSync(f)).toBe(false);
    expect(fs.existsSync(path.join(stateDir, 'networks', `${netName}.json`))).toBe(false);
    expect(await driver.state(d as unknown as Record<string, unknown>)).toBe('not-found');
    // the machine folder itself belongs to the store: only the key the test made is left in it
    expect(fs.readdirSync(machineDir).sort()).toEqual(['id_ed25519', 'id_ed25519.pub']);
  }, 60_000);
});
