// Interrupted creates, for real (issue 17): the `flotilla` binary creating a container machine is killed with SIGINT
// (Ctrl+C) or SIGKILL (a crash, a power cut) when the machine's lease in the store shows a given step; then `machine ls`
// shows it as Error at that step, `machine rm` leaves nothing behind (docker CLI 28 and the store as oracles), and the
// same name can be made again (by `machine provision` or a new `machine create`). No lab needed.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MachineStore } from '../../src-main/core/machines/store';
import { containerMachineLeftovers } from '../support/machines';
import { cliEnv, createAndKill as killCreateAt, flotilla as runFlotilla, type KilledCreate, type Run } from '../support/cli';

const DOCKER = '/usr/local/bin/docker';
const P = `fmi${process.pid % 1000}`;
let home: string;
let dockerConfig: string;
let store: MachineStore;

const env = (): NodeJS.ProcessEnv => cliEnv({ FLOTILLA_HOME: home, DOCKER_CONFIG: dockerConfig, FLOTILLA_DOCKER_CLI: DOCKER });
const flotilla = (args: string[], timeout = 240_000): Promise<Run> => runFlotilla(args, { env: env(), timeout });

/** `machine create -d container NAME`, sent `sig` once the machine's lease names `step` (polled every 20 ms) */
const createAndKill = (name: string, step: string, sig: 'SIGINT' | 'SIGKILL'): Promise<KilledCreate> =>
  killCreateAt(['machine', 'create', '-d', 'container', name], env(), store.machineDir(name), step, sig, 20, 180_000);

async function lsEntry(name: string): Promise<{ name: string; state: string; error: string } | undefined> {
  const r = await flotilla(['--json', 'machine', 'ls']);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as Array<{ name: string; state: string; error: string }>).find((x) => x.name === name);
}

async function removeAndCheck(name: string): Promise<void> {
  const rm = await flotilla(['machine', 'rm', '-y', name]);
  expect(rm.code, rm.stderr).toBe(0);
  expect(rm.stderr).not.toMatch(/warning/);
  expect(await containerMachineLeftovers(store, dockerConfig, [name])).toEqual([]);
}

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'fmi-home-'));
  dockerConfig = await fs.mkdtemp(path.join(os.tmpdir(), 'fmi-dockercfg-'));
  store = new MachineStore(home);
  // the first run may rebuild the CLI bundle: not inside a timed kill
  expect((await flotilla(['--version'])).code).toBe(0);
}, 300_000);

afterAll(async () => {
  for (const n of await store.names().catch(() => [])) await flotilla(['machine', 'rm', '-y', n]);
  await fs.rm(home, { recursive: true, force: true });
  await fs.rm(dockerConfig, { recursive: true, force: true });
}, 300_000);

describe('a container machine create killed at a step', () => {
  it('SIGKILL while the container is being made (no driver data yet): ls says Error at that step; provision makes it again; rm leaves nothing', async () => {
    const name = `${P}-k1`;
    const r = await createAndKill(name, 'creating the container', 'SIGKILL');
    expect(r.signal, `steps seen: ${r.seen.join(' > ')}\n${r.stderr}`).toBe('SIGKILL');
    expect((await store.load(name)).driverData).toEqual({});
    const e = await lsEntry(name);
    expect(e?.state).toBe('error');
    expect(e?.error).toContain('the create was interrupted at step "creating the container"');
    expect(e?.error).toContain(`flotilla machine provision ${name}`);
    const again = await flotilla(['machine', 'provision', name]);
    expect(again.code, again.stderr).toBe(0);
    expect((await lsEntry(name))?.state).toBe('running');
    await removeAndCheck(name);
  });

  it('SIGINT while the container is being made: the create stops at the next safe point, says how to remove or retry, and removes its half-made container', async () => {
    const name = `${P}-i1`;
    const r = await createAndKill(name, 'creating the container', 'SIGINT');
    expect(r.code, `steps seen: ${r.seen.join(' > ')}\n${r.stderr}`).toBe(130);
    expect(r.stderr).toContain('stopping at the next safe point');
    expect(r.stderr).toContain(`remove it with \`flotilla machine rm ${name}\`, or retry with \`flotilla machine provision ${name}\``);
    const e = await lsEntry(name);
    expect(e?.state).toBe('error');
    expect(e?.error).toMatch(/cancelled \(at step "[^"]+"\)/);
    // the driver cleaned up on its way out: only the record is left
    expect(await containerMachineLeftovers(store, dockerConfig, [name])).toEqual([`folder ${name}`]);
    await removeAndCheck(name);
  });

  it('SIGINT while waiting for SSH (the host exists): stops, Error at that step, rm leaves nothing', async () => {
    const name = `${P}-i2`;
    const r = await createAndKill(name, 'waiting for SSH', 'SIGINT');
    expect(r.code, `steps seen: ${r.seen.join(' > ')}\n${r.stderr}`).toBe(130);
    expect(r.stderr).toContain(`${name} was stopped at step "waiting for SSH": remove it with \`flotilla machine rm ${name}\``);
    expect((await lsEntry(name))?.error).toContain('(at step "waiting for SSH")');
    await removeAndCheck(name);
  });

  it('SIGKILL while Docker restarts with TLS: Error at that step; rm leaves nothing; the same name is created again', async () => {
    const name = `${P}-k2`;
    const r = await createAndKill(name, 'restarting Docker', 'SIGKILL');
    expect(r.signal, `steps seen: ${r.seen.join(' > ')}\n${r.stderr}`).toBe('SIGKILL');
    const e = await lsEntry(name);
    expect(e?.state).toBe('error');
    expect(e?.error).toContain('the provision was interrupted at step "restarting Docker"');
    await removeAndCheck(name);
    const again = await flotilla(['machine', 'create', '-d', 'container', name]);
    expect(again.code, again.stderr).toBe(0);
    expect((await lsEntry(name))?.state).toBe('running');
    await removeAndCheck(name);
  });
});
