// The live cluster of the chosen swarm, shared by the Board, Cluster, Services and Stacks views: the swarm
// comes from useSwarmTarget() (one choice for every view), the model from clusterStore ('swarm.model' stream).
import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { clusterStore, useEngines } from '../index';
import { useSwarmTarget, type SwarmTarget } from '../swarm-target';
import type { ClusterState } from './store';

export interface LiveCluster {
  target: SwarmTarget;
  cluster: ClusterState;
  /** the chosen manager engine's name, as the engines list shows it */
  engineName?: string;
  engineNames: Record<string, string>;
}

export function useLiveCluster(): LiveCluster {
  const target = useSwarmTarget();
  const cluster = useStore(clusterStore);
  const rows = useEngines((s) => s.rows);
  const engineNames: Record<string, string> = {};
  for (const id of target.managers) engineNames[id] = rows[id]?.summary.name ?? id;
  useEffect(() => {
    if (target.engineId) clusterStore.getState().watch(target.engineId);
  }, [target.engineId]);
  return { target, cluster, engineName: target.engineId ? engineNames[target.engineId] : undefined, engineNames };
}

/** subscribe again to the chosen swarm's model (the gate's Reconnect) */
export function reconnectCluster(engineId: string): void {
  clusterStore.getState().watch(engineId);
}

/** a coarse clock for ages: one re-render every `ms` (30 s on the board), not every second */
export function useCoarseNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
