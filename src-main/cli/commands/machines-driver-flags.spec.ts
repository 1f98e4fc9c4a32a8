// Each registered driver's options are flags of `flotilla machine create` (the docker-machine way:
// `-d hyperv --hyperv-virtual-switch NAME`, `-d qemu --qemu-accel tcg`), and the one-click
// `swarm create` takes driver options with `-o KEY=VALUE`.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { driverOptionTable } from '../../host/direct';
import { registerMachines } from './machines';

function program(): Command {
  const p = new Command();
  registerMachines(p);
  return p;
}

describe('machine create driver flags', () => {
  it('has a flag for every option of every registered driver', () => {
    const create = program().commands.find((c) => c.name() === 'machine')!.commands.find((c) => c.name() === 'create')!;
    const longs = new Set(create.options.map((o) => o.long));
    for (const d of driverOptionTable()) for (const o of d.options) expect(longs, `${d.name} --${o.flag}`).toContain(`--${o.flag}`);
    for (const f of ['--qemu-accel', '--qemu-image', '--qemu-network', '--virtualbox-hostonly-cidr', '--virtualbox-no-vtx-check', '--hyperv-virtual-switch']) expect(longs).toContain(f);
    expect(create.options.find((o) => o.long === '--virtualbox-no-vtx-check')?.required).toBe(false);
    expect(create.options.find((o) => o.long === '--qemu-accel')?.required).toBe(true);
  });

  it('one-click swarm create takes driver options with -o', () => {
    const swarm = program().commands.find((c) => c.name() === 'swarm')!.commands.find((c) => c.name() === 'create')!;
    expect(swarm.options.find((o) => o.long === '--opt')?.short).toBe('-o');
  });
});
