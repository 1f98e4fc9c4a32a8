// One-click swarm: machines NAME-m1..mM and NAME-w1..wW created in parallel, then one swarm
// (the swarm module's createSwarm: init on m1, join the rest). `removeMachineSwarm` removes it all.
import { FlotillaError } from '../../api/errors';
import type { EngineConnection } from '../engine';
import { createSwarm, type CreateProgress } from '../swarm/create';
import type { EventSink } from './context';
import { createMachine, removeMachine, tlsFilesOf } from './lifecycle';
import { validateMachineName } from './names';
import type { MachineStore } from './store';
import { tlsDocker } from './tls-engine';
import type { MachineConfig } from './types';

export interface SwarmCreateOptions {
  name: string;
  driver: string;
  managers: number;
  workers: number;
  options?: Record<string, string | number | boolean>;
}

export function swarmMachineNames(name: string, managers: number, workers: number): { managers: string[]; workers: string[] } {
  return {
    managers: Array.from({ length: managers }, (_, i) => `${name}-m${i + 1}`),
    workers: Array.from({ length: workers }, (_, i) => `${name}-w${i + 1}`),
  };
}

export async function tlsConnection(store: MachineStore, cfg: MachineConfig): Promise<EngineConnection> {
  const ep = cfg.endpoint!.docker;
  const files = tlsFilesOf(store, cfg);
  const docker = await tlsDocker({ ...ep, ...files }, 30_000);
  return {
    url: `tcp://${ep.host}:${ep.port}`,
    target: { kind: 'tcp', host: ep.host, port: ep.port, tls: files },
    docker,
    openChannels: () => 0,
    close: async () => undefined,
  };
}

export async function createMachineSwarm(store: MachineStore, o: SwarmCreateOptions, sink: EventSink = () => undefined, signal?: AbortSignal): Promise<{ managers: string[]; workers: string[]; clusterId: string }> {
  validateMachineName(o.name);
  if (o.managers < 1) throw new FlotillaError('BAD_INPUT', 'a swarm needs at least one manager: --managers 1 or more');
  if (o.managers + o.workers > 20) throw new FlotillaError('BAD_INPUT', 'one-click swarms are limited to 20 machines');
  const names = swarmMachineNames(o.name, o.managers, o.workers);
  const all = [...names.managers, ...names.workers];
  for (const n of all) {
    validateMachineName(n);
    if (await store.exists(n)) throw new FlotillaError('CONFLICT', `machine ${n} already exists: remove the old swarm with \`flotilla swarm rm -y ${o.name}\` or pick another name`);
  }
  const results = await Promise.allSettled(all.map((n) => createMachine(store, { name: n, driver: o.driver, options: o.options, engine: { labels: [`flotilla.swarm=${o.name}`] } }, sink, signal)));
  const failed = results.map((r, i) => ({ r, n: all[i] })).filter((x) => x.r.status === 'rejected');
  if (failed.length) {
    const why = failed.map((f) => `${f.n}: ${((f.r as PromiseRejectedResult).reason as Error).message}`).join('; ');
    throw new FlotillaError('ENGINE', `${failed.length} of ${all.length} machines failed (${why}); fix and run \`flotilla machine provision NAME\`, or \`flotilla swarm rm -y ${o.name}\``);
  }
  const cfgs = new Map<string, MachineConfig>();
  for (const r of results) if (r.status === 'fulfilled') cfgs.set(r.value.name, r.value);
  const endpoint = (n: string) => ({ name: n, advertiseAddr: cfgs.get(n)!.endpoint!.ip, connect: () => tlsConnection(store, cfgs.get(n)!) });
  sink({ machine: o.name, step: 'forming the swarm', detail: `${o.managers} manager(s), ${o.workers} worker(s)` });
  const res = await createSwarm({
    managers: names.managers.map(endpoint),
    workers: names.workers.map(endpoint),
    signal,
    onProgress: (p: CreateProgress) => sink({ machine: p.node, step: `swarm ${p.step}`, detail: p.message }),
  });
  return { ...names, clusterId: res.clusterId };
}

/** Every machine of the one-click swarm NAME (NAME-mN, NAME-wN). */
export async function swarmMembers(store: MachineStore, name: string): Promise<string[]> {
  const re = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-[mw]\\d+$`);
  return (await store.names()).filter((n) => re.test(n));
}

export async function removeMachineSwarm(store: MachineStore, name: string, sink: EventSink = () => undefined): Promise<{ removed: string[]; warnings: string[] }> {
  validateMachineName(name);
  const members = await swarmMembers(store, name);
  if (!members.length) throw new FlotillaError('NOT_FOUND', `no one-click swarm named ${name} (no machines ${name}-m1, ${name}-w1, ...)`);
  const res = await Promise.all(members.map((m) => removeMachine(store, m, sink)));
  return { removed: members, warnings: res.flatMap((r) => r.warnings) };
}
