// The rules `machine set` applies before any driver is asked (resize.ts): something to change, the disk only growing,
// a VM only while stopped, drivers that cannot resize; and what is kept after a resize. Drivers' own command lines are
// tested with each driver (VirtualBox, Hyper-V recorded; container and QEMU for real in the integration tests).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { registerDriver } from './drivers/index';
import type { MachineDriver, MachineState, ResizeChange } from './drivers/types';
import { resizeMachine } from './resize';
import { MachineStore } from './store';
import { CONFIG_VERSION, type MachineConfig } from './types';

let dir: string;
let store: MachineStore;
let state: MachineState = 'stopped';
const calls: ResizeChange[] = [];

const fake = (name: string, live: boolean): MachineDriver => ({
  name,
  description: 'test',
  options: () => [],
  prerequisites: async () => [],
  create: async () => {
    throw new Error('not here');
  },
  start: async () => {
    throw new Error('not here');
  },
  stop: async () => undefined,
  restart: async () => {
    throw new Error('not here');
  },
  kill: async () => undefined,
  remove: async () => undefined,
  state: async () => state,
  resizeLive: live,
  resize: async (data, change) => {
    calls.push(change);
    return { data: { ...data, resized: true }, notes: ['a note'] };
  },
});

const cfg = (name: string, driver: string): MachineConfig => ({
  configVersion: CONFIG_VERSION,
  name,
  driver,
  createdAt: new Date().toISOString(),
  state: 'ready',
  spec: { cpus: 1, memoryMb: 1024, diskGb: 20, options: {} },
  engine: { labels: [], registryMirrors: [], insecureRegistries: [], tlsSans: [] },
  driverData: { vm: name },
  sshKey: 'id_ed25519',
});

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fl-resize-'));
  store = new MachineStore(dir);
  registerDriver(fake('test-vm', false));
  registerDriver(fake('test-live', true));
  for (const [n, d] of [['vm1', 'test-vm'], ['live1', 'test-live'], ['gen1', 'generic']]) {
    await fs.mkdir(store.machineDir(n), { recursive: true });
    await store.save(cfg(n, d));
  }
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  calls.length = 0;
  state = 'stopped';
});

describe('machine set rules', () => {
  it('a stopped VM: only the sizes that change reach the driver; the store keeps the new size and driver data', async () => {
    const r = await resizeMachine(store, { name: 'vm1', cpus: 1, memoryMb: 2048, diskGb: 30 });
    expect(calls).toEqual([{ memoryMb: 2048, diskGb: 30, current: { cpus: 1, memoryMb: 1024, diskGb: 20 } }]);
    expect(r).toEqual({ name: 'vm1', spec: { cpus: 1, memoryMb: 2048, diskGb: 30 }, changes: ['memory 1024 MB -> 2048 MB (from the next start)', 'disk 20 GB -> 30 GB'], notes: ['a note'] });
    const after = await store.load('vm1');
    expect(after.spec).toMatchObject({ cpus: 1, memoryMb: 2048, diskGb: 30 });
    expect(after.driverData).toEqual({ vm: 'vm1', resized: true });
  });

  it('a running VM is refused, naming the stop and start to run', async () => {
    state = 'running';
    await expect(resizeMachine(store, { name: 'vm1', cpus: 2 })).rejects.toThrow('vm1 is a test-vm VM and is running: a VM is resized only while stopped; stop it first (flotilla machine stop vm1), run this again, then start it (flotilla machine start vm1)');
    expect(calls).toEqual([]);
  });

  it('a live driver resizes a running machine', async () => {
    state = 'running';
    const r = await resizeMachine(store, { name: 'live1', cpus: 2 });
    expect(r.changes).toEqual(['cpus 1 -> 2 (applied live)']);
    expect(calls).toHaveLength(1);
  });

  it('the disk only grows; nothing to change; the same size; a generic host', async () => {
    const grown = (await store.load('vm1')).spec.diskGb;
    await expect(resizeMachine(store, { name: 'vm1', diskGb: grown - 1 })).rejects.toThrow(`the disk of vm1 can only grow: it has ${grown} GB; give --disk ${grown}g or more (shrinking would lose data)`);
    await expect(resizeMachine(store, { name: 'vm1' })).rejects.toThrow('nothing to change: give --cpus N, --memory SIZE or --disk SIZE (e.g. flotilla machine set vm1 --memory 2g)');
    expect(await resizeMachine(store, { name: 'vm1', diskGb: grown })).toMatchObject({ changes: [], notes: ['vm1 already has that size: nothing changed'] });
    await expect(resizeMachine(store, { name: 'gen1', cpus: 2 })).rejects.toThrow('machine gen1 is a generic host that Flotilla did not make: resize it where it runs');
    expect(calls).toEqual([]);
  });
});
