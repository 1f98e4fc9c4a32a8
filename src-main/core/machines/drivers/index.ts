// The driver registry: drivers by name. Every built-in driver is registered here, so the CLI
// (`flotilla machine drivers`, `machine create -d NAME`, `swarm create NAME --driver NAME`), the contract
// (`machines.drivers`, `machines.create`) and the one-click swarm all see the same set.
import { FlotillaError } from '../../../api/errors';
import { containerDriver } from './container';
import { genericDriver } from './generic';
import { createHyperVDriver } from './hyperv';
import { importedDriver } from './imported';
import { createQemuDriver } from './qemu';
import type { DriverData, MachineDriver, PrerequisiteCheck } from './types';
import { createVirtualBoxDriver } from './virtualbox';

const drivers = new Map<string, MachineDriver>();

export function registerDriver(d: MachineDriver): void {
  drivers.set(d.name, d);
}

export interface BuiltinDriverOptions {
  /** where to look for programs (PATH, VBOX_* ...) and Flotilla's data folder (default: process.env) */
  env?: NodeJS.ProcessEnv;
  /** default: process.platform */
  platform?: NodeJS.Platform;
  /** how the VirtualBox driver probes its install folders (default: the file system; tests pass a stand-in) */
  exists?: (file: string) => Promise<boolean>;
}

/**
 * Every driver Flotilla ships, in the order `machine drivers` lists them. The hypervisor drivers are
 * built for this computer: where their hypervisor is absent, their prerequisites say so with the remedy
 * and their create fails at once, before anything is made.
 */
export function builtinDrivers(o: BuiltinDriverOptions = {}): MachineDriver[] {
  const env = o.env ? { env: o.env } : {};
  const platform = o.platform ? { platform: o.platform } : {};
  const exists = o.exists ? { exists: o.exists } : {};
  return [
    containerDriver,
    genericDriver,
    createVirtualBoxDriver({ ...env, ...platform, ...exists }),
    createHyperVDriver({ ...env, ...platform }),
    createQemuDriver({ ...env, ...platform }),
    importedDriver,
  ];
}

for (const d of builtinDrivers()) registerDriver(d);

export function getDriver(name: string): MachineDriver {
  const d = drivers.get(name);
  if (!d) throw new FlotillaError('BAD_INPUT', `unknown driver "${name}": available drivers are ${listDrivers().map((x) => x.name).join(', ')}`);
  return d;
}

/** drivers people can create machines with (the import pseudo-driver is left out) */
export function listDrivers(): MachineDriver[] {
  return [...drivers.values()].filter((d) => d.name !== 'docker-machine');
}

/**
 * A driver's prerequisites that never throw: a check that fails to run is reported as a failed check
 * (with what went wrong), so the create wizard and `machine drivers` always get an answer.
 */
export async function driverPrerequisites(d: MachineDriver, signal?: AbortSignal): Promise<PrerequisiteCheck[]> {
  try {
    return await d.prerequisites(signal);
  } catch (e) {
    return [{ name: `${d.name} prerequisites`, ok: false, detail: `the check itself failed: ${e instanceof Error ? e.message : String(e)}`, remedy: `run \`flotilla machine drivers\` again; if it keeps failing, use another driver` }];
  }
}

/** hypervisor drivers first (when all their prerequisites pass, for qemu that includes hardware acceleration), else `container`. */
export async function defaultDriverName(): Promise<string> {
  for (const name of ['hyperv', 'virtualbox', 'qemu']) {
    const d = drivers.get(name);
    if (!d) continue;
    const checks = await driverPrerequisites(d);
    if (checks.length && checks.every((c) => c.ok)) return name;
  }
  return 'container';
}

/**
 * How many times longer than on a normal host the provisioner should wait for this machine's host
 * (1 = the provisioner's defaults; a qemu VM under tcg software emulation answers several times slower).
 */
export function slowFactorOf(driverName: string, data: DriverData): number {
  const d = drivers.get(driverName);
  const f = d?.slowFactor?.(data) ?? 1;
  return Number.isFinite(f) && f >= 1 ? f : 1;
}
