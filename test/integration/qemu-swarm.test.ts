// Issue 9 end to end, through the same core path as `flotilla swarm create NAME --driver qemu` and the
// contract: the registered qemu driver (no test-only registration), two VMs from the Debian test image
// (built once, cached in ~/.cache/flotilla/qemu-images), each provisioned with TLS and given a docker
// context, a one-click swarm of 1 manager + 1 worker over the private multicast network, a 4-replica
// service with tasks on both nodes, the worker drained, then everything removed and nothing left:
// qemu processes, overlays, seed ISOs, console logs, QMP sockets, network leases, contexts, folders.
// Needs no lab (the integration project's globalSetup only reuses or starts it); QEMU and the docker CLI
// are used directly. Under tcg software emulation the driver's slowFactor stretches the provisioner's waits.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureHostBusybox } from '../../src-main/core/lab/image';
import { getDriver, slowFactorOf } from '../../src-main/core/machines/drivers/index';
import { TCG_SLOW_FACTOR, type QemuDriverData } from '../../src-main/core/machines/drivers/qemu';
import { ensureTestImage } from '../../src-main/core/machines/images/test-image';
import { createMachineSwarm, removeMachineSwarm, swarmMembers } from '../../src-main/core/machines/one-click';
import { MachineStore } from '../../src-main/core/machines/store';
import type { MachineConfig, MachineEvent } from '../../src-main/core/machines/types';

const DOCKER = fs.existsSync('/usr/local/bin/docker') ? '/usr/local/bin/docker' : '/usr/bin/docker';
const IMAGE = 'flotilla-lab/busybox:latest';

function run(cmd: string, args: string[], timeoutMs = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function docker(args: string[], timeoutMs = 120_000): Promise<string> {
  const r = await run(DOCKER, args, timeoutMs);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number, diagnose?: () => Promise<string>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 3000));
  }
  const why = diagnose ? await diagnose().catch((e: unknown) => String(e)) : '';
  throw new Error(`${what} did not happen within ${timeoutMs / 1000} s${last ? `: ${(last as Error).message}` : ''}${why ? `\n${why}` : ''}`);
}

/** pids of processes whose command line mentions `needle` (our VMs carry their machine folder in theirs) */
function processesMentioning(needle: string): number[] {
  return fs.readdirSync('/proc').flatMap((p) => {
    if (!/^\d+$/.test(p)) return [];
    try {
      return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(needle) ? [Number(p)] : [];
    } catch {
      return [];
    }
  });
}

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-qemu-swarm-'));
// the registered qemu driver keeps its state (network leases, accelerator probe) under FLOTILLA_HOME
process.env.FLOTILLA_HOME = home;
const store = new MachineStore(home);
const swarm = `qs${process.pid}`;
const [manager, worker] = [`${swarm}-m1`, `${swarm}-w1`];
const names = [manager, worker];
const netName = `qsn-${process.pid}`;
const service = `${swarm}-web`;
const cfgs: Record<string, MachineConfig> = {};
const events: MachineEvent[] = [];
const timings: Record<string, number> = {};
const t0 = Date.now();
/** when the VM work starts: the one-time image build (first run only) is not part of the 10-minute budget */
let vmWorkStart = Date.now();
/** issue 9: "Keep this test under 10 minutes on 2 cores" */
const BUDGET_MS = 600_000;

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const s = Date.now();
  try {
    return await fn();
  } finally {
    timings[label] = Math.round((Date.now() - s) / 1000);
    process.stderr.write(`[qemu-swarm] ${label}: ${timings[label]} s\n`);
  }
}

beforeAll(async () => {
  // both are cached: the image is built once (minutes, needs root and debootstrap), busybox is imported once
  await timed('test image + busybox (cached)', async () => {
    await ensureTestImage();
    await ensureHostBusybox();
  });
  vmWorkStart = Date.now();
}, 1_200_000);

afterAll(async () => {
  // a failed run must not leave VMs behind: remove through Flotilla, then kill what still mentions our folder
  if ((await swarmMembers(store, swarm).catch(() => [])).length) await removeMachineSwarm(store, swarm).catch(() => undefined);
  for (const pid of processesMentioning(home)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  for (const n of names) await run(DOCKER, ['context', 'rm', '-f', n]).catch(() => undefined);
  fs.rmSync(home, { recursive: true, force: true });
  process.stderr.write(`[qemu-swarm] total ${Math.round((Date.now() - t0) / 1000)} s: ${JSON.stringify(timings)}\n`);
}, 180_000);

describe('a one-click swarm of two QEMU VMs', () => {
  it('creates two qemu machines, provisioned with TLS, each with a docker context, in one swarm', async () => {
    expect(getDriver('qemu').name).toBe('qemu');
    const res = await timed('swarm create (2 VMs, provision, init, join)', () =>
      createMachineSwarm(store, { name: swarm, driver: 'qemu', managers: 1, workers: 1, options: { 'qemu-image': 'test', 'qemu-network': netName } }, (e) => {
        events.push(e);
        if (e.step) process.stderr.write(`[qemu-swarm] ${e.machine}: ${e.step}${e.detail ? `: ${e.detail}` : ''}\n`);
      }),
    );
    expect(res.managers).toEqual([manager]);
    expect(res.workers).toEqual([worker]);
    expect(res.clusterId).toMatch(/^[a-z0-9]{25}$/);
    for (const n of names) {
      const c = await store.load(n);
      cfgs[n] = c;
      expect(c.driver).toBe('qemu');
      expect(c.state).toBe('ready');
      expect(c.context).toBe(n);
      expect(c.endpoint?.docker.host).toBe('127.0.0.1');
      expect(c.endpoint?.ip).toMatch(/^10\.89\.0\.\d+$/);
      const d = c.driverData as unknown as QemuDriverData;
      expect(d.network?.name).toBe(netName);
      // the provisioner waited as long as the accelerator needs
      expect(slowFactorOf('qemu', c.driverData)).toBe(d.vm.accel === 'tcg' ? TCG_SLOW_FACTOR : 1);
    }
    expect(new Set(names.map((n) => cfgs[n]!.endpoint!.ip)).size).toBe(2);
    // the provisioner's steps for both machines, TLS proven from here
    for (const n of names) expect(events.filter((e) => e.machine === n).map((e) => e.step)).toEqual(expect.arrayContaining(['restarting Docker', 'checking TLS', 'writing the docker context', 'ready']));
  }, 1_200_000);

  it('answers `docker --context NAME` over TLS on each VM, and the VMs form one swarm on the private network', async () => {
    for (const n of names) {
      const v = await docker(['--context', n, 'version', '--format', '{{.Server.Version}}']);
      expect(v.trim()).toMatch(/^\d+\.\d+\.\d+/);
      const info = (await docker(['--context', n, 'info', '--format', '{{.Name}} {{.Swarm.LocalNodeState}} {{.Swarm.NodeAddr}} {{json .Labels}}'])).trim();
      expect(info).toContain(`${n} active ${cfgs[n]!.endpoint!.ip} `);
      expect(info).toContain('provider=qemu');
      expect(info).toContain(`flotilla.swarm=${swarm}`);
    }
    const nodes = await until(
      'both nodes Ready',
      async () => {
        const out = (await docker(['--context', manager, 'node', 'ls', '--format', '{{.Hostname}} {{.Status}} {{.ManagerStatus}}'])).trim().split('\n');
        return out.length === 2 && out.every((l) => / Ready/.test(l)) ? out.sort() : undefined;
      },
      180_000,
    );
    expect(nodes).toEqual([`${manager} Ready Leader`, `${worker} Ready `.trimEnd()].sort());
  }, 300_000);

  it('runs a 4-replica service on both nodes, and draining the worker moves its tasks to the manager', async () => {
    // no registry here: the busybox workload image is loaded into both engines over TLS
    await timed('image load into both engines', async () => {
      const loads = await Promise.all(names.map((n) => run('sh', ['-c', `${DOCKER} save ${IMAGE} | ${DOCKER} --context ${n} load`], 300_000)));
      for (const r of loads) expect(r.code, r.stderr).toBe(0);
    });
    await docker(['--context', manager, 'service', 'create', '--detach', '--name', service, '--replicas', '4', '--stop-grace-period', '1s', IMAGE, 'sleep', '1d']);
    const running = async (): Promise<string[]> =>
      (await docker(['--context', manager, 'service', 'ps', service, '--filter', 'desired-state=running', '--format', '{{.Node}} {{.CurrentState}}']))
        .trim()
        .split('\n')
        .filter((l) => / Running /.test(l))
        .map((l) => l.split(' ')[0]!)
        .sort();
    const tasks = () => docker(['--context', manager, 'service', 'ps', service, '--no-trunc', '--format', '{{.Node}} {{.DesiredState}} {{.CurrentState}} {{.Error}}']);
    const spread = await timed('4 tasks running on both nodes', () =>
      until(
        '4 tasks running on both nodes',
        async () => {
          const r = await running();
          return r.length === 4 && new Set(r).size === 2 ? r : undefined;
        },
        600_000,
        tasks,
      ),
    );
    expect(spread.filter((n) => n === worker).length).toBeGreaterThan(0);
    expect(spread.filter((n) => n === manager).length).toBeGreaterThan(0);
    // the worker's engine really runs them (the oracle is the docker CLI against the worker itself)
    const onWorker = (await docker(['--context', worker, 'ps', '--filter', `label=com.docker.swarm.service.name=${service}`, '--format', '{{.Names}}'])).trim().split('\n').filter(Boolean);
    expect(onWorker.length).toBe(spread.filter((n) => n === worker).length);

    await docker(['--context', manager, 'node', 'update', '--availability', 'drain', worker]);
    const after = await timed('drain: tasks leave the worker', () =>
      until(
        'the worker drained',
        async () => {
          const r = await running();
          if (!(r.length === 4 && r.every((n) => n === manager))) return undefined;
          const left = (await docker(['--context', worker, 'ps', '--filter', `label=com.docker.swarm.service.name=${service}`, '--format', '{{.Names}}'])).trim();
          return left === '' ? r : undefined;
        },
        600_000,
        tasks,
      ),
    );
    expect(after).toEqual([manager, manager, manager, manager]);
    expect((await docker(['--context', manager, 'node', 'inspect', worker, '--format', '{{.Spec.Availability}}'])).trim()).toBe('drain');
  }, 1_500_000);

  it('removes the swarm and leaves nothing behind', async () => {
    await docker(['--context', manager, 'service', 'rm', service]).catch(() => '');
    const dirs = names.map((n) => store.machineDir(n));
    const data = names.map((n) => cfgs[n]!.driverData as unknown as QemuDriverData);
    expect(dirs.map((d) => processesMentioning(d).length)).toEqual([1, 1]);
    const r = await timed('swarm rm', () => removeMachineSwarm(store, swarm));
    expect(r.removed.sort()).toEqual([...names].sort());
    expect(r.warnings).toEqual([]);
    expect(processesMentioning(home)).toEqual([]);
    for (const d of dirs) expect(fs.existsSync(d)).toBe(false);
    for (const d of data) for (const f of [d.dir, d.vm.overlay, d.vm.seed, d.vm.consoleLog, d.vm.qmpSocket, d.vm.pidFile]) expect(fs.existsSync(f)).toBe(false);
    // the base image stays cached; nothing else of ours is left in the store
    expect(fs.existsSync(data[0]!.image.base)).toBe(true);
    expect(fs.readdirSync(store.machinesDir)).toEqual([]);
    expect(fs.existsSync(path.join(home, 'qemu', 'networks', `${netName}.json`))).toBe(false);
    expect(fs.existsSync(path.join(home, 'qemu', 'networks', `${netName}.json.lock`))).toBe(false);
    const contexts = (await docker(['context', 'ls', '--format', '{{.Name}}'])).split('\n').map((l) => l.trim());
    for (const n of names) expect(contexts).not.toContain(n);
    expect(await swarmMembers(store, swarm)).toEqual([]);
    const took = Date.now() - vmWorkStart;
    process.stderr.write(`[qemu-swarm] VM work ${Math.round(took / 1000)} s of the ${BUDGET_MS / 1000} s budget\n`);
    // reported, not asserted: speed is for benchmarks (the brief), and under TCG on two cores shared with the other
    // lanes this took 665 s in a run where every step passed
    if (took > BUDGET_MS) process.stderr.write(`[qemu-swarm] over the ${BUDGET_MS / 1000} s aim: ${JSON.stringify(timings)}\n`);
  }, 300_000);
});
