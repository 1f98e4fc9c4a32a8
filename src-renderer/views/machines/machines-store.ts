// The long operations running on machines (create, one-click swarm, new certificates), and the drivers;
// the machines list is stores/machines.ts. Operations live here, not in a component, so they keep
// streaming while the person looks at another view, and are still there when they come back.
import { create } from 'zustand';
import { api } from '../../api';
import { useMachines } from '../../stores/machines';
import type { InputOf, OutputOf } from '../../../src-main/api/contract';
import { applyMachineEvent, endOperation, failOperation, newOperation, swarmMachineNames, type Operation } from './progress';

interface OpsState {
  ops: Operation[];
  swarmCreate(input: InputOf<'machines.swarmCreate'> & { managers: number; workers: number }): string;
  machineCreate(input: InputOf<'machines.create'>): string;
  regenerateCerts(name: string): string;
  /** applies a cluster file whose plan the person saw: the same per-machine progress as a new swarm */
  clusterUp(input: InputOf<'cluster.up'>, plan: OutputOf<'cluster.plan'>): string;
  cancel(id: string): void;
  dismiss(id: string): void;
}

let opSeq = 0;
const disposers = new Map<string, () => void>();

export const useOperations = create<OpsState>((set, get) => {
  const update = (id: string, f: (op: Operation) => Operation): void => set((s) => ({ ops: s.ops.map((o) => (o.id === id ? f(o) : o)) }));
  const finish = (id: string): void => {
    disposers.delete(id);
    void useMachines.getState().load();
  };
  const track = (op: Operation, subscribe: (handlers: { onEvent(e: Parameters<typeof applyMachineEvent>[1]): void; onError(e: Error): void; onEnd(): void }) => () => void): string => {
    set((s) => ({ ops: [op, ...s.ops] }));
    try {
      const dispose = subscribe({
        onEvent: (e) => {
          const before = get().ops.find((o) => o.id === op.id);
          update(op.id, (o) => applyMachineEvent(o, e));
          // a machine's first step means it is in the store now (and the swarm step, that all are): list them
          const firstStep = e.step !== undefined && before && (before.machines[e.machine] ? before.machines[e.machine].steps.length === 0 : e.machine === before.name);
          if (firstStep) void useMachines.getState().load();
        },
        onError: (e) => {
          update(op.id, (o) => failOperation(o, e.message));
          finish(op.id);
        },
        onEnd: () => {
          update(op.id, endOperation);
          finish(op.id);
        },
      });
      disposers.set(op.id, dispose);
    } catch (e) {
      update(op.id, (o) => failOperation(o, (e as Error).message));
    }
    return op.id;
  };
  return {
    ops: [],
    swarmCreate(input) {
      const names = swarmMachineNames(input.name, input.managers, input.workers);
      const op = newOperation({ id: `op${++opSeq}`, kind: 'swarm', name: input.name, title: `New swarm ${input.name}`, ...names });
      return track(op, (h) => api.subscribe('machines.swarmCreate', input, h));
    },
    machineCreate(input) {
      const op = newOperation({ id: `op${++opSeq}`, kind: 'create', name: input.name, title: `New machine ${input.name}`, machines: [input.name] });
      return track(op, (h) => api.subscribe('machines.create', input, h));
    },
    regenerateCerts(name) {
      const op = newOperation({ id: `op${++opSeq}`, kind: 'certs', name, title: `New certificates for ${name}`, machines: [name] });
      return track(op, (h) => api.subscribe('machines.regenerateCerts', { name }, h));
    },
    clusterUp(input, plan) {
      // the machines the plan touches, in its order (created, joined, updated, removed); others appear as they report
      const machines = [...new Set(plan.changes.filter((c) => c.kind !== 'stack').map((c) => c.name))];
      // the role each joins as, when the plan says it (init: manager; join: "join as worker")
      const role = (m: string): 'manager' | 'worker' | undefined => {
        const c = plan.changes.find((x) => x.kind === 'swarm' && x.name === m);
        return c?.action === 'init' || c?.action === 'promote' || /as manager/.test(c?.detail ?? '') ? 'manager' : c ? 'worker' : undefined;
      };
      const op = newOperation({
        id: `op${++opSeq}`,
        kind: 'swarm',
        name: plan.name,
        title: `Cluster file ${plan.name}`,
        managers: machines.filter((m) => role(m) === 'manager'),
        workers: machines.filter((m) => role(m) === 'worker'),
        machines: machines.filter((m) => !role(m)),
      });
      return track(op, (h) => api.subscribe('cluster.up', input, h));
    },
    cancel(id) {
      disposers.get(id)?.();
      disposers.delete(id);
      update(id, (o) => (o.status === 'running' ? { ...o, status: 'cancelled', error: 'cancelled: machines made so far are kept; remove them or retry with Provision' } : o));
      void useMachines.getState().load();
    },
    dismiss(id) {
      if (get().ops.find((o) => o.id === id)?.status === 'running') return;
      set((s) => ({ ops: s.ops.filter((o) => o.id !== id) }));
    },
  };
});

export type DriverInfo = OutputOf<'machines.drivers'>[number];

interface DriversState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  error?: string;
  list: DriverInfo[];
  load(): Promise<void>;
}

/** the drivers with their prerequisites, checked when a wizard opens (checks can change: VirtualBox installed since) */
export const useDrivers = create<DriversState>((set) => ({
  status: 'idle',
  list: [],
  async load() {
    set((s) => ({ status: s.list.length ? s.status : 'loading', error: undefined }));
    try {
      set({ status: 'ready', list: await api.invoke('machines.drivers', {}) });
    } catch (e) {
      set({ status: 'error', error: (e as Error).message });
    }
  },
}));

/** a driver is usable when every prerequisite is met */
export const driverUsable = (d: DriverInfo): boolean => d.prerequisites.every((p) => p.ok);
