// The managers' raft health at a glance: how many there are, how many answer, the majority needed and the
// failures the swarm tolerates, with a one-line summary of the nodes.
import type { ReactElement } from 'react';
import type { BoardNode } from '../../stores/cluster';
import type { RaftHealth } from './raft';

export function RaftPanel({ h, nodes }: { h: RaftHealth; nodes: readonly BoardNode[] }): ReactElement {
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
