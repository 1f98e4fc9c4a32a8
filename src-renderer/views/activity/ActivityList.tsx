// The feed's rows: when, what kind, what happened, and links to the node (Cluster), the service (Services)
// and the task (its logs) in the existing views.
import { memo, type ReactElement } from 'react';
import { ACTIVITY_LABELS, type ActivityItem, type ActivityKind } from '../../../src-main/api/activity';
import { useNav } from '../../stores/nav';

const TONE: Record<ActivityKind, string> = {
  'task-failed': 'err',
  'node-down': 'err',
  'node-up': 'ok',
  'node-availability': 'warn',
  'update-paused': 'warn',
  'update-rollback': 'warn',
  'deploy-finished': 'ok',
};

const time = (at: number): string => new Date(at).toLocaleTimeString();

const Row = memo(function Row({ item, engineId }: { item: ActivityItem; engineId?: string }): ReactElement {
  const nav = useNav.getState();
  return (
    <li className={`activity-row tone-${TONE[item.kind]}`} data-testid="activity-item" data-kind={item.kind}>
      <time className="activity-time" dateTime={new Date(item.at).toISOString()} title={new Date(item.at).toLocaleString()}>
        {time(item.at)}
      </time>
      <span className={`badge ${TONE[item.kind]}`}>{ACTIVITY_LABELS[item.kind]}</span>
      <span className="activity-text">
        <span className="activity-title">{item.title}</span>
        {item.detail && <span className="activity-detail">{item.detail}</span>}
      </span>
      <span className="activity-links">
        {item.nodeId && (
          <button className="link" onClick={() => nav.open({ view: 'cluster', nodeId: item.nodeId ?? '' })} data-testid="activity-link-node" title="show this node in Cluster">
            node {item.node ?? item.nodeId.slice(0, 12)}
          </button>
        )}
        {item.serviceId && (
          <button className="link" onClick={() => nav.open({ view: 'services', serviceId: item.serviceId ?? '' })} data-testid="activity-link-service" title="show this service in Services">
            service {item.service ?? item.serviceId.slice(0, 12)}
          </button>
        )}
        {item.taskId && engineId && (
          <button
            className="link"
            onClick={() => nav.open({ view: 'logs', target: { kind: 'task', engineId, taskId: item.taskId ?? '', name: item.title.split(' ')[0] } })}
            data-testid="activity-link-task"
            title="this task's logs"
          >
            task {item.taskId.slice(0, 12)} logs
          </button>
        )}
      </span>
    </li>
  );
});

export function ActivityList({ items, engineId }: { items: readonly ActivityItem[]; engineId?: string }): ReactElement {
  return (
    <ol className="activity-list" aria-label="activity" data-testid="activity-list">
      {items.map((i) => (
        <Row key={i.id} item={i} engineId={engineId} />
      ))}
    </ol>
  );
}
