// The cluster model of one swarm (seen through one manager engine), kept live by the 'swarm.model'
// stream: a snapshot, then diffs. Unchanged nodes, services and tasks keep their object identity,
// so memoized board cards skip them.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { FlotillaApi } from '../api/client';
import type { BoardModel } from '../views/board/types';
import { applyModelEvent } from '../views/board/adapt';

export interface ClusterState {
  engineId?: string;
  status: 'idle' | 'loading' | 'live' | 'error';
  error?: string;
  model: BoardModel;
  /** sources (the manager, node engines) that dropped, with why; the model resyncs when they return */
  lost: Record<string, string>;
  watch(engineId: string): void;
  stop(): void;
}

const EMPTY: BoardModel = { nodes: [], services: [], tasks: [] };

export function createClusterStore(api: FlotillaApi): StoreApi<ClusterState> {
  let dispose: (() => void) | undefined;
  return createStore<ClusterState>((set, get) => ({
    status: 'idle',
    model: EMPTY,
    lost: {},
    watch(engineId) {
      if (get().engineId === engineId && get().status !== 'error' && dispose) return;
      dispose?.();
      set({ engineId, status: 'loading', error: undefined, model: EMPTY, lost: {} });
      try {
        dispose = api.subscribe('swarm.model', { engineId }, {
          onEvent: (e) => {
            if (e.type === 'source') {
              const lost = { ...get().lost };
              if (e.connected) delete lost[e.source];
              else lost[e.source] = e.error ?? 'disconnected';
              set({ lost });
              return;
            }
            const next = applyModelEvent(get().model, e);
            if (next !== get().model || get().status !== 'live') set({ model: next, status: 'live' });
          },
          onError: (err) => {
            dispose = undefined;
            set({ status: 'error', error: err.message });
          },
          onEnd: () => {
            // the host ended the stream (it restarted, or the watcher stopped): subscribe again for a fresh snapshot
            dispose = undefined;
            if (get().engineId !== engineId || get().status === 'idle') return;
            setTimeout(() => {
              if (get().engineId === engineId && get().status !== 'idle' && !dispose) get().watch(engineId);
            }, 1000);
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
