// `machine set NAME --cpus N --memory SIZE --disk SIZE`: a machine's size after it was made (issue 19). The rules
// every driver shares live here (what may change, when, and the disk only growing); each driver applies the change
// its own way (container: the engine's update, live; VMs: their hypervisor's settings and disk tool, while stopped).
import { FlotillaError } from '../../api/errors';
import type { z } from 'zod';
import type { MachineResize, MachineResizeResult } from '../../api/domains/machines';
import { getDriver } from './drivers/index';
import type { ResizeChange } from './drivers/types';
import type { EventSink } from './context';
import { machineState } from './queries';
import { ctxFor } from './lifecycle';
import type { MachineStore } from './store';

type Request = z.output<typeof MachineResize>;
type Result = z.output<typeof MachineResizeResult>;

export async function resizeMachine(store: MachineStore, req: Request, sink: EventSink = () => undefined): Promise<Result> {
  const { name } = req;
  const cfg = await store.load(name);
  const current = { cpus: cfg.spec.cpus, memoryMb: cfg.spec.memoryMb, diskGb: cfg.spec.diskGb };
  if (req.cpus === undefined && req.memoryMb === undefined && req.diskGb === undefined) throw new FlotillaError('BAD_INPUT', `nothing to change: give --cpus N, --memory SIZE or --disk SIZE (e.g. flotilla machine set ${name} --memory 2g)`);
  if (cfg.imported) throw new FlotillaError('UNSUPPORTED', `machine ${name} was imported from docker-machine: resize it with its own hypervisor's tools`);
  const driver = getDriver(cfg.driver);
  if (!driver.resize) throw new FlotillaError('UNSUPPORTED', cfg.driver === 'generic' ? `machine ${name} is a generic host that Flotilla did not make: resize it where it runs (its cloud console or hypervisor)` : `the ${cfg.driver} driver cannot resize machines`);
  if (req.diskGb !== undefined && req.diskGb < current.diskGb) throw new FlotillaError('BAD_INPUT', `the disk of ${name} can only grow: it has ${current.diskGb} GB; give --disk ${current.diskGb}g or more (shrinking would lose data)`);
  const change: ResizeChange = { current };
  if (req.cpus !== undefined && req.cpus !== current.cpus) change.cpus = req.cpus;
  if (req.memoryMb !== undefined && req.memoryMb !== current.memoryMb) change.memoryMb = req.memoryMb;
  if (req.diskGb !== undefined && req.diskGb !== current.diskGb) change.diskGb = req.diskGb;
  if (change.cpus === undefined && change.memoryMb === undefined && change.diskGb === undefined) return { name, spec: current, changes: [], notes: [`${name} already has that size: nothing changed`] };
  const state = await machineState(store, cfg);
  if (!driver.resizeLive && state !== 'stopped') {
    const fix = state === 'running' || state === 'paused' || state === 'saved' ? `stop it first (flotilla machine stop ${name}), run this again, then start it (flotilla machine start ${name})` : `it must be stopped; fix its state first (flotilla machine ls shows it)`;
    throw new FlotillaError('PRECONDITION', `${name} is a ${cfg.driver} VM and is ${state}: a VM is resized only while stopped; ${fix}`);
  }
  if (driver.resizeLive && state !== 'running' && state !== 'stopped') throw new FlotillaError('PRECONDITION', `${name} is ${state}: start or stop it first (flotilla machine start ${name})`);
  const ctx = await ctxFor(store, cfg, sink, new AbortController().signal);
  ctx.step('resizing', describe(change));
  let outcome;
  try {
    outcome = await driver.resize(cfg.driverData, change, ctx);
  } finally {
    await ctx.flush();
  }
  const after = await store.update(name, (c) => {
    if (change.cpus !== undefined) c.spec.cpus = change.cpus;
    if (change.memoryMb !== undefined) c.spec.memoryMb = change.memoryMb;
    if (change.diskGb !== undefined) c.spec.diskGb = change.diskGb;
    if (outcome.data) c.driverData = outcome.data;
  });
  const how = driver.resizeLive ? ' (applied live)' : ' (from the next start)';
  const changes = [
    ...(change.cpus !== undefined ? [`cpus ${current.cpus} -> ${change.cpus}${how}`] : []),
    ...(change.memoryMb !== undefined ? [`memory ${current.memoryMb} MB -> ${change.memoryMb} MB${how}`] : []),
    ...(change.diskGb !== undefined ? [`disk ${current.diskGb} GB -> ${change.diskGb} GB`] : []),
  ];
  return { name, spec: { cpus: after.spec.cpus, memoryMb: after.spec.memoryMb, diskGb: after.spec.diskGb }, changes, notes: outcome.notes };
}

function describe(c: ResizeChange): string {
  return [c.cpus !== undefined ? `${c.cpus} CPU` : '', c.memoryMb !== undefined ? `${c.memoryMb} MB` : '', c.diskGb !== undefined ? `${c.diskGb} GB disk` : ''].filter(Boolean).join(', ');
}
