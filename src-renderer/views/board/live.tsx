// The live cluster of the chosen swarm, shared by the Board and Services views: the swarm comes from
// useSwarmTarget() (one choice for every view), the model from clusterStore ('swarm.model' stream).
// Also the swarm picker and the states before the model is live (no swarm, loading, error).
import { useEffect, useState, type ReactElement } from 'react';
import { useStore } from 'zustand';
import { clusterStore, useEngines } from '../../stores';
import { useSwarmTarget, type SwarmTarget } from '../../stores/swarm-target';
import type { ClusterState } from '../../stores/cluster';
import { StateMessage } from '../../components/StateMessage';
import { currentLost } from './model';
import type { BoardNode } from './types';

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

/** a select among the swarm managers, when there is more than one; switching here switches every view */
export function SwarmPicker({ live }: { live: LiveCluster }): ReactElement | null {
  const { target, engineNames } = live;
  if (target.managers.length < 2) return null;
  return (
    <select className="select" value={target.engineId} onChange={(e) => target.choose(e.target.value)} aria-label="swarm manager" data-testid="swarm-picker">
      {target.managers.map((id) => (
        <option key={id} value={id}>
          via {engineNames[id]}
        </option>
      ))}
    </select>
  );
}

/** what to show instead of the view while there is no live model; undefined once it is live */
export function clusterGate(live: LiveCluster, what: string): ReactElement | undefined {
  const { target, cluster, engineName } = live;
  if (!target.engineId && target.loading) return <StateMessage kind="loading" title="Looking for a swarm manager…" />;
  if (!target.engineId)
    return (
      <StateMessage title="No swarm to show" testId="no-swarm">
        <p>
          None of the engines Flotilla knows is a swarm manager. Create a swarm in <b>Machines</b> (New swarm), or run <code>docker swarm init</code> on an engine,
          then come back: {what} fills in by itself.
        </p>
      </StateMessage>
    );
  const engineId = target.engineId;
  if (cluster.engineId === engineId && cluster.status === 'error')
    return (
      <StateMessage kind="error" title="The live cluster model stopped">
        <pre>{cluster.error}</pre>
        <p>Check that {engineName ?? engineId} is running and still a swarm manager (Engines view), then reconnect.</p>
        <button className="btn" onClick={() => clusterStore.getState().watch(engineId)}>
          Reconnect
        </button>
      </StateMessage>
    );
  if (cluster.engineId !== engineId || cluster.status !== 'live') return <StateMessage kind="loading" title={`Reading the swarm through ${engineName ?? engineId}…`} />;
  return undefined;
}

/** true while the model has no manager to read from: everything shown is as of `lostAt.manager` */
export function isStale(cluster: Pick<ClusterState, 'lost'>): boolean {
  return 'manager' in cluster.lost;
}

/** node hostname -> why its own engine is out of contact (its column or row is marked) */
export function lostNodes(lost: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [source, why] of Object.entries(lost)) {
    const m = /^node (.+)$/.exec(source);
    if (m) out[m[1]] = why;
  }
  return out;
}

const clock = (at: number): string => new Date(at).toLocaleTimeString();

/**
 * The marks for lost sources: a stale banner while no manager answers (the model on screen is as of that moment),
 * and one line per node engine out of contact (not nodes since removed). They clear when the sources come back.
 */
export function LostSources({ lost, lostAt = {}, nodes }: { lost: Record<string, string>; lostAt?: Record<string, number>; nodes: readonly BoardNode[] }): ReactElement {
  const current = currentLost(lost, nodes);
  const { manager, ...others } = current;
  return (
    <>
      {manager !== undefined && (
        <div className="stale-banner" role="alert" data-testid="stale-banner">
          <b>Stale{lostAt.manager ? ` since ${clock(lostAt.manager)}` : ''}:</b> {manager}. What you see is the swarm as it was then; it updates by itself as soon as a
          manager answers.
        </div>
      )}
      {Object.entries(others).map(([source, why]) => (
        <div className="demo-banner" key={source} role="status" data-testid="lost-source">
          Lost contact with {source}{lostAt[source] ? ` since ${clock(lostAt[source])}` : ''}: {why}. The view resyncs when it comes back.
        </div>
      ))}
    </>
  );
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
