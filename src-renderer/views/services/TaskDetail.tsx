// One task of a service (opened from its row in the task history): where it is, the engine's status, and why it
// is not running ("Why not running" for this task).
import { useEffect, useRef, type ReactElement } from 'react';
import type { HistoryRow } from './history';
import { WhyNotRunning } from './WhyNotRunning';

export interface TaskDetailProps {
  engineId: string;
  row: HistoryRow;
  onClose(): void;
}

export function TaskDetail({ engineId, row, onClose }: TaskDetailProps): ReactElement {
  const t = row.task;
  const ref = useRef<HTMLElement>(null);
  // opened from a row further up: bring it into view
  useEffect(() => ref.current?.scrollIntoView?.({ block: 'nearest' }), [t.id]);
  return (
    <section ref={ref} className="task-detail" data-testid="task-detail" data-task={t.id} aria-label={`task ${row.name}`}>
      <div className="svc-detail-head">
        <h3>Task {row.name}</h3>
        <span className="badge">{t.state}</span>
        <button className="btn small" onClick={onClose} title="Close the task details">
          Close
        </button>
      </div>
      <dl className="kv svc-kv">
        <dt>ID</dt>
        <dd className="mono">{t.id}</dd>
        <dt>Node</dt>
        <dd>{row.node || <span className="faint">not placed</span>}</dd>
        <dt>Desired</dt>
        <dd>{t.desiredState}</dd>
        <dt>Image</dt>
        <dd className="mono">{row.image}</dd>
        {t.error && (
          <>
            <dt>Error</dt>
            <dd className="tone-err">{t.error}</dd>
          </>
        )}
        {t.message && (
          <>
            <dt>Message</dt>
            <dd>{t.message}</dd>
          </>
        )}
      </dl>
      <WhyNotRunning engineId={engineId} taskId={t.id} refreshKey={`${t.state}:${t.updatedAt}`} />
    </section>
  );
}
