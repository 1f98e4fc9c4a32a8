// One node in the Cluster view's table: role, availability (with its buttons), status, engine, address, CPU,
// memory and labels, and the actions that open a dialog (promote/demote, labels, remove) or a shell.
import type { ReactElement } from 'react';
import { useNav } from '../../stores/nav';
import type { BoardNode } from '../../stores/cluster';
import { formatMemory } from './raft';
import { NodeBars } from '../../components/stats/ResourceBars';
import { useStats } from '../../stores';

export type Availability = BoardNode['availability'];
export type DialogState = { kind: 'role'; node: BoardNode; role: 'manager' | 'worker' } | { kind: 'labels'; node: BoardNode } | { kind: 'remove'; node: BoardNode };

function statusTone(status: string): string {
  return status === 'ready' ? 'ok' : status === 'down' || status === 'disconnected' ? 'err' : 'warn';
}

export function NodeRow(props: { n: BoardNode; busy?: string; highlight: boolean; machine: boolean; lost?: string; onAvailability(a: Availability): void; onDialog(d: DialogState): void }): ReactElement {
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

/** CPU and memory the node's running tasks use now (docker stats, summed), while the view holds the stats stream */
function NodeUsage({ nodeId }: { nodeId: string }): ReactElement {
  const stats = useStats((st) => st.byNode[nodeId]);
  const error = useStats((st) => st.error);
  return <NodeBars stats={stats} error={error} />;
}
