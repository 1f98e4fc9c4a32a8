// The app's store instances, bound to the one api client. Views import from here;
// tests and benches build their own stores from the factories.
import { useEffect } from 'react';
import { useStore } from 'zustand';
import { api } from '../api';
import { createEnginesStore, type EnginesState } from './engines';
import { createClusterStore } from './cluster/store';
import { browserNotifier, createActivityStore, followCluster, type ActivityState } from './activity';
import { useUi } from './ui';
import { createStatsStore, type StatsState } from './stats';

export const enginesStore = createEnginesStore(api);
api.onBroadcast('engines.changed', () => void enginesStore.getState().load());

export function useEngines<T>(select: (s: EnginesState) => T): T {
  return useStore(enginesStore, select);
}

export const clusterStore = createClusterStore(api);

// the activity feed and desktop notifications follow the same live model (stores/activity.ts); clicking a
// notification shows the Activity view
export const activityStore = createActivityStore(browserNotifier, { onOpen: () => useUi.getState().setView('activity') });
followCluster(clusterStore, activityStore.push);

export function useActivity<T>(select: (s: ActivityState) => T): T {
  return useStore(activityStore, select);
}

export const statsStore = createStatsStore(api);

export function useStats<T>(select: (s: StatsState) => T): T {
  return useStore(statsStore, select);
}

/** Keeps the swarm's 'swarm.stats' stream open while the calling view is mounted (and nothing open otherwise). */
export function useHoldStats(engineId: string | undefined): void {
  useEffect(() => (engineId ? statsStore.getState().acquire(engineId) : undefined), [engineId]);
}
