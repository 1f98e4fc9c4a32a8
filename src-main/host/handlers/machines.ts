import type { machinesContract } from '../../api/domains/machines';
import type { HandlersFor } from '../types';
import type { Services } from '../services';
import { MachineStore } from '../../core/machines/store';
import * as m from '../../core/machines/commands';
import { machineState } from '../../core/machines/queries';
import { defaultDriverName, driverPrerequisites, getDriver, listDrivers } from '../../core/machines/drivers/index';
import { renderEnv, renderUnset } from '../../core/machines/env';
import type { EngineTarget } from '../../core/engine';
import type { MachineConfig } from '../../core/machines/types';

/** The engine target of a machine: its engine over TLS with the store's client certificate. */
export function machineTarget(store: MachineStore, cfg: MachineConfig): EngineTarget | undefined {
  if (!cfg.endpoint) return undefined;
  return { kind: 'tcp', host: cfg.endpoint.docker.host, port: cfg.endpoint.docker.port, tls: m.tlsFilesOf(store, cfg) };
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
    'machines.start': async ({ name }) => {
      await m.powerMachine(store, name, 'start');
      changed(name);
      return stateOf(name);
    },
    'machines.stop': async ({ name }) => {
      await m.powerMachine(store, name, 'stop');
      await s.engines.drop(`machine:${name}`);
      changed(name);
      return stateOf(name);
    },
    'machines.restart': async ({ name }) => {
      await s.engines.drop(`machine:${name}`);
      await m.powerMachine(store, name, 'restart');
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
    'machines.inspect': async ({ name }) => m.inspectMachine(store, name),
    'machines.env': async ({ name, shell, unset }) => {
      if (unset) return { vars: {}, text: renderUnset(shell) };
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
    'machines.import': async ({ from, names }) => {
      const r = await m.importDockerMachines(store, { storePath: from, names });
      changed();
      return r;
    },
  };
}
