// One node's column: its header (hostname, role, availability, status, resources, labels) and cards.
// Memoized with a shallow comparison of its cards, so unchanged columns are skipped entirely.
import { memo, useState, type ReactElement } from 'react';
import type { BoardNode } from '../../stores/cluster';
import type { NodeColumn as Column, TaskCardInfo } from './model';
import { TaskCard } from './TaskCard';
import { NodeResources } from '../../components/stats/slots';
import { formatMemory } from '../../components/format-memory';

const gib = formatMemory;

/** what a card shows of its service (a replica count moving does not redraw the columns) */
export interface CardService {
  name: string;
  /** a rolling update runs: cards are tagged old / new */
  updating: boolean;
}

export interface NodeColumnProps {
  column: Column;
  services: Map<string, CardService>;
  /** service id -> colour class (svc-cN) */
  colors: Map<string, string>;
  collapsed: boolean;
  compact: boolean;
  groupByStack: boolean;
  showLabels: boolean;
  onToggle(key: string): void;
  /** drain / activate from the header; absent on the demo and in benches */
  onAvailability?: (node: BoardNode, availability: BoardNode['availability']) => Promise<void>;
  /** a card was opened (click or Enter): show its service */
  onOpenTask?: (serviceId: string) => void;
  /** why the node's own engine is out of contact, while it is */
  lost?: string;
  /** the board's window measures each rendered column (its width follows its content): index and measuring ref */
  index?: number;
  measureRef?: (el: HTMLElement | null) => void;
}

function Cards({ cards, p }: { cards: TaskCardInfo[]; p: NodeColumnProps }): ReactElement {
  return (
    <>
      {cards.map(({ task, oldImage }) => {
        const s = p.services.get(task.serviceId);
        return (
          <TaskCard
            key={task.id}
            task={task}
            serviceName={s?.name ?? task.serviceId.slice(0, 12)}
            colorClass={p.colors.get(task.serviceId) ?? 'svc-none'}
            oldImage={oldImage}
            updating={!!s?.updating}
            compact={p.compact}
            onOpen={p.onOpenTask}
          />
        );
      })}
    </>
  );
}

/** collapsed column: one chip per service with its count */
function Summary({ cards, p }: { cards: TaskCardInfo[]; p: NodeColumnProps }): ReactElement {
  const per = new Map<string, number>();
  for (const c of cards) per.set(c.task.serviceId, (per.get(c.task.serviceId) ?? 0) + 1);
  return (
    <div className="svc-chips">
      {[...per].map(([id, n]) => (
        <span key={id} className={`svc-chip ${p.colors.get(id) ?? 'svc-none'}`}>
          {p.services.get(id)?.name ?? id.slice(0, 12)} <b>{n}</b>
        </span>
      ))}
    </div>
  );
}

/** drain or activate the node, with its pending state and error in the header */
function NodeActions({ node, act }: { node: BoardNode; act: NonNullable<NodeColumnProps['onAvailability']> }): ReactElement {
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  const run = (availability: BoardNode['availability'], verb: string): void => {
    setBusy(verb);
    setError(undefined);
    act(node, availability).then(
      () => setBusy(undefined),
      (e: unknown) => {
        setBusy(undefined);
        setError(e instanceof Error ? e.message : String(e));
      },
    );
  };
  return (
    <div className="node-actions">
      {node.availability === 'active' ? (
        <button className="btn small" disabled={!!busy} onClick={() => run('drain', 'Draining')} title={`Drain ${node.hostname}: its tasks move to other nodes and no new ones come`} data-testid="node-drain">
          {busy ?? 'Drain'}
        </button>
      ) : (
        <button className="btn small" disabled={!!busy} onClick={() => run('active', 'Activating')} title={`Activate ${node.hostname}: it takes tasks again`} data-testid="node-activate">
          {busy ?? 'Activate'}
        </button>
      )}
      {error && (
        <div className="node-action-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

function NodeColumnImpl(p: NodeColumnProps): ReactElement {
  const { column, collapsed } = p;
  const n = column.node;
  const down = n && n.status !== 'ready';
  const cls = `node-col${n?.availability === 'drain' ? ' drained' : ''}${n?.availability === 'pause' ? ' paused' : ''}${down ? ' down' : ''}${p.lost ? ' lost' : ''}${collapsed ? ' collapsed' : ''}`;
  const labels = n ? Object.entries(n.labels) : [];
  return (
    <section className={cls} ref={p.measureRef} data-index={p.index} data-testid="node-column" data-node={n?.hostname ?? 'unplaced'} aria-label={n ? `node ${n.hostname}` : 'tasks not placed on a node'}>
      <header className="node-head">
        <div className="node-title">
          <button className="collapse-btn" onClick={() => p.onToggle(column.key)} aria-expanded={!collapsed} aria-label={collapsed ? 'expand' : 'collapse'}>
            {collapsed ? '▸' : '▾'}
          </button>
          <span className={`dot ${down ? 'tone-err' : 'tone-ok'}`} aria-hidden="true" />
          <h3 title={n?.id}>{n ? n.hostname : 'Not placed yet'}</h3>
          <span className="node-count" title="cards shown / tasks on this node">
            {column.counts.shown === column.counts.total ? column.counts.total : `${column.counts.shown}/${column.counts.total}`}
          </span>
        </div>
        {p.lost && (
          <div className="lost-banner" data-testid="node-lost" title={p.lost}>
            No contact · {p.lost}
          </div>
        )}
        {n && n.availability !== 'active' && (
          <div className={`avail-banner avail-${n.availability}`} data-testid="availability">
            {n.availability === 'drain' ? 'Drained · no tasks' : 'Paused · no new tasks'}
          </div>
        )}
        {n && (
          <div className="node-badges">
            <span className={`badge ${n.role === 'manager' ? 'info' : ''}`}>{n.leader ? 'leader' : n.role}</span>
            <span className={`badge ${down ? 'err' : 'ok'}`}>{n.status}</span>
            <span className="node-res">
              {n.cpus ?? '?'} CPU · {gib(n.memoryBytes)}
            </span>
          </div>
        )}
        {n && <NodeResources nodeId={n.id} />}
        {n && p.onAvailability && <NodeActions node={n} act={p.onAvailability} />}
        {n && p.showLabels && labels.length > 0 && (
          <div className="node-labels">
            {labels.map(([k, v]) => (
              <span key={k} className="label-chip mono">
                {k}
                {v ? `=${v}` : ''}
              </span>
            ))}
          </div>
        )}
        {column.counts.failed > 0 && <div className="node-failed">{column.counts.failed} failed</div>}
      </header>
      <div className="node-body">
        {collapsed ? (
          <Summary cards={column.cards} p={p} />
        ) : column.cards.length === 0 ? (
          <div className="node-empty">{'No tasks'}</div>
        ) : p.groupByStack ? (
          column.groups.map((g) => (
            <div className="stack-group" key={g.stack || '-'}>
              <div className="stack-name">{g.stack || 'no stack'}</div>
              <Cards cards={g.cards} p={p} />
            </div>
          ))
        ) : (
          <Cards cards={column.cards} p={p} />
        )}
      </div>
    </section>
  );
}

function sameCards(a: TaskCardInfo[], b: TaskCardInfo[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].task !== b[i].task || a[i].oldImage !== b[i].oldImage) return false;
  return true;
}

export const NodeColumn = memo(NodeColumnImpl, (a, b) => {
  return (
    a.column.node === b.column.node &&
    sameCards(a.column.cards, b.column.cards) &&
    a.column.counts.total === b.column.counts.total &&
    a.column.counts.failed === b.column.counts.failed &&
    a.services === b.services &&
    a.colors === b.colors &&
    a.collapsed === b.collapsed &&
    a.compact === b.compact &&
    a.groupByStack === b.groupByStack &&
    a.showLabels === b.showLabels &&
    a.onToggle === b.onToggle &&
    a.onAvailability === b.onAvailability &&
    a.lost === b.lost &&
    a.onOpenTask === b.onOpenTask &&
    a.index === b.index &&
    a.measureRef === b.measureRef
  );
});
