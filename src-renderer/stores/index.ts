// The app's store instances, bound to the one api client. Views import from here;
// tests and benches build their own stores from the factories.
import { useStore } from 'zustand';
import { api } from '../api';
import { createEnginesStore, type EnginesState } from './engines';
import { createClusterStore } from './cluster/store';

export const enginesStore = createEnginesStore(api);
api.onBroadcast('engines.changed', () => void enginesStore.getState().load());

export function useEngines<T>(select: (s: EnginesState) => T): T {
  return useStore(enginesStore, select);
}

export const clusterStore = createClusterStore(api);
