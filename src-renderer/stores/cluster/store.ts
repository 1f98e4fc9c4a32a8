// The cluster model of one swarm (seen through one manager engine), kept live by the 'swarm.model'
// stream: a snapshot, then diffs. Unchanged nodes, services and tasks keep their object identity,
// so memoized board cards skip them.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { FlotillaApi } from '../../api/client';
import type { BoardModel } from './types';
import { applyModelEvent } from './adapt';

export interface ClusterState {
  engineId?: string;
  status: 'idle' | 'loading' | 'live' | 'error';
  error?: string;
  model: BoardModel;
  /** sources (the manager, node engines) that dropped, with why; the model resyncs when they return */
  lost: Record<string, string>;
  /** when each lost source dropped (ms since the epoch): with source 'manager' lost, the whole model is stale since then */
  lostAt: Record<string, number>;
  /** the manager the model reads from now (the core moves to another one when it stops answering) */
  via?: string;
  /** follow this swarm's model (no-op if already); `keep` re-subscribes keeping the model on screen */
  watch(engineId: string, keep?: boolean): void;
  /** subscribe again (a fresh snapshot), keeping the current model on screen until it arrives */
  resync(): void;
  stop(): void;
}

/** a task meant to run that is between states (pending excluded: it can wait for a node indefinitely), a
 * task still running that should stop, or a service rolling: news must come, silence means a quiet stream */
function midTransition(m: BoardModel): boolean {
  const between = ['new', 'assigned', 'accepted', 'preparing', 'ready', 'starting'];
  return (
    m.tasks.some((t) => (['running', 'ready', 'accepted'].includes(t.desiredState) && between.includes(t.state)) || (t.desiredState === 'shutdown' && t.state === 'running')) ||
    m.services.some((s) => s.updateStatus?.state === 'updating' || s.updateStatus?.state === 'rollback_started')
  );
}

const EMPTY: BoardModel = { nodes: [], services: [], tasks: [] };

export function createClusterStore(api: FlotillaApi, opts: { stuckMs?: number } = {}): StoreApi<ClusterState> {
  let dispose: (() => void) | undefined;
  let lastEventAt = 0;
  let watchdog: ReturnType<typeof setInterval> | undefined;
  const stuckMs = opts.stuckMs ?? 30_000;
  return createStore<ClusterState>((set, get) => ({
    status: 'idle',
    model: EMPTY,
    lost: {},
    lostAt: {},
    resync() {
      const engineId = get().engineId;
      if (!engineId) return;
      dispose?.();
      dispose = undefined;
      get().watch(engineId, true);
    },
    watch(engineId: string, keep = false) {
      if (!keep && get().engineId === engineId && get().status !== 'error' && dispose) return;
      dispose?.();
      if (keep) set({ engineId, error: undefined });
      else set({ engineId, status: 'loading', error: undefined, model: EMPTY, lost: {}, lostAt: {}, via: undefined });
      lastEventAt = Date.now();
      // Safety net: a task seen mid-transition with no news for this long means the stream went quiet
      // (seen in e2e runs after a drain: the swarm had the tasks running, the stream never said so).
      watchdog ??= setInterval(() => {
        const st = get();
        if (st.status === 'live' && Date.now() - lastEventAt > stuckMs && midTransition(st.model)) st.resync();
      }, Math.max(1000, stuckMs / 3));
      try {
        dispose = api.subscribe('swarm.model', { engineId }, {
          onEvent: (e) => {
            lastEventAt = Date.now();
            if (e.type === 'source') {
              const lost = { ...get().lost };
              const lostAt = { ...get().lostAt };
              if (e.connected) {
                delete lost[e.source];
                delete lostAt[e.source];
              } else {
                lost[e.source] = e.error ?? 'disconnected';
                // the first loss dates the staleness; a later message (e.g. "no manager answers") keeps that date
                lostAt[e.source] ??= e.at;
              }
              set({ lost, lostAt, ...(e.via ? { via: e.via } : {}) });
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
      if (watchdog) clearInterval(watchdog);
      watchdog = undefined;
      set({ status: 'idle' });
    },
  }));
}
