// The app's one stats store (bound to the api client) and the hook a view calls to hold its stream open.
import { useEffect } from 'react';
import { useStore } from 'zustand';
import { api } from '../../api';
import { createStatsStore, type StatsState } from '../../stores/stats';

export const statsStore = createStatsStore(api);

export function useStats<T>(select: (s: StatsState) => T): T {
  return useStore(statsStore, select);
}

/** Keeps the swarm's 'swarm.stats' stream open while the calling view is mounted (and nothing open otherwise). */
export function useHoldStats(engineId: string | undefined): void {
  useEffect(() => (engineId ? statsStore.getState().acquire(engineId) : undefined), [engineId]);
}
