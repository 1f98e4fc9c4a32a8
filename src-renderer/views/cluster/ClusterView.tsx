// The Cluster view: the chosen swarm's nodes, live from the cluster model (stores/cluster), with role, leader,
// availability, status, engine, address, CPU, memory and labels; the managers' raft health at a glance;
// drain/pause/activate, promote/demote (raft arithmetic first), labels and a guided remove.
import { useEffect, useMemo, useState, type ReactElement } from 'react';
import { api } from '../../api';
import { ViewHeader } from '../../components/ViewHeader';
import { StateMessage } from '../../components/StateMessage';
import { InlineError } from '../../components/InlineError';
import { LostSources, SwarmPicker, clusterGate } from '../../components/cluster';
import { useEngines } from '../../stores';
import { isStale, lostNodes, useLiveCluster, type BoardNode } from '../../stores/cluster';
import { useMachines } from '../../stores/machines';
import { useNav } from '../../stores/nav';
import { useUi } from '../../stores/ui';
import { raftHealth, sortNodes } from './raft';
import { RaftPanel } from './RaftPanel';
import { NodeRow, type Availability, type DialogState } from './NodeRow';
import { LabelsDialog, RemoveNodeDialog, RoleDialog } from './NodeDialogs';
import '../../components/data-table.css';
import { useHoldStats } from '../../stores';
import './cluster.css';

/** no swarm yet: say where to make one (the Cluster view is where a newcomer looks first) */
const NO_SWARM = (
  <StateMessage title="No swarm to show" testId="cluster-empty">
    <p>None of the engines Flotilla knows is a swarm manager. Make a swarm of three machines in one click, or add an engine that is a manager.</p>
    <p>
      <button className="btn primary" onClick={() => useUi.getState().setView('machines')}>
        Go to Machines
      </button>{' '}
      <button className="btn" onClick={() => useUi.getState().setView('engines')}>
        See the engines
      </button>
    </p>
  </StateMessage>
);

/** the machines' names: nodes that are Flotilla machines get an SSH button (a machine's hostname is its name) */
function useMachineNames(): Set<string> {
  const machineList = useMachines((s) => s.list);
  useEffect(() => {
    if (useMachines.getState().status === 'idle') void useMachines.getState().load();
  }, []);
  return useMemo(() => new Set(machineList.map((m) => m.name)), [machineList]);
}

/** the node's live CPU and memory (its running tasks', summed), from the stats stream this view holds */
export function ClusterView(): ReactElement {
  const live = useLiveCluster();
  const { engineId } = live.target;
  const { model, lostAt } = live.cluster;
  const rows = useEngines((s) => s.rows);
  const [dialog, setDialog] = useState<DialogState>();
  const [busy, setBusy] = useState<Record<string, string>>({});
  const [actionError, setActionError] = useState<string>();
  const [highlight, setHighlight] = useState<string>();

  // live CPU and memory per node while this view is on screen
  useHoldStats(engineId);
  // another view asked to show a node ("see this node in Cluster")
  useEffect(() => {
    const i = useNav.getState().take('cluster');
    if (i) setHighlight(i.nodeId);
  }, []);

  const nodes = useMemo(() => sortNodes(model.nodes), [model.nodes]);
  const machineNames = useMachineNames();
  const health = useMemo(() => raftHealth(model.nodes), [model.nodes]);
  // a node removed from the swarm is not "lost": the core never says it came back
  const lost = live.lost;
  const lostByHost = useMemo(() => lostNodes(lost), [lost]);
  const stale = isStale({ lost });
  const managerNodeId = engineId ? rows[engineId]?.info?.swarm?.nodeId : undefined;

  const setAvailability = (n: BoardNode, availability: Availability): void => {
    if (!engineId) return;
    const label = { active: 'activating', pause: 'pausing', drain: 'draining' }[availability];
    setBusy((b) => ({ ...b, [n.id]: label }));
    setActionError(undefined);
    api
      .invoke('swarm.nodes.setAvailability', {
        engineId,
        node: n.id,
        availability,
      })
      .catch((e: Error) => setActionError(`${label} ${n.hostname} failed: ${e.message}`))
      .finally(() => setBusy(({ [n.id]: _, ...rest }) => rest));
  };

  const body = clusterGate(live, 'this view', NO_SWARM) ?? (
    <>
      <RaftPanel h={health} nodes={nodes} />
      <LostSources lost={lost} lostAt={lostAt} />
      {actionError && <InlineError onDismiss={() => setActionError(undefined)}>{actionError}</InlineError>}
      <div className={`table-scroll${stale ? ' stale-data' : ''}`} data-stale={stale}>
        <table className="data-table nodes-table" data-testid="nodes-table">
          <thead>
            <tr>
              <th>Node</th>
              <th>Role</th>
              <th>Availability</th>
              <th>Status</th>
              <th>Engine</th>
              <th>Address</th>
              <th className="num">CPU</th>
              <th className="num">Memory</th>
              <th title="CPU and memory its running tasks use now (docker stats, summed)">Usage</th>
              <th>Labels</th>
              <th aria-label="actions" />
            </tr>
          </thead>
          <tbody>
            {nodes.map((n) => (
              <NodeRow
                key={n.id}
                n={n}
                busy={busy[n.id]}
                machine={machineNames.has(n.hostname)}
                highlight={highlight === n.id}
                lost={lostByHost[n.hostname]}
                onAvailability={(a) => setAvailability(n, a)}
                onDialog={setDialog}
              />
            ))}
          </tbody>
        </table>
      </div>
    </>
  );

  const close = (): void => setDialog(undefined);
  return (
    <>
      <ViewHeader title="Cluster" sub={live.engineName ? `swarm via ${live.cluster.via ?? live.engineName}` : undefined} actions={<SwarmPicker live={live} />} />
      <div className="view-body cluster-view">{body}</div>
      {dialog && engineId && dialog.kind === 'role' && <RoleDialog engineId={engineId} node={dialog.node} role={dialog.role} onClose={close} />}
      {dialog && engineId && dialog.kind === 'labels' && <LabelsDialog engineId={engineId} node={dialog.node} onClose={close} />}
      {dialog && engineId && dialog.kind === 'remove' && <RemoveNodeDialog engineId={engineId} node={dialog.node} managerNodeId={managerNodeId} health={health} onClose={close} />}
    </>
  );
}
