// One real VM through the qemu driver: the Debian test image (built once, cached), a NoCloud seed with an
// SSH key, SSH through the forwarded port, `docker version` inside, the private network address from the
// seed (all applied by the image's real cloud-init), ACPI power-down through QMP, start of the stopped VM,
// restart, stop's fallbacks (QMP quit when the guest ignores ACPI, SIGKILL when QEMU does not answer),
// kill, state from QMP and the pid file after each, and remove leaving nothing behind; `machine set` on the stopped
// VM (qemu-img resize of the overlay, the memory in its config) as the guest sees it after the next start. One VM throughout.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriverContext, HostEndpoint } from '../../src-main/core/machines/drivers/types';
import { createQemuDriver, type QemuDriverData } from '../../src-main/core/machines/drivers/qemu';
import { isAlive, readPid } from '../../src-main/core/machines/drivers/qemu/host';
import { withQmp } from '../../src-main/core/machines/drivers/qemu/qmp';
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
// the same VM under a driver that waits only a few seconds for an ACPI power-down
const impatient = createQemuDriver({ stateDir, probeTimeoutMs: 20_000, bootTimeoutMs: 420_000, stopTimeoutMs: 6000 });
const steps: string[] = [];
const timings: Record<string, number> = {};
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

/** running right after a verb: a live pid in the pid file, QMP says running, state() agrees; returns the pid */
async function expectRunning(d: QemuDriverData): Promise<number> {
  const pid = readPid(d.vm.pidFile);
  expect(pid).toBeDefined();
  expect(isAlive(pid!)).toBe(true);
  expect(qemuProcesses()).toEqual([String(pid)]);
  expect(await withQmp(d.vm.qmpSocket, (c) => c.queryStatus())).toMatchObject({ running: true, status: 'running' });
  expect(await driver.state(d as unknown as Record<string, unknown>)).toBe('running');
  return pid!;
}

/** stopped right after a verb: no process, no pid file, no QMP socket, state() says stopped (the disk is kept) */
async function expectStopped(d: QemuDriverData): Promise<void> {
  expect(qemuProcesses()).toEqual([]);
  expect(fs.existsSync(d.vm.pidFile)).toBe(false);
  expect(fs.existsSync(d.vm.qmpSocket)).toBe(false);
  expect(fs.existsSync(d.vm.overlay)).toBe(true);
  expect(await driver.state(d as unknown as Record<string, unknown>)).toBe('stopped');
}

/** starts QEMU through the driver but gives up waiting for SSH: a live, still-booting VM for the kill and SIGKILL tests */
async function launchOnly(d: QemuDriverData): Promise<number> {
  const ac = new AbortController();
  const c: DriverContext = { ...ctx, step: (name) => (name === 'waiting for SSH' ? ac.abort() : undefined), signal: ac.signal };
  await expect(driver.start(d as unknown as Record<string, unknown>, c)).rejects.toThrow(/cancelled/);
  const pid = readPid(d.vm.pidFile);
  expect(pid !== undefined && isAlive(pid)).toBe(true);
  return pid!;
}

beforeAll(async () => {
  fs.mkdirSync(machineDir, { recursive: true });
  const k = await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'flotilla-qemu-it', '-f', key]);
  expect(k.code).toBe(0);
  ctx = {
    machineName: path.basename(machineDir),
    machineDir,
    sshPublicKey: fs.readFileSync(`${key}.pub`, 'utf8').trim(),
    sshPrivateKeyPath: key,
    knownHostsFile: path.join(work, 'known_hosts'),
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
    // one vCPU, as the driver's default: under software emulation on the build machines' two cores, busy with the
    // lab tests beside this file, a 2-vCPU guest stalled on a restart (kernel traces on its console, no SSH in 420 s):
    // a vCPU spinning on a lock held by the other, which the host did not schedule. `-smp N` is unit-tested (args.spec).
    const r = await driver.create({ name: 'qvm1', cpus: 1, memoryMb: 1024, diskGb: 6, options: { 'qemu-image': 'test', 'qemu-network': netName } }, ctx);
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

  it("was configured by the image's real cloud-init from the NoCloud seed", async () => {
    // status --wait: the final stage runs after SSH is up
    const st = await ssh('cloud-init status --wait --long; echo "rc=$?"', 300_000);
    expect(st.stdout).toMatch(/status: done/);
    expect(st.stdout).toMatch(/NoCloud/);
    expect(st.stdout).toMatch(/rc=0/);
    const ds = await ssh('cat /run/cloud-init/cloud-id; cat /etc/systemd/network/10-cloud-init-*.network; cat /var/lib/cloud/data/instance-id; test -e /usr/local/sbin/flotilla-seed && echo home-made-reader');
    expect(ds.stdout).toContain('nocloud');
    // cloud-init's networkd renderer wrote the seed's network-config: the private NIC matched by its MAC, static
    expect(ds.stdout).toContain(`MACAddress=${data?.vm.privateNet?.mac ?? 'none'}`);
    expect(ds.stdout).toMatch(/Address=10\.89\.0\.11\/24/);
    expect(ds.stdout).toMatch(/flotilla-qvm1-[0-9a-f]{8}/);
    expect(ds.stdout).not.toContain('home-made-reader');
    const an = await ssh('cloud-init analyze show | tail -n 3');
    process.stderr.write(`[qemu-vm] cloud-init: ${an.stdout.trim().split('\n').join(' | ')}\n`);
  }, 360_000);

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

  it('resizes the stopped VM (machine set): the overlay grown with qemu-img, the memory in its config', async () => {
    if (!data) throw new Error('no VM');
    // one vCPU stays (see create: two stall under software emulation here); -smp N from the config is unit-tested
    const r = await driver.resize!(data as unknown as Record<string, unknown>, { memoryMb: 1536, diskGb: 8, current: { cpus: 1, memoryMb: 1024, diskGb: 6 } }, ctx);
    data = r.data as unknown as QemuDriverData;
    expect(data.vm).toMatchObject({ cpus: 1, memoryMb: 1536 });
    const info = JSON.parse((await run(data.qemuImg, ['info', '--output=json', '-U', data.vm.overlay])).stdout) as { 'virtual-size': number };
    expect(info['virtual-size']).toBe(8 * 2 ** 30);
    expect(r.notes.join('\n')).toContain('the disk of qvm1 is 8GB');
  }, 120_000);

  it('starts the stopped VM again (state, QMP and pid file right after)', async () => {
    if (!data) throw new Error('no VM');
    const t = Date.now();
    const ep = await driver.start(data as unknown as Record<string, unknown>, ctx);
    timings.start = Math.round((Date.now() - t) / 1000);
    expect(ep).toEqual(endpoint);
    await expectRunning(data);
    expect((await ssh('hostname')).stdout.trim()).toBe('qvm1');
  }, 600_000);

  it('restarts: a new QEMU process, running again, answering SSH', async () => {
    if (!data) throw new Error('no VM');
    const before = readPid(data.vm.pidFile);
    const t = Date.now();
    await driver.restart(data as unknown as Record<string, unknown>, ctx);
    timings.restart = Math.round((Date.now() - t) / 1000);
    const after = await expectRunning(data);
    expect(after).not.toBe(before);
    expect(before !== undefined && isAlive(before)).toBe(false);
    expect((await ssh('hostname')).stdout.trim()).toBe('qvm1');
  }, 600_000);

  it('the guest sees the resize (machine set, above) after those starts: the new memory, the grown disk', async () => {
    const seen = await ssh("blockdev --getsize64 /dev/vda; grep MemTotal /proc/meminfo | tr -s ' ' | cut -d' ' -f2; nproc");
    const [disk, memKb, cpus] = seen.stdout.trim().split('\n').map(Number);
    expect(disk).toBe(8 * 2 ** 30);
    expect(memKb).toBeGreaterThan(1100 * 1024); // 1536 MB less what the kernel keeps; it was 1024 MB before
    expect(cpus).toBe(1);
  }, 120_000);

  it('stop quits QEMU through QMP when the guest ignores the ACPI power button', async () => {
    if (!data) throw new Error('no VM');
    // nothing handles the power button once logind is gone (the image has no acpid)
    const m = await ssh('systemctl mask --runtime systemd-logind && systemctl stop systemd-logind && systemctl is-active systemd-logind; true');
    expect(m.stdout.trim()).toBe('inactive');
    const consoleBefore = fs.readFileSync(data.vm.consoleLog, 'utf8').length;
    steps.length = 0;
    const t = Date.now();
    await impatient.stop(data as unknown as Record<string, unknown>, ctx);
    timings['stop via QMP quit'] = Math.round((Date.now() - t) / 1000);
    expect(steps).toEqual(['stopping VM: ACPI power-down', 'stopping VM: the guest did not power off in time: quitting QEMU']);
    expect(fs.readFileSync(data.vm.consoleLog, 'utf8').slice(consoleBefore)).not.toMatch(/reboot: Power down/);
    await expectStopped(data);
  }, 120_000);

  it('stop ends a QEMU that no longer answers QMP with SIGKILL', async () => {
    if (!data) throw new Error('no VM');
    const pid = await launchOnly(data);
    process.kill(pid, 'SIGSTOP'); // frozen: QMP connects but never answers, ACPI and quit both time out
    steps.length = 0;
    const t = Date.now();
    await impatient.stop(data as unknown as Record<string, unknown>, ctx);
    timings['stop via SIGKILL'] = Math.round((Date.now() - t) / 1000);
    expect(steps).toEqual(['stopping VM: ACPI power-down', 'stopping VM: the guest did not power off in time: quitting QEMU']);
    expect(isAlive(pid)).toBe(false);
    await expectStopped(data);
  }, 120_000);

  it('kills a running VM at once', async () => {
    if (!data) throw new Error('no VM');
    const pid = await launchOnly(data);
    expect(await driver.state(data as unknown as Record<string, unknown>)).toBe('running');
    const t = Date.now();
    await driver.kill(data as unknown as Record<string, unknown>, ctx);
    timings.kill = Math.round((Date.now() - t) / 1000);
    expect(Date.now() - t).toBeLessThan(15_000);
    expect(isAlive(pid)).toBe(false);
    await expectStopped(data);
    process.stderr.write(`[qemu-vm] timings (s): ${JSON.stringify(timings)}\n`);
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
