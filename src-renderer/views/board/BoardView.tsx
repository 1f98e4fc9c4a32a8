// The Board view: picks a swarm manager among the known engines and draws its live cluster model.
import { useEffect, useState, type ReactElement } from 'react';
import { useStore } from 'zustand';
import { enginesStore, useEngines, clusterStore } from '../../stores';
import { ViewHeader } from '../../components/ViewHeader';
import { StateMessage } from '../../components/StateMessage';
import { Board } from './Board';
import { makeModel } from './fixture';

/** ?demo=board[&nodes=N&tasks=M] shows a synthetic cluster, clearly marked, to judge the board without a swarm */
const DEMO = new URLSearchParams(location.search).get('demo') === 'board';

/** a coarse clock for card ages: one re-render of the cards every 30 s, not every second */
function useCoarseNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

let demo: ReturnType<typeof makeModel> | undefined;
function demoModel(): ReturnType<typeof makeModel> {
  const q = new URLSearchParams(location.search);
  const num = (k: string, d: number, max: number): number => Math.min(max, Math.max(1, Number(q.get(k)) || d));
  demo ??= makeModel({ nodes: num('nodes', 12, 200), tasks: num('tasks', 90, 5000), now: Date.now() });
  return demo;
}

export function BoardView(): ReactElement {
  const enginesStatus = useEngines((s) => s.status);
  const rows = useEngines((s) => s.rows);
  const order = useEngines((s) => s.order);
  const cluster = useStore(clusterStore);
  const now = useCoarseNow();

  useEffect(() => {
    if (enginesStore.getState().status === 'idle') void enginesStore.getState().load();
  }, []);

  const managers = order.filter((id) => rows[id]?.info?.swarm?.state === 'active' && rows[id]?.info?.swarm?.isManager);
  const stillLoading = enginesStatus !== 'ready' || order.some((id) => rows[id]?.loadingInfo);
  const chosen = cluster.engineId && managers.includes(cluster.engineId) ? cluster.engineId : managers[0];

  useEffect(() => {
    if (chosen) clusterStore.getState().watch(chosen);
  }, [chosen]);

  const picker =
    managers.length > 1 ? (
      <select className="select" value={chosen} onChange={(e) => clusterStore.getState().watch(e.target.value)} aria-label="swarm manager">
        {managers.map((id) => (
          <option key={id} value={id}>
            via {rows[id].summary.name}
          </option>
        ))}
      </select>
    ) : undefined;

  let body: ReactElement;
  if (DEMO)
    body = (
      <>
        <div className="demo-banner">Demo data: a synthetic cluster (remove ?demo=board from the address to see your swarm).</div>
        <Board model={demoModel()} now={now} />
      </>
    );
  else if (!chosen && stillLoading) body = <StateMessage kind="loading" title="Looking for a swarm manager…" />;
  else if (!chosen)
    body = (
      <StateMessage title="No swarm to show">
        <p>
          None of the engines Flotilla knows is a swarm manager. Create a swarm in <b>Machines</b> (New swarm), or run <code>docker swarm init</code> on an engine,
          then come back: the board fills in by itself.
        </p>
      </StateMessage>
    );
  else if (cluster.status === 'error')
    body = (
      <StateMessage kind="error" title="The live cluster model stopped">
        <pre>{cluster.error}</pre>
        <button className="btn" onClick={() => clusterStore.getState().watch(chosen)}>
          Reconnect
        </button>
      </StateMessage>
    );
  else if (cluster.status !== 'live') body = <StateMessage kind="loading" title={`Reading the swarm through ${rows[chosen]?.summary.name ?? chosen}…`} />;
  else
    body = (
      <>
        {Object.entries(cluster.lost).map(([source, why]) => (
          <div className="demo-banner" key={source} role="status">
            Lost contact with {source}: {why}. The board resyncs when it comes back.
          </div>
        ))}
        <Board model={cluster.model} now={now} />
      </>
    );

  return (
    <>
      <ViewHeader title="Board" sub={chosen ? `swarm via ${rows[chosen]?.summary.name ?? chosen}` : undefined} actions={picker} />
      <div className="view-body board-body">{body}</div>
    </>
  );
}
