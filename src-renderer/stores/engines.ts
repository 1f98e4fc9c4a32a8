// The engines Flotilla knows, with their info and a live count of engine events.
// Fed by engines.list + engines.info + one engines.events subscription per engine; no polling.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { FlotillaApi } from '../api/client';
import type { EngineInfo, EngineSummary } from '../../src-main/api/domains/engines';

export interface EngineRow {
  summary: EngineSummary;
  info?: EngineInfo;
  infoError?: string;
  loadingInfo: boolean;
  events: number;
  lastEvent?: { type: string; action: string; time: number };
  streamError?: string;
}

export interface EnginesState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  error?: string;
  order: string[];
  rows: Record<string, EngineRow>;
  load(): Promise<void>;
  refreshInfo(id: string): Promise<void>;
  stop(): void;
}

/** Swarm/node events change what engines.info says: refresh it, at most once a second per engine. */
const INFO_EVENTS = new Set(['node', 'swarm']);
const RESUBSCRIBE_MS = 5000;

export function createEnginesStore(api: FlotillaApi): StoreApi<EnginesState> {
  const subs = new Map<string, () => void>();
  const retry = new Map<string, ReturnType<typeof setTimeout>>();
  const infoTimers = new Map<string, ReturnType<typeof setTimeout>>();
  let generation = 0;

  const store = createStore<EnginesState>((set, get) => {
    const patch = (id: string, p: Partial<EngineRow>): void =>
      set((s) => (s.rows[id] ? { rows: { ...s.rows, [id]: { ...s.rows[id], ...p } } } : s));

    const subscribe = (id: string): void => {
      subs.get(id)?.();
      const dispose = api.subscribe(
        'engines.events',
        { id },
        {
          onEvent: (e) => {
            const row = get().rows[id];
            if (!row) return;
            patch(id, { events: row.events + 1, lastEvent: { type: e.type, action: e.action, time: e.time }, streamError: undefined });
            if (INFO_EVENTS.has(e.type) && !infoTimers.has(id)) {
              infoTimers.set(
                id,
                setTimeout(() => {
                  infoTimers.delete(id);
                  void get().refreshInfo(id);
                }, 1000),
              );
            }
          },
          onError: (err) => {
            subs.delete(id);
            patch(id, { streamError: err.message });
            const gen = generation;
            retry.set(
              id,
              setTimeout(() => {
                retry.delete(id);
                if (gen === generation && get().rows[id]) subscribe(id);
              }, RESUBSCRIBE_MS),
            );
          },
          onEnd: () => subs.delete(id),
        },
      );
      subs.set(id, dispose);
    };

    return {
      status: 'idle',
      order: [],
      rows: {},
      async load() {
        const gen = ++generation;
        set({ status: get().order.length ? get().status : 'loading', error: undefined });
        let list: EngineSummary[];
        try {
          list = await api.invoke('engines.list', {});
        } catch (e) {
          if (gen === generation) set({ status: 'error', error: (e as Error).message });
          return;
        }
        if (gen !== generation) return;
        const ids = list.map((e) => e.id);
        // engines that went away: stop their streams
        for (const [id, dispose] of subs) {
          if (!ids.includes(id)) {
            dispose();
            subs.delete(id);
          }
        }
        const prev = get().rows;
        const rows: Record<string, EngineRow> = {};
        for (const summary of list) {
          rows[summary.id] = prev[summary.id] ? { ...prev[summary.id], summary } : { summary, loadingInfo: true, events: 0 };
        }
        set({ status: 'ready', order: ids, rows });
        for (const id of ids) {
          if (!subs.has(id) && !retry.has(id)) subscribe(id);
          void get().refreshInfo(id);
        }
      },
      async refreshInfo(id) {
        try {
          const info = await api.invoke('engines.info', { id });
          patch(id, { info, infoError: undefined, loadingInfo: false });
        } catch (e) {
          patch(id, { infoError: (e as Error).message, loadingInfo: false });
        }
      },
      stop() {
        generation++;
        for (const d of subs.values()) d();
        subs.clear();
        for (const t of [...retry.values(), ...infoTimers.values()]) clearTimeout(t);
        retry.clear();
        infoTimers.clear();
      },
    };
  });
  return store;
}
