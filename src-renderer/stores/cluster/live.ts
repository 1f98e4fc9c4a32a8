// The live cluster of the chosen swarm, shared by the Board, Cluster, Services and Stacks views: the swarm
// comes from useSwarmTarget() (one choice for every view), the model from clusterStore ('swarm.model' stream).
import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { clusterStore, useEngines } from '../index';
import { useSwarmTarget, type SwarmTarget } from '../swarm-target';
import type { ClusterState } from './store';
import { currentLost } from './lost';

export interface LiveCluster {
  target: SwarmTarget;
  cluster: ClusterState;
  /** the chosen manager engine's name, as the engines list shows it */
  engineName?: string;
  engineNames: Record<string, string>;
  /** the lost sources that still mean something (not nodes since removed): what LostSources marks */
  lost: Record<string, string>;
  /** subscribe again to the chosen swarm's model (the gate's Reconnect) */
  reconnect(): void;
}

export function useLiveCluster(): LiveCluster {
  const target = useSwarmTarget();
  const cluster = useStore(clusterStore);
  const rows = useEngines((s) => s.rows);
  const engineNames: Record<string, string> = {};
  for (const id of target.managers) engineNames[id] = rows[id]?.summary.name ?? id;
  const engineId = target.engineId;
  useEffect(() => {
    if (engineId) clusterStore.getState().watch(engineId);
  }, [engineId]);
  const lost = useMemo(() => currentLost(cluster.lost, cluster.model.nodes), [cluster.lost, cluster.model.nodes]);
  const reconnect = (): void => {
    if (engineId) clusterStore.getState().watch(engineId);
  };
  return { target, cluster, engineName: engineId ? engineNames[engineId] : undefined, engineNames, lost, reconnect };
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
