// Live resources of the chosen swarm ('swarm.stats' stream), shared by the Board and the Cluster view. The stream
// runs only while a view holds it (acquire/release, counted): when the last one lets go it is disposed after a short
// grace (switching between Board and Cluster keeps it), and the host closes every engine stats stream it opened.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { FlotillaApi } from '../api/client';
import type { NodeStats, TaskStats } from '../../src-main/api/domains/stats';

export interface StatsState {
  engineId?: string;
  /** node id -> its figures (the sum of its running tasks, against its CPUs and memory) */
  byNode: Record<string, NodeStats>;
  /** task id -> its figures */
  byTask: Record<string, TaskStats>;
  /** when the last sample was taken (ms since the epoch) */
  at?: number;
  error?: string;
  /** the Board's task cards show their CPU and memory (the toggle; remembered) */
  showOnCards: boolean;
  setShowOnCards(v: boolean): void;
  /** hold the stream of this swarm open; call the returned function to let go */
  acquire(engineId: string): () => void;
}

const CARDS_KEY = 'flotilla.board.taskStats';

function remembered(): boolean {
  try {
    return localStorage.getItem(CARDS_KEY) === '1';
  } catch {
    return false;
  }
}

export function createStatsStore(api: FlotillaApi, opts: { graceMs?: number; retryMs?: number } = {}): StoreApi<StatsState> {
  const graceMs = opts.graceMs ?? 2000;
  const retryMs = opts.retryMs ?? 5000;
  let holders = 0;
  let dispose: (() => void) | undefined;
  let stopTimer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  return createStore<StatsState>((set, get) => {
    const stop = (): void => {
      dispose?.();
      dispose = undefined;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = undefined;
    };
    const again = (engineId: string, ms: number): void => {
      retryTimer = setTimeout(() => {
        retryTimer = undefined;
        if (holders > 0 && get().engineId === engineId && !dispose) start(engineId);
      }, ms);
    };
    const start = (engineId: string): void => {
      stop();
      try {
        dispose = api.subscribe(
          'swarm.stats',
          { engineId },
          {
            onEvent: (s) => {
              const byNode: Record<string, NodeStats> = {};
              const byTask: Record<string, TaskStats> = {};
              for (const n of s.nodes) {
                byNode[n.id] = n;
                for (const t of n.tasks) byTask[t.id] = t;
              }
              set({ byNode, byTask, at: s.at, error: undefined });
            },
            onError: (e) => {
              dispose = undefined;
              set({ error: e.message });
              again(engineId, retryMs);
            },
            onEnd: () => {
              dispose = undefined;
              again(engineId, 1000);
            },
          },
        );
      } catch (e) {
        dispose = undefined;
        set({ error: (e as Error).message });
      }
    };
    return {
      byNode: {},
      byTask: {},
      showOnCards: remembered(),
      setShowOnCards(v) {
        try {
          localStorage.setItem(CARDS_KEY, v ? '1' : '0');
        } catch {
          /* storage disabled: not remembered */
        }
        set({ showOnCards: v });
      },
      acquire(engineId) {
        holders++;
        if (stopTimer) clearTimeout(stopTimer);
        stopTimer = undefined;
        if (get().engineId !== engineId) {
          stop();
          set({ engineId, byNode: {}, byTask: {}, at: undefined, error: undefined });
        }
        if (!dispose && !retryTimer) start(engineId);
        let released = false;
        return () => {
          if (released) return;
          released = true;
          holders--;
          if (holders > 0) return;
          stopTimer = setTimeout(() => {
            stopTimer = undefined;
            if (holders === 0) stop();
          }, graceMs);
        };
      },
    };
  });
}
