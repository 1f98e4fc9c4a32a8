// The cluster model of one swarm (seen through one manager engine), kept live by the 'swarm.model'
// stream: a snapshot, then diffs. Unchanged nodes, services and tasks keep their object identity,
// so memoized board cards skip them.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { FlotillaApi, StreamHandlers } from '../api/client';
import type { BoardModel } from '../views/board/types';
import { applyModelEvent, type ModelEvent } from '../views/board/adapt';

export interface ClusterState {
  engineId?: string;
  status: 'idle' | 'loading' | 'live' | 'error';
  error?: string;
  model: BoardModel;
  watch(engineId: string): void;
  stop(): void;
}

const EMPTY: BoardModel = { nodes: [], services: [], tasks: [] };
type LooseSubscribe = (method: string, params: unknown, handlers: StreamHandlers<unknown>) => () => void;

export function createClusterStore(api: FlotillaApi): StoreApi<ClusterState> {
  let dispose: (() => void) | undefined;
  return createStore<ClusterState>((set, get) => ({
    status: 'idle',
    model: EMPTY,
    watch(engineId) {
      if (get().engineId === engineId && get().status !== 'error' && dispose) return;
      dispose?.();
      set({ engineId, status: 'loading', error: undefined, model: EMPTY });
      try {
        // the swarm domain defines 'swarm.model'; loosely typed here until its ClusterModel settles
        dispose = (api.subscribe as unknown as LooseSubscribe)('swarm.model', { id: engineId }, {
          onEvent: (e) => {
            const next = applyModelEvent(get().model, e as ModelEvent);
            if (next !== get().model || get().status !== 'live') set({ model: next, status: 'live' });
          },
          onError: (err) => {
            dispose = undefined;
            set({ status: 'error', error: err.message });
          },
          onEnd: () => {
            dispose = undefined;
          },
        });
      } catch (e) {
        dispose = undefined;
        set({ status: 'error', error: (e as Error).message });
      }
    },
    stop() {
      dispose?.();
      dispose = undefined;
      set({ status: 'idle' });
    },
  }));
}
