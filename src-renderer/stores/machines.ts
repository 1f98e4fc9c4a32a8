// The machines list (machines.ls, reloaded on 'machines.changed'): the Machines view lists them, the Cluster
// view offers an SSH button on the nodes that are machines.
import { create } from 'zustand';
import { api } from '../api';
import type { MachineSummary } from '../../src-main/api/domains/machines';

interface MachinesState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  error?: string;
  list: MachineSummary[];
  load(): Promise<void>;
}

let loadGen = 0;
export const useMachines = create<MachinesState>((set, get) => ({
  status: 'idle',
  list: [],
  async load() {
    const gen = ++loadGen;
    if (get().status !== 'ready') set({ status: 'loading', error: undefined });
    try {
      const list = await api.invoke('machines.ls', {});
      if (gen === loadGen) set({ status: 'ready', list, error: undefined });
    } catch (e) {
      if (gen === loadGen) set({ status: 'error', error: (e as Error).message });
    }
  },
}));

api.onBroadcast('machines.changed', () => {
  if (useMachines.getState().status !== 'idle') void useMachines.getState().load();
});
