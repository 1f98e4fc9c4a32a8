// Which swarm the cluster views show: a manager engine among the known engines. The person's choice is
// remembered (localStorage); without one, the first manager. Board, Cluster, Services, Stacks and Logs
// all use this one choice, so switching swarms in one view switches them all.
import { useEffect } from 'react';
import { create } from 'zustand';
import { enginesStore, useEngines } from './index';

const KEY = 'flotilla.swarmEngine';

interface ChoiceState {
  chosen?: string;
  choose(id: string): void;
}

export const useSwarmChoice = create<ChoiceState>((set) => {
  let stored: string | undefined;
  try {
    stored = localStorage.getItem(KEY) ?? undefined;
  } catch {
    stored = undefined;
  }
  return {
    chosen: stored,
    choose(id) {
      try {
        localStorage.setItem(KEY, id);
      } catch {
        /* storage disabled */
      }
      set({ chosen: id });
    },
  };
});

export interface SwarmTarget {
  /** the manager engine the views talk to; undefined while loading or when there is no swarm */
  engineId?: string;
  /** every engine that is an active swarm manager, in the engines' order */
  managers: string[];
  /** still finding out which engines are managers */
  loading: boolean;
  choose(id: string): void;
}

export function useSwarmTarget(): SwarmTarget {
  const status = useEngines((s) => s.status);
  const rows = useEngines((s) => s.rows);
  const order = useEngines((s) => s.order);
  const chosen = useSwarmChoice((s) => s.chosen);
  const choose = useSwarmChoice((s) => s.choose);
  useEffect(() => {
    if (enginesStore.getState().status === 'idle') void enginesStore.getState().load();
  }, []);
  const managers = order.filter((id) => rows[id]?.info?.swarm?.state === 'active' && rows[id]?.info?.swarm?.isManager);
  const loading = status !== 'ready' || order.some((id) => rows[id]?.loadingInfo);
  const engineId = chosen && managers.includes(chosen) ? chosen : managers[0];
  return { engineId, managers, loading, choose };
}
