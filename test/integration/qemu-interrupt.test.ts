// Interrupted QEMU creates, for real (issue 17): the `flotilla` binary creating a qemu machine (test image, tcg) is
// killed when the machine's lease shows a step: SIGKILL before the VM exists (the overlay disk being made) and during
// boot (QEMU running, daemonized), SIGINT during boot; then `machine ls` says Error at that step and `machine rm` leaves
// no QEMU process, disk, seed, QMP socket, address lease or folder behind, and the same name boots again. Kept short:
// no VM is waited for past the start of its boot.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MachineStore } from '../../src-main/core/machines/store';
import { qmpSocketPath } from '../../src-main/core/machines/drivers/qemu/data';
import { ensureTestImage } from '../../src-main/core/machines/images/test-image';
import { cliEnv, createAndKill as killCreateAt, flotilla as runFlotilla, type KilledCreate, type Run } from '../support/cli';

const NET = `qi${process.pid % 10000}`;
let home: string;
let dockerConfig: string;
let store: MachineStore;

const env = (): NodeJS.ProcessEnv => cliEnv({ FLOTILLA_HOME: home, DOCKER_CONFIG: dockerConfig });
const flotilla = (args: string[], timeout = 180_000): Promise<Run> => runFlotilla(args, { env: env(), timeout });

/** `machine create -d qemu NAME`, sent `sig` once the machine's lease names `step` (polled every 2 ms: the early steps are short) */
const createAndKill = (name: string, step: string, sig: 'SIGINT' | 'SIGKILL'): Promise<KilledCreate> =>
  killCreateAt(['machine', 'create', '-d', 'qemu', '--qemu-image', 'test', '--qemu-accel', 'tcg', '--qemu-network', NET, '--memory', '768', name], env(), store.machineDir(name), step, sig, 2, 300_000);

/** processes whose command line names the machine's folder: its QEMU */
function qemuProcesses(name: string): string[] {
  const dir = store.machineDir(name);
  return fs.readdirSync('/proc').filter((p) => {
    if (!/^\d+$/.test(p)) return false;
    try {
      const st = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      return !/\) Z /.test(st) && fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(dir);
    } catch {
      return false;
    }
  });
}

/** address leases the machine still holds on any private network */
function leases(name: string): string[] {
  const dir = path.join(home, 'qemu', 'networks');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => Object.entries((JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { leases: Record<string, string> }).leases).filter(([owner]) => owner === store.machineDir(name)).map(([, ip]) => `${f}: ${ip}`));
}

function leftovers(name: string): string[] {
  const vmDir = path.join(store.machineDir(name), 'qemu');
  return [
    ...qemuProcesses(name).map((p) => `qemu process ${p}`),
    ...leases(name).map((l) => `lease ${l}`),
    ...(fs.existsSync(qmpSocketPath(vmDir)) ? [`QMP socket ${qmpSocketPath(vmDir)}`] : []),
    ...(fs.existsSync(store.machineDir(name)) ? [`folder ${store.machineDir(name)} (${fs.readdirSync(store.machineDir(name)).join(', ')})`] : []),
  ];
}

async function lsError(name: string): Promise<{ state: string; error: string } | undefined> {
  const r = await flotilla(['--json', 'machine', 'ls']);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as Array<{ name: string; state: string; error: string }>).find((x) => x.name === name);
}

async function removeAndCheck(name: string): Promise<void> {
  const rm = await flotilla(['machine', 'rm', '-y', name]);
  expect(rm.code, rm.stderr).toBe(0);
  expect(rm.stderr).not.toMatch(/warning/);
  expect(leftovers(name)).toEqual([]);
}

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'fqi-home-'));
  dockerConfig = fs.mkdtempSync(path.join(os.tmpdir(), 'fqi-dockercfg-'));
  store = new MachineStore(home);
  await ensureTestImage(); // builds the image the first time (minutes), reuses the cache afterwards
  expect((await flotilla(['--version'])).code).toBe(0); // a rebuilt CLI bundle, not inside a timed kill
}, 1_200_000);

afterAll(async () => {
  for (const n of store ? await store.names().catch(() => []) : []) await flotilla(['machine', 'rm', '-y', n]);
  fs.rmSync(home, { recursive: true, force: true });
  fs.rmSync(dockerConfig, { recursive: true, force: true });
}, 300_000);

describe('a qemu machine create killed at a step', () => {
  const name = `fqi${process.pid % 1000}`;

  it('SIGKILL while the overlay disk is made (no VM yet, no driver data): Error at that step; rm leaves nothing', async () => {
    const r = await createAndKill(name, 'disk', 'SIGKILL');
    expect(r.signal, `steps seen: ${r.seen.join(' > ')}\n${r.stderr}`).toBe('SIGKILL');
    const e = await lsError(name);
    expect(e?.state).toBe('error');
    expect(e?.error).toContain('the create was interrupted at step "disk"');
    await removeAndCheck(name);
  }, 600_000);

  it('SIGKILL during boot (QEMU running, daemonized, with an address lease): Error at that step; rm kills QEMU and leaves nothing', async () => {
    const r = await createAndKill(name, 'waiting for SSH', 'SIGKILL');
    expect(r.signal, `steps seen: ${r.seen.join(' > ')}\n${r.stderr}`).toBe('SIGKILL');
    expect(qemuProcesses(name)).toHaveLength(1); // the VM outlives the CLI that started it
    expect(leases(name)).toHaveLength(1);
    const e = await lsError(name);
    expect(e?.state).toBe('error');
    expect(e?.error).toContain('the create was interrupted at step "waiting for SSH"');
    await removeAndCheck(name);
  }, 600_000);

  it('the same name boots again; SIGINT during that boot stops it, the driver stops its VM, and rm leaves nothing', async () => {
    const r = await createAndKill(name, 'waiting for SSH', 'SIGINT');
    expect(r.code, `steps seen: ${r.seen.join(' > ')}\n${r.stderr}`).toBe(130);
    expect(r.stderr).toContain(`remove it with \`flotilla machine rm ${name}\`, or retry with \`flotilla machine provision ${name}\``);
    expect(qemuProcesses(name)).toEqual([]);
    expect((await lsError(name))?.error).toMatch(/cancelled \(at step "waiting for SSH"\)/);
    await removeAndCheck(name);
  }, 600_000);
});
