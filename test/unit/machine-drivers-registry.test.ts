// The registry: every built-in driver is registered, so `machine drivers`, `machine create -d NAME`,
// the contract's machines.drivers and the one-click swarm see them; on a computer without the
// hypervisor each one says so with the remedy (never a crash), and create leaves nothing behind.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { machinesContract } from '../../src-main/api/domains/machines';
import { createServices } from '../../src-main/host/services';
import { machinesHandlers } from '../../src-main/host/handlers/machines';
import { createMachine } from '../../src-main/core/machines/lifecycle';
import { createMachineSwarm } from '../../src-main/core/machines/one-click';
import { MachineStore } from '../../src-main/core/machines/store';
import { NOT_WINDOWS } from '../../src-main/core/machines/drivers/hyperv/driver';
import { builtinDrivers, defaultDriverName, driverPrerequisites, getDriver, listDrivers, registerDriver, slowFactorOf } from '../../src-main/core/machines/drivers';
import type { MachineDriver } from '../../src-main/core/machines/drivers/types';
import { NOT_INSTALLED } from '../../src-main/core/machines/drivers/virtualbox/vbox';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-drivers-'));
const store = new MachineStore(home);

/** what this Linux build machine looks like to the drivers, without depending on what is installed here */
const linuxWithoutHypervisors = () => builtinDrivers({ platform: 'linux', env: { PATH: '/nonexistent', FLOTILLA_HOME: home }, exists: async () => false });

beforeAll(() => {
  for (const d of linuxWithoutHypervisors()) registerDriver(d);
});

afterAll(() => {
  fs.rmSync(home, { recursive: true, force: true });
});

describe('driver registry', () => {
  it('registers container, generic, virtualbox, hyperv and qemu (and hides the import pseudo-driver)', () => {
    expect(listDrivers().map((d) => d.name)).toEqual(['container', 'generic', 'virtualbox', 'hyperv', 'qemu']);
    for (const n of ['virtualbox', 'hyperv', 'qemu', 'docker-machine']) expect(getDriver(n).name).toBe(n);
    expect(() => getDriver('parallels')).toThrow('unknown driver "parallels": available drivers are container, generic, virtualbox, hyperv, qemu');
  });

  it('says "not available here" with the remedy for VirtualBox, Hyper-V and QEMU on a Linux host without them', async () => {
    const checks = Object.fromEntries(await Promise.all(['virtualbox', 'hyperv', 'qemu'].map(async (n) => [n, await driverPrerequisites(getDriver(n))] as const)));
    expect(checks.virtualbox).toEqual([{ name: 'VBoxManage installed', ok: false, detail: 'VBoxManage not found', remedy: NOT_INSTALLED }]);
    expect(checks.hyperv).toEqual([{ name: 'Hyper-V available', ok: false, detail: 'this computer runs linux, not Windows', remedy: NOT_WINDOWS }]);
    expect(checks.qemu).toEqual([
      { name: `qemu-system-${process.arch === 'arm64' ? 'aarch64' : 'x86_64'} installed`, ok: false, detail: expect.stringMatching(/not found on PATH$/) as unknown as string, remedy: expect.stringContaining('sudo apt-get install') as unknown as string },
      { name: 'qemu-img installed', ok: false, detail: 'qemu-img not found on PATH', remedy: 'sudo apt-get install qemu-utils' },
    ]);
    // no hypervisor usable: the default stays the container driver
    expect(await defaultDriverName()).toBe('container');
  });

  it('the contract answers machines.drivers with every driver, its options and prerequisites, in the contract shape', async () => {
    const services = createServices({ transport: 'in-process', home });
    try {
      const list = await machinesHandlers(services)['machines.drivers']({}, { signal: new AbortController().signal });
      const parsed = machinesContract['machines.drivers'].output.parse(list);
      expect(parsed.map((d) => d.name)).toEqual(['container', 'generic', 'virtualbox', 'hyperv', 'qemu']);
      const byName = Object.fromEntries(parsed.map((d) => [d.name, d]));
      expect(byName.qemu?.options.map((o) => o.flag)).toEqual(expect.arrayContaining(['qemu-accel', 'qemu-image', 'qemu-network', 'qemu-subnet', 'qemu-ip']));
      expect(byName.virtualbox?.options.map((o) => o.flag)).toEqual(expect.arrayContaining(['virtualbox-memory', 'virtualbox-hostonly-cidr', 'virtualbox-boot-image']));
      expect(byName.hyperv?.options.map((o) => o.flag)).toEqual(expect.arrayContaining(['hyperv-virtual-switch', 'hyperv-memory']));
      for (const n of ['virtualbox', 'hyperv', 'qemu']) {
        const p = byName[n]!.prerequisites;
        expect(p.length).toBeGreaterThan(0);
        expect(p.every((c) => c.ok || (c.remedy ?? '').length > 10)).toBe(true);
        expect(byName[n]!.default).toBe(false);
      }
    } finally {
      await services.close();
    }
  });

  it('turns a prerequisite check that throws into a failed check instead of a crash', async () => {
    const broken: MachineDriver = { ...getDriver('generic'), name: 'broken', prerequisites: () => Promise.reject(new Error('boom')) };
    expect(await driverPrerequisites(broken)).toEqual([{ name: 'broken prerequisites', ok: false, detail: 'the check itself failed: boom', remedy: expect.any(String) as unknown as string }]);
  });
});

describe('create with a hypervisor that is absent', () => {
  it.each([
    ['virtualbox', NOT_INSTALLED],
    ['hyperv', NOT_WINDOWS],
    ['qemu', 'QEMU is not installed'],
  ])('machine create -d %s fails at once with the remedy and leaves nothing behind', async (driver, message) => {
    const name = `absent-${driver}`;
    await expect(createMachine(store, { name, driver })).rejects.toThrow(message);
    expect(await store.exists(name)).toBe(false);
    expect(await store.names()).toEqual([]);
  });

  it('a one-click swarm with an absent hypervisor fails with the reason and leaves no machine', async () => {
    await expect(createMachineSwarm(store, { name: 'hvswarm', driver: 'hyperv', managers: 1, workers: 1 })).rejects.toThrow(NOT_WINDOWS);
    expect(await store.names()).toEqual([]);
  });
});

describe('slow factor', () => {
  it('is 1 for drivers without one and for unknown drivers, and what the driver says otherwise', () => {
    expect(slowFactorOf('container', { container: 'x' })).toBe(1);
    expect(slowFactorOf('nope', {})).toBe(1);
    expect(slowFactorOf('qemu', { vm: { accel: 'tcg' } })).toBe(5);
    expect(slowFactorOf('qemu', { vm: { accel: 'kvm' } })).toBe(1);
    expect(slowFactorOf('qemu', {})).toBe(1);
    registerDriver({ ...getDriver('generic'), name: 'weird', slowFactor: () => Number.NaN });
    expect(slowFactorOf('weird', {})).toBe(1);
  });
});
