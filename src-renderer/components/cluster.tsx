// The cluster views' shared UI over the live model: the states before the model is live (no swarm, loading,
// error), the swarm picker, and the marks for lost sources. Props only: the views pass stores/cluster's
// LiveCluster (useLiveCluster()), which has every field these read.
import type { ReactElement } from 'react';
import { StateMessage } from './StateMessage';

/** the swarm the views show: the chosen manager engine among the managers */
interface SwarmChoice {
  engineId?: string;
  managers: readonly string[];
  /** still finding out which engines are managers */
  loading: boolean;
  choose(id: string): void;
}

/** what the gate and the picker read of the live cluster */
export interface LiveClusterView {
  target: SwarmChoice;
  cluster: { engineId?: string; status: 'idle' | 'loading' | 'live' | 'error'; error?: string };
  engineName?: string;
  engineNames: Record<string, string>;
  reconnect(): void;
}

/** a select among the swarm managers, when there is more than one; switching here switches every view */
export function SwarmPicker({ live }: { live: LiveClusterView }): ReactElement | null {
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

/**
 * What to show instead of the view while there is no live model; undefined once it is live. `what` names what
 * fills in ("the board"); `empty` replaces the no-swarm message (the Cluster view's, with the ways to make one).
 */
export function clusterGate(live: LiveClusterView, what: string, empty?: ReactElement): ReactElement | undefined {
  const { target, cluster, engineName } = live;
  if (!target.engineId && target.loading) return <StateMessage kind="loading" title="Looking for a swarm manager…" />;
  if (!target.engineId)
    return (
      empty ?? (
        <StateMessage title="No swarm to show" testId="no-swarm">
          <p>
            None of the engines Flotilla knows is a swarm manager. Create a swarm in <b>Machines</b> (New swarm), or run <code>docker swarm init</code> on an engine,
            then come back: {what} fills in by itself.
          </p>
        </StateMessage>
      )
    );
  const engineId = target.engineId;
  if (cluster.engineId === engineId && cluster.status === 'error')
    return (
      <StateMessage kind="error" title="The live cluster model stopped">
        <pre>{cluster.error}</pre>
        <p>Check that {engineName ?? engineId} is running and still a swarm manager (Engines view), then reconnect.</p>
        <button className="btn" onClick={live.reconnect}>
          Reconnect
        </button>
      </StateMessage>
    );
  if (cluster.engineId !== engineId || cluster.status !== 'live') return <StateMessage kind="loading" title={`Reading the swarm through ${engineName ?? engineId}…`} />;
  return undefined;
}

const clock = (at: number): string => new Date(at).toLocaleTimeString();

/**
 * The marks for lost sources: a stale banner while no manager answers (the model on screen is as of that moment),
 * and one line per node engine out of contact. `lost` is LiveCluster's (nodes since removed left out). They clear
 * when the sources come back.
 */
export function LostSources({ lost, lostAt = {} }: { lost: Record<string, string>; lostAt?: Record<string, number> }): ReactElement {
  const { manager, ...others } = lost;
  return (
    <>
      {manager !== undefined && (
        <div className="stale-banner" role="alert" data-testid="stale-banner" data-lost-at={lostAt.manager}>
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
