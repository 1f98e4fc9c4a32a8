// The driver registry: drivers by name. virtualbox, hyperv and qemu register themselves here later.
import { FlotillaError } from '../../../api/errors';
import { containerDriver } from './container';
import { genericDriver } from './generic';
import { importedDriver } from './imported';
import type { MachineDriver } from './types';

const drivers = new Map<string, MachineDriver>();

export function registerDriver(d: MachineDriver): void {
  drivers.set(d.name, d);
}

registerDriver(containerDriver);
registerDriver(genericDriver);
registerDriver(importedDriver);

export function getDriver(name: string): MachineDriver {
  const d = drivers.get(name);
  if (!d) throw new FlotillaError('BAD_INPUT', `unknown driver "${name}": available drivers are ${listDrivers().map((x) => x.name).join(', ')}`);
  return d;
}

/** drivers people can create machines with (the import pseudo-driver is left out) */
export function listDrivers(): MachineDriver[] {
  return [...drivers.values()].filter((d) => d.name !== 'docker-machine');
}

/** hypervisor drivers first (when their prerequisites pass), else `container`. */
export async function defaultDriverName(): Promise<string> {
  for (const name of ['hyperv', 'virtualbox', 'qemu']) {
    const d = drivers.get(name);
    if (!d) continue;
    const checks = await d.prerequisites().catch(() => []);
    if (checks.length && checks.every((c) => c.ok)) return name;
  }
  return 'container';
}
