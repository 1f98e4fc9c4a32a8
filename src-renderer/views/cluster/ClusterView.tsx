// The Cluster view: the chosen swarm's nodes, live from the 'swarm.model' stream (clusterStore), with
// role, leader, availability, status, engine, address, CPU, memory and labels; the managers' raft health
// at a glance; drain/pause/activate, promote/demote (raft arithmetic first), labels and a guided remove.
import { useEffect, useMemo, useState, type ReactElement } from 'react';
import { useStore } from 'zustand';
import { api } from '../../api';
import { ViewHeader } from '../../components/ViewHeader';
import { StateMessage } from '../../components/StateMessage';
import { clusterStore, useEngines } from '../../stores';
import { useSwarmTarget } from '../../stores/swarm-target';
import { useNav } from '../../stores/nav';
import { useUi } from '../../stores/ui';
import type { BoardNode } from '../board/types';
import { currentLost } from '../board/model';
import { LostSources, lostNodes } from '../board/live';
import { formatMemory, raftHealth, sortNodes, type RaftHealth } from './raft';
import { LabelsDialog, RemoveNodeDialog, RoleDialog } from './NodeDialogs';
import { useMachines } from '../machines/machines-store';
import { NodeBars } from '../../components/stats/ResourceBars';
import { useHoldStats, useStats } from '../../stores';
import '../machines/machines.css';
import './cluster.css';

type Availability = BoardNode['availability'];
type DialogState = { kind: 'role'; node: BoardNode; role: 'manager' | 'worker' } | { kind: 'labels'; node: BoardNode } | { kind: 'remove'; node: BoardNode };

function RaftPanel({ h, nodes }: { h: RaftHealth; nodes: readonly BoardNode[] }): ReactElement {
  const ready = nodes.filter((n) => n.status === 'ready').length;
  const drained = nodes.filter((n) => n.availability === 'drain').length;
  const paused = nodes.filter((n) => n.availability === 'pause').length;
  return (
    <section className={`raft-panel tone-${h.tone}`} aria-label="managers' raft health" data-testid="raft-health">
      <div className="stat">
        <span className="stat-n" data-testid="raft-managers">
          {h.managers}
        </span>
        <span className="stat-l">managers</span>
      </div>
      <div className="stat">
        <span className="stat-n" data-testid="raft-reachable">
          {h.reachable}
        </span>
        <span className="stat-l">reachable</span>
      </div>
      <div className="stat">
        <span className="stat-n">{h.majority}</span>
        <span className="stat-l">needed (majority)</span>
      </div>
      <div className="stat">
        <span className="stat-n" data-testid="raft-tolerates">
          {h.tolerates}
        </span>
        <span className="stat-l">failures tolerated</span>
      </div>
      <div className="raft-text">
        <span className={`badge ${h.tone}`}>{h.quorum ? 'quorum' : 'no quorum'}</span> {h.summary}
        <div className="muted small">
          {h.leader ? `leader ${h.leader} · ` : ''}
          {nodes.length} node{nodes.length === 1 ? '' : 's'}, {ready} ready
          {drained ? `, ${drained} drained` : ''}
          {paused ? `, ${paused} paused` : ''}
        </div>
      </div>
    </section>
  );
}

function statusTone(status: string): string {
  return status === 'ready' ? 'ok' : status === 'down' || status === 'disconnected' ? 'err' : 'warn';
}

function NodeRow(props: { n: BoardNode; busy?: string; highlight: boolean; machine: boolean; lost?: string; onAvailability(a: Availability): void; onDialog(d: DialogState): void }): ReactElement {
  const { n, busy } = props;
  const labels = Object.entries(n.labels);
  return (
    <tr
      className={`node-row avail-${n.availability} status-${n.status}${props.highlight ? ' highlight' : ''}${props.lost ? ' lost' : ''}`}
      data-testid="node-row"
      data-hostname={n.hostname}
      data-role={n.role}
      data-status={n.status}
      data-availability={n.availability}
    >
      <td className="nowrap">
        <b className="node-host">{n.hostname}</b>
        {n.leader && (
          <span className="badge info" title="the raft leader" data-testid="leader-badge">
            leader
          </span>
        )}
        <div className="mono faint">{n.id.slice(0, 12)}</div>
      </td>
      <td data-testid="node-role">
        <span className={`badge ${n.role === 'manager' ? 'info' : ''}`}>{n.role}</span>
        {n.role === 'manager' && n.reachability && (
          <span className={`reach ${n.reachability === 'reachable' ? 'tone-ok' : 'tone-err'}`} data-testid="node-reachability">
            {n.reachability}
          </span>
        )}
      </td>
      <td className="nowrap">
        <span className="seg" role="group" aria-label={`availability of ${n.hostname}`}>
          {(['active', 'pause', 'drain'] as const).map((a) => (
            <button
              key={a}
              type="button"
              className="btn small"
              aria-pressed={n.availability === a}
              disabled={Boolean(busy) || n.availability === a}
              title={a === 'active' ? 'take tasks again' : a === 'pause' ? 'keep its tasks, take no new ones' : 'move its tasks to other nodes'}
              onClick={() => props.onAvailability(a)}
            >
              {a === 'active' ? 'Active' : a === 'pause' ? 'Pause' : 'Drain'}
            </button>
          ))}
        </span>
        <span className={`avail-state avail-${n.availability}`} data-testid="node-availability">
          {n.availability === 'drain' ? 'drained' : n.availability === 'pause' ? 'paused' : 'active'}
        </span>
      </td>
      <td>
        <span className={`badge ${statusTone(n.status)}`} data-testid="node-status">
          <span className="dot" aria-hidden="true" /> {n.status}
        </span>
        {props.lost && (
          <span className="badge warn" title={props.lost} data-testid="node-lost">
            no contact
          </span>
        )}
      </td>
      <td>{n.engineVersion ?? '—'}</td>
      <td className="mono">{n.addr ?? '—'}</td>
      <td className="num">{n.cpus ?? '—'}</td>
      <td className="num">{formatMemory(n.memoryBytes)}</td>
      <td>
        <NodeUsage nodeId={n.id} />
      </td>
      <td>
        <div className="node-labels-cell">
          {labels.length ? (
            labels.map(([k, v]) => (
              <span key={k} className="label-chip" title={`${k}=${v}`}>
                {v ? `${k}=${v}` : k}
              </span>
            ))
          ) : (
            <span className="faint">none</span>
          )}
        </div>
      </td>
      <td className="row-actions">
        {busy ? (
          <span className="muted">
            <span className="spinner" aria-hidden="true" /> {busy}
          </span>
        ) : (
          <>

            {n.role === 'worker' ? (
              <button type="button" className="btn small" onClick={() => props.onDialog({ kind: 'role', node: n, role: 'manager' })} aria-label={`promote ${n.hostname}`}>
                Promote
              </button>
            ) : (
              <button type="button" className="btn small" onClick={() => props.onDialog({ kind: 'role', node: n, role: 'worker' })} aria-label={`demote ${n.hostname}`}>
                Demote
              </button>
            )}
            {props.machine && (
              <button
                type="button"
                className="btn small"
                title={`a shell on machine ${n.hostname} over SSH`}
                onClick={() => useNav.getState().open({ view: 'terminals', target: { kind: 'machine', machine: n.hostname } })}
              >
                SSH
              </button>
            )}
            <button type="button" className="btn small" onClick={() => props.onDialog({ kind: 'labels', node: n })} aria-label={`labels of ${n.hostname}`}>
              Labels
            </button>
            <button type="button" className="btn small danger-outline" onClick={() => props.onDialog({ kind: 'remove', node: n })} aria-label={`remove ${n.hostname}`}>
              Remove
            </button>
          </>
        )}
      </td>
    </tr>
  );
}

/** the node's live CPU and memory (its running tasks', summed), from the stats stream this view holds */
function NodeUsage({ nodeId }: { nodeId: string }): ReactElement {
  const stats = useStats((s) => s.byNode[nodeId]);
  const error = useStats((s) => s.error);
  return <NodeBars stats={stats} error={error} />;
}

export function ClusterView(): ReactElement {
  const target = useSwarmTarget();
  const { engineId, managers, loading, choose } = target;
  const rows = useEngines((s) => s.rows);
  const enginesStatus = useEngines((s) => s.status);
  const status = useStore(clusterStore, (s) => s.status);
  const error = useStore(clusterStore, (s) => s.error);
  const model = useStore(clusterStore, (s) => s.model);
  const allLost = useStore(clusterStore, (s) => s.lost);
  const lostAt = useStore(clusterStore, (s) => s.lostAt);
  const via = useStore(clusterStore, (s) => s.via);
  const watched = useStore(clusterStore, (s) => s.engineId);
  const [dialog, setDialog] = useState<DialogState>();
  const [busy, setBusy] = useState<Record<string, string>>({});
  const [actionError, setActionError] = useState<string>();
  const [highlight, setHighlight] = useState<string>();

  useEffect(() => {
    if (engineId) clusterStore.getState().watch(engineId);
  }, [engineId]);
  // live CPU and memory per node while this view is on screen
  useHoldStats(engineId);
  // another view asked to show a node ("see this node in Cluster")
  useEffect(() => {
    const i = useNav.getState().take('cluster');
    if (i) setHighlight(i.nodeId);
  }, []);

  const nodes = useMemo(() => sortNodes(model.nodes), [model.nodes]);
  // nodes that are Flotilla machines get an SSH button (a machine's hostname is its name)
  const machineList = useMachines((s) => s.list);
  const machineNames = useMemo(() => new Set(machineList.map((m) => m.name)), [machineList]);
  useEffect(() => {
    if (useMachines.getState().status === 'idle') void useMachines.getState().load();
  }, []);
  const health = useMemo(() => raftHealth(model.nodes), [model.nodes]);
  // a node removed from the swarm is not "lost": the core never says it came back
  const lost = useMemo(() => currentLost(allLost, model.nodes), [allLost, model.nodes]);
  const lostByHost = useMemo(() => lostNodes(lost), [lost]);
  const stale = 'manager' in lost;
  const managerNodeId = engineId ? rows[engineId]?.info?.swarm?.nodeId : undefined;
  const live = status === 'live' && watched === engineId;

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

  const picker =
    managers.length > 1 ? (
      <label className="swarm-picker">
        Swarm via{' '}
        <select className="select" value={engineId} onChange={(e) => choose(e.target.value)} data-testid="swarm-picker">
          {managers.map((id) => (
            <option key={id} value={id}>
              {rows[id]?.summary.name ?? id}
              {rows[id]?.info?.swarm?.clusterId ? ` (cluster ${rows[id].info?.swarm?.clusterId?.slice(0, 8)})` : ''}
            </option>
          ))}
        </select>
      </label>
    ) : engineId ? (
      <span className="muted">via manager {via ?? rows[engineId]?.summary.name ?? engineId}</span>
    ) : undefined;

  let body: ReactElement;
  if (!engineId && (loading || enginesStatus !== 'ready')) body = <StateMessage kind="loading" title="Looking for a swarm manager among the engines…" />;
  else if (!engineId)
    body = (
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
  else if (status === 'error' && watched === engineId)
    body = (
      <StateMessage kind="error" title="Could not watch this swarm">
        <pre>{error}</pre>
        <p>Check that the manager's engine is up (Machines or Engines), or pick another manager, then try again.</p>
        <button className="btn" onClick={() => clusterStore.getState().watch(engineId)}>
          Try again
        </button>
      </StateMessage>
    );
  else if (!live) body = <StateMessage kind="loading" title="Reading the swarm's nodes…" />;
  else
    body = (
      <>
        <RaftPanel h={health} nodes={nodes} />
        <LostSources lost={lost} lostAt={lostAt} nodes={model.nodes} />
        {actionError && (
          <div className="inline-error" role="alert">
            {actionError}{' '}
            <button type="button" className="btn small" onClick={() => setActionError(undefined)}>
              OK
            </button>
          </div>
        )}
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

  return (
    <>
      <ViewHeader title="Cluster" sub={picker} />
      <div className="view-body cluster-view">{body}</div>
      {dialog && engineId && dialog.kind === 'role' && <RoleDialog engineId={engineId} node={dialog.node} role={dialog.role} onClose={() => setDialog(undefined)} />}
      {dialog && engineId && dialog.kind === 'labels' && <LabelsDialog engineId={engineId} node={dialog.node} onClose={() => setDialog(undefined)} />}
      {dialog && engineId && dialog.kind === 'remove' && <RemoveNodeDialog engineId={engineId} node={dialog.node} managerNodeId={managerNodeId} health={health} onClose={() => setDialog(undefined)} />}
    </>
  );
}
