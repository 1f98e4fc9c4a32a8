import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlotillaError } from '../../api/errors';
import { leaseAlive, newLease, processStartTime, readLease, writeLease } from './busy';
import { registerDriver } from './drivers/index';
import type { DriverContext, MachineDriver, MachineSpec } from './drivers/types';
import { createMachine, effectiveState, interruptedError } from './lifecycle';
import { MachineStore } from './store';
import { CONFIG_VERSION, type MachineConfig } from './types';

let home: string;
let store: MachineStore;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'fma-busy-'));
  store = new MachineStore(home);
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

/** the pid of a process that has exited */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  return r.pid!;
}

const record = (name: string, state: MachineConfig['state']): MachineConfig => ({
  configVersion: CONFIG_VERSION,
  name,
  driver: 'container',
  createdAt: new Date().toISOString(),
  state,
  spec: { cpus: 1, memoryMb: 1024, diskGb: 20, options: {} },
  engine: { labels: [], registryMirrors: [], insecureRegistries: [], tlsSans: [] },
  driverData: {},
  sshKey: 'id_ed25519',
});

describe('the lease of a create in progress', () => {
  it('names this process by pid and start time, and is alive while it runs', () => {
    const l = newLease('create', 'creating the container', 'flotilla-m1');
    expect(l.pid).toBe(process.pid);
    if (process.platform === 'linux') expect(l.pidStart).toMatch(/^\d+$/);
    expect(leaseAlive(l)).toBe(true);
  });

  it('is dead when its process is gone, or when its pid now belongs to another process (another start time)', () => {
    expect(leaseAlive({ ...newLease('create', 'disk'), pid: deadPid() })).toBe(false);
    if (process.platform === 'linux') {
      expect(processStartTime(process.pid)).toBeDefined();
      expect(leaseAlive({ ...newLease('create', 'disk'), pidStart: '1' })).toBe(false);
    }
  });

  it('is written atomically before each step and read back; a removed folder is left alone', () => {
    const dir = path.join(home, 'm1');
    fs.mkdirSync(dir);
    writeLease(dir, newLease('provision', 'restarting Docker'));
    expect(readLease(dir)).toMatchObject({ pid: process.pid, op: 'provision', step: 'restarting Docker' });
    expect(fs.statSync(path.join(dir, 'busy.json')).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(['busy.json']);
    fs.rmSync(dir, { recursive: true });
    expect(() => writeLease(dir, newLease('create', 'x'))).not.toThrow();
    expect(readLease(dir)).toBeUndefined();
  });
});

describe('a machine whose create was interrupted', () => {
  it('is `creating` while its process lives, and `error` at its last step once the process is gone', async () => {
    await store.reserve('m1');
    await store.save(record('m1', 'creating'));
    writeLease(store.machineDir('m1'), newLease('create', 'creating the container', 'flotilla-m1'));
    expect(effectiveState(store, await store.load('m1'))).toBe('creating');
    expect(interruptedError(store, await store.load('m1'))).toBeUndefined();
    writeLease(store.machineDir('m1'), { ...newLease('create', 'creating the container', 'flotilla-m1'), pid: deadPid() });
    expect(effectiveState(store, await store.load('m1'))).toBe('error');
    expect(interruptedError(store, await store.load('m1'))).toMatch(
      /^the create was interrupted at step "creating the container" \(flotilla-m1\) \(its process \d+ is gone\): retry with `flotilla machine provision m1` or remove it with `flotilla machine rm m1`$/,
    );
  });

  it('with no lease at all (killed before its first step) is `error`; a ready machine is not affected', async () => {
    await store.reserve('m2');
    await store.save(record('m2', 'provisioning'));
    expect(effectiveState(store, await store.load('m2'))).toBe('error');
    expect(interruptedError(store, await store.load('m2'))).toContain('the provision was interrupted before its first step');
    await store.save(record('m2', 'ready'));
    expect(effectiveState(store, await store.load('m2'))).toBe('ready');
  });
});

describe('createMachine and its record', () => {
  const seen: Array<{ state?: string; step?: string; signalAborted: boolean }> = [];
  const ac = new AbortController();
  // a driver that looks at the store when it is asked to make something, and stands for a Ctrl+C during its work
  const probe: MachineDriver = {
    name: 'record-probe',
    description: 'test driver',
    options: () => [],
    prerequisites: async () => [],
    async create(_spec: MachineSpec, ctx: DriverContext) {
      const cfg = JSON.parse(fs.readFileSync(path.join(ctx.machineDir, 'config.json'), 'utf8')) as MachineConfig;
      ctx.step('making the host', ctx.machineName);
      seen.push({ state: cfg.state, step: readLease(ctx.machineDir)?.step, signalAborted: ctx.signal.aborted });
      ac.abort();
      throw new FlotillaError('CANCELLED', 'the operation was cancelled');
    },
    start: async () => Promise.reject(new Error('unused')),
    stop: async () => undefined,
    restart: async () => Promise.reject(new Error('unused')),
    kill: async () => undefined,
    remove: async () => undefined,
    state: async () => 'not-found',
  };
  registerDriver(probe);

  it('writes the record before the driver makes anything; a cancel says where it stopped and how to remove or retry', async () => {
    await expect(createMachine(store, { name: 'm3', driver: 'record-probe' }, () => undefined, ac.signal)).rejects.toThrow(
      'm3 was stopped at step "making the host": remove it with `flotilla machine rm m3`, or retry with `flotilla machine provision m3`',
    );
    expect(seen).toEqual([{ state: 'creating', step: 'making the host', signalAborted: false }]);
    const cfg = await store.load('m3');
    expect(cfg.state).toBe('error');
    expect(cfg.lastError).toBe('the operation was cancelled (at step "making the host")');
    expect(readLease(store.machineDir('m3'))).toBeUndefined();
  });
});
