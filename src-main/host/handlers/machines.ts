import type { machinesContract, MachineEvent } from '../../api/domains/machines';
import { FlotillaError } from '../../api/errors';
import type { CallNotes, HandlersFor } from '../types';
import type { Services } from '../services';
import { MachineStore } from '../../core/machines/store';
import * as m from '../../core/machines/commands';
import { machineState } from '../../core/machines/queries';
import { defaultDriverName, driverPrerequisites, getDriver, listDrivers } from '../../core/machines/drivers/index';
import { renderEnv, renderUnset } from '../../core/machines/env';
import type { EngineTarget } from '../../core/engine';
import type { MachineConfig } from '../../core/machines/types';
import type { MachineDriver } from '../../core/machines/drivers/types';

/** The engine target of a machine: its engine over TLS with the store's client certificate. */
export function machineTarget(store: MachineStore, cfg: MachineConfig): EngineTarget | undefined {
  if (!cfg.endpoint) return undefined;
  return { kind: 'tcp', host: cfg.endpoint.docker.host, port: cfg.endpoint.docker.port, tls: m.tlsFilesOf(store, cfg) };
}

/** every driver's options (static data), for front ends that make flags or fields of them before any call */
export function driverOptionTable(): Array<{ name: string; options: ReturnType<MachineDriver['options']> }> {
  return listDrivers().map((d) => ({ name: d.name, options: d.options() }));
}

/** the steps of following a machine to a new address, for a caller in this process (the CLI prints them) */
function addressSteps(notes: CallNotes | undefined, onMove: () => void = () => undefined) {
  return (e: MachineEvent): void => {
    if (!e.step?.startsWith('address ')) return;
    onMove();
    notes?.step?.(`${e.machine}: ${e.step}${e.detail ? ` (${e.detail})` : ''}`);
  };
}

export function machinesHandlers(s: Services): HandlersFor<typeof machinesContract> {
  const store = new MachineStore(s.home);
  // machines show up in the engine directory, reached over TLS
  s.engines.addProvider(async () => {
    const out = [];
    for (const name of await store.names()) {
      const cfg = await store.load(name).catch(() => undefined);
      const target = cfg && cfg.state === 'ready' ? machineTarget(store, cfg) : undefined;
      if (!cfg || !target || target.kind !== 'tcp') continue;
      out.push({ id: `machine:${name}`, name, url: `tcp://${target.host}:${target.port}`, source: 'machine' as const, transport: 'tls' as const, target });
    }
    return out;
  });
  // machines are engines too (see the provider above): when one appears, goes or changes power, the engine
  // list changes, so views that draw engines or swarms (the board, the cluster) reload without a refresh
  const changed = (name?: string, engines = true) => {
    s.broadcast('machines.changed', { name });
    if (engines) s.broadcast('engines.changed', { reason: name ? `machine ${name} changed` : 'machines changed' });
  };
  // The next contact with a machine follows its host to a new address (core followAddress): the CLI hears what was
  // done through notes, every window through machines.changed.
  const follow = async (name: string, notes?: CallNotes): Promise<void> => {
    let moved = false;
    await m.followAddress(store, name, addressSteps(notes, () => (moved = true)));
    if (moved) {
      await s.engines.drop(`machine:${name}`);
      changed(name);
    }
  };
  const stateOf = async (name: string) => ({ name, state: await machineState(store, await store.load(name)).catch(() => 'unknown' as const) });
  return {
    'machines.ls': async ({ timeoutMs }) => m.listMachines(store, { timeoutMs }),
    'machines.create': async (input, emit, { signal }) => {
      const driver = input.driver ?? (await defaultDriverName());
      changed(input.name, false);
      try {
        await m.createMachine(
          store,
          {
            name: input.name,
            driver,
            cpus: input.cpus,
            memoryMb: input.memoryMb,
            diskGb: input.diskGb,
            options: input.options,
            engine: { labels: input.engineLabels, registryMirrors: input.registryMirrors, insecureRegistries: input.insecureRegistries, tlsSans: input.tlsSans },
          },
          emit,
          signal,
        );
        emit({ machine: input.name, step: 'done', done: true });
      } finally {
        changed(input.name);
      }
    },
    'machines.swarmCreate': async ({ name, driver, managers, workers, options }, emit, { signal }) => {
      const d = driver ?? (await defaultDriverName());
      changed(undefined, false);
      try {
        const result = await m.createMachineSwarm(store, { name, driver: d, managers, workers, options }, emit, signal);
        emit({ machine: name, step: 'done', detail: `swarm ${name} ready: ${result.managers.length} manager(s), ${result.workers.length} worker(s)`, done: true, result });
      } finally {
        // machines and their engines appear (or a failed run leaves some): every view reloads its engines
        changed();
      }
    },
    'machines.provision': async ({ name }, emit, { signal }) => {
      await m.provisionMachine(store, name, emit, signal);
      emit({ machine: name, step: 'done', done: true });
      changed(name);
    },
    'machines.regenerateCerts': async ({ name, clientCerts }, emit, { signal }) => {
      await m.regenerateCerts(store, name, { clientCerts }, emit, signal);
      emit({ machine: name, step: 'done', done: true });
      changed(name);
    },
    'machines.start': async ({ name }, { notes }) => {
      await m.powerMachine(store, name, 'start', addressSteps(notes));
      changed(name);
      return stateOf(name);
    },
    'machines.stop': async ({ name }) => {
      await m.powerMachine(store, name, 'stop');
      await s.engines.drop(`machine:${name}`);
      changed(name);
      return stateOf(name);
    },
    'machines.restart': async ({ name }, { notes }) => {
      await s.engines.drop(`machine:${name}`);
      await m.powerMachine(store, name, 'restart', addressSteps(notes));
      changed(name);
      return stateOf(name);
    },
    'machines.kill': async ({ name }) => {
      await m.powerMachine(store, name, 'kill');
      await s.engines.drop(`machine:${name}`);
      changed(name);
      return stateOf(name);
    },
    'machines.rm': async ({ name }) => {
      await s.engines.drop(`machine:${name}`);
      const r = await m.removeMachine(store, name);
      changed(name);
      return r;
    },
    'machines.inspect': async ({ name }, { notes }) => {
      await follow(name, notes);
      return m.inspectMachine(store, name);
    },
    'machines.env': async ({ name, shell, unset }, { notes }) => {
      if (unset) return { vars: {}, text: renderUnset(shell) };
      await follow(name, notes);
      const vars = await m.machineEnv(store, name);
      return { vars: { ...vars }, text: renderEnv(shell, vars, name) };
    },
    'machines.log': async ({ name }) => {
      await store.load(name);
      return { log: await store.readLog(name) };
    },
    'machines.drivers': async () => {
      const def = await defaultDriverName();
      return Promise.all(
        listDrivers().map(async (d) => ({ name: d.name, description: d.description, default: d.name === def, options: d.options(), prerequisites: await driverPrerequisites(getDriver(d.name)) })),
      );
    },
    'machines.status': async ({ name }) => ({ name, state: await machineState(store, await store.load(name)) }),
    'machines.value': async ({ name, what }, { notes }) => {
      await follow(name, notes);
      return { value: await (what === 'ip' ? m.machineIp : what === 'url' ? m.machineUrlOf : m.machineDockerVersion)(store, name) };
    },
    'machines.config': async ({ name }, { notes }) => {
      await follow(name, notes);
      return { flags: await m.machineConfigFlags(store, name) };
    },
    'machines.active': async () => ({ name: (await m.activeMachine(store)) ?? null }),
    'machines.engineTarget': async (input, { notes }) => {
      if ('name' in input) {
        await follow(input.name, notes);
        const cfg = await store.load(input.name);
        const target = machineTarget(store, cfg);
        if (!target || target.kind !== 'tcp' || !target.tls) throw new FlotillaError('PRECONDITION', `machine ${input.name} has no host yet: run \`flotilla machine provision ${input.name}\``);
        return { name: input.name, host: target.host, port: target.port, tls: target.tls };
      }
      // the swarm's other nodes are machines of the same store (a one-click swarm): by address, else by name as hostname
      const { addr, hostname } = input.node;
      for (const name of await store.names()) {
        const cfg = await store.load(name).catch(() => undefined);
        if (!cfg?.endpoint || (cfg.endpoint.ip !== addr && name !== hostname)) continue;
        const target = machineTarget(store, cfg);
        if (target?.kind === 'tcp' && target.tls) return { name, host: target.host, port: target.port, tls: target.tls };
      }
      return null;
    },
    'machines.ssh': async ({ name, command }, emit, { notes }) => {
      await follow(name, notes);
      const r = await m.machineSsh(store, name, command, { onStdout: (d) => emit({ stdout: d }) });
      emit({ exitCode: r.code });
    },
    'machines.sshArgv': async ({ name }, { notes }) => {
      await follow(name, notes);
      return { argv: await m.interactiveSshArgv(store, name) };
    },
    'machines.scp': async ({ from, to, recursive }) => ({ machine: await m.machineScp(store, from, to, { recursive }) }),
    'machines.upgrade': async ({ name }, emit, { signal }) => {
      await m.upgradeMachine(store, name, emit, signal);
      emit({ machine: name, step: 'done', done: true });
      changed(name);
    },
    'machines.set': async (input, { notes }) => {
      const r = await m.resizeMachine(store, input, (e) => e.step && notes?.step?.(`${e.machine}: ${e.step}${e.detail ? ` (${e.detail})` : ''}`));
      changed(input.name);
      return r;
    },
    'machines.swarmMembers': async ({ name }) => ({ members: await m.swarmMembers(store, name) }),
    'machines.swarmRm': async ({ name }) => {
      for (const n of await m.swarmMembers(store, name)) await s.engines.drop(`machine:${n}`);
      const r = await m.removeMachineSwarm(store, name);
      changed();
      return r;
    },
    'machines.import': async ({ from, names }) => {
      const r = await m.importDockerMachines(store, { storePath: from, names });
      changed();
      return r;
    },
  };
}
