// The Board view: the live cluster model of the chosen swarm (useSwarmTarget, shared by every view),
// with drain / activate in the node headers, resume / roll back / force beside each update bar, and a card click
// that opens the task's service.
import { useCallback, useState, type ReactElement } from 'react';
import { api } from '../../api';
import { useNav } from '../../stores/nav';
import { ViewHeader } from '../../components/ViewHeader';
import { Board } from './Board';
import { makeModel } from './fixture';
import { isStale, lostNodes, useLiveCluster, type BoardNode, type BoardService } from '../../stores/cluster';
import { RolloutActions, type RolloutNoticeValue } from '../../components/RolloutActions';
import { RolloutNotice } from '../../components/RolloutNotice';
import { rolloutCall } from '../../stores/rollout';
import { LostSources, SwarmPicker, clusterGate } from '../../components/cluster';
import { ResourceSlotsContext } from '../../components/stats/slots';
import { useHoldStats } from '../../stores';
import { LiveStatsToggle, useBoardResources } from './resources';
import './board.css';

/** ?demo=board[&nodes=N&tasks=M] shows a synthetic cluster, clearly marked, to judge the board without a swarm */
const DEMO = new URLSearchParams(location.search).get('demo') === 'board';

let demo: ReturnType<typeof makeModel> | undefined;
function demoModel(): ReturnType<typeof makeModel> {
  const q = new URLSearchParams(location.search);
  const num = (k: string, d: number, max: number): number => Math.min(max, Math.max(1, Number(q.get(k)) || d));
  demo ??= makeModel({ nodes: num('nodes', 12, 200), tasks: num('tasks', 90, 5000), now: Date.now() });
  return demo;
}

export function BoardView(): ReactElement {
  const live = useLiveCluster();
  const engineId = live.target.engineId;
  // the stats stream runs while the board is on screen (and stops when it is not)
  useHoldStats(DEMO ? undefined : engineId);
  const resources = useBoardResources();

  const onAvailability = useCallback(
    async (node: BoardNode, availability: BoardNode['availability']): Promise<void> => {
      if (!engineId) return;
      await api.invoke('swarm.nodes.setAvailability', { engineId, node: node.id, availability });
    },
    [engineId],
  );
  const onOpenTask = useCallback((serviceId: string) => useNav.getState().open({ view: 'services', serviceId }), []);
  // what a rollout action did stays above the board: its update bar goes away when the engine finishes
  const [rolloutNotice, setRolloutNotice] = useState<RolloutNoticeValue>();
  const dismissNotice = useCallback(() => setRolloutNotice(undefined), []);
  const rolloutActions = useCallback((service: BoardService) => (engineId ? <RolloutActions service={service} compact act={rolloutCall(engineId)} onNotice={setRolloutNotice} /> : null), [engineId]);

  let body: ReactElement;
  const gate = DEMO ? undefined : clusterGate(live, 'the board');
  if (DEMO)
    body = (
      <>
        <div className="demo-banner">Demo data: a synthetic cluster (remove ?demo=board from the address to see your swarm).</div>
        <Board model={demoModel()} />
      </>
    );
  else if (gate) body = gate;
  else
    body = (
      <>
        <LostSources lost={live.lost} lostAt={live.cluster.lostAt} />
        <RolloutNotice notice={rolloutNotice} onDismiss={dismissNotice} />
        <div className={isStale(live.cluster) ? 'stale-data' : undefined} data-testid="board-data" data-stale={isStale(live.cluster)}>
          <ResourceSlotsContext.Provider value={resources}>
            <Board model={live.cluster.model} lostNodes={lostNodes(live.cluster.lost)} onAvailability={onAvailability} onOpenTask={onOpenTask} rolloutActions={rolloutActions} />
          </ResourceSlotsContext.Provider>
        </div>
      </>
    );

  return (
    <>
      <ViewHeader
        title="Board"
        sub={!DEMO && live.engineName ? `swarm via ${live.cluster.via ?? live.engineName}` : undefined}
        actions={
          DEMO ? undefined : (
            <>
              <LiveStatsToggle />
              <SwarmPicker live={live} />
            </>
          )
        }
      />
      <div className="view-body board-body">{body}</div>
    </>
  );
}
