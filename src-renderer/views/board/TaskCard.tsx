// One task on the board. Memoized: it re-renders only when its task object (or old-image flag,
// or colour) changes; its age label ticks by itself (Age), so a 20-task diff touches 20 cards.
import { memo, type ReactElement } from 'react';
import type { BoardTask } from '../../stores/cluster';
import { shortImage, stateTone } from '../../components/format';
import { Age } from './Age';
import { TaskResources } from '../../components/stats/slots';

const ICON: Record<string, string> = {
  running: '●',
  complete: '✓',
  failed: '✕',
  rejected: '⊘',
  shutdown: '■',
  orphaned: '?',
  remove: '■',
  preparing: '◐',
  starting: '◐',
  ready: '◐',
};
export interface TaskCardProps {
  task: BoardTask;
  serviceName: string;
  /** the service's colour class (svc-cN, see board.css) */
  colorClass: string;
  oldImage: boolean;
  updating: boolean;
  compact: boolean;
  /** opens the task's service (click or Enter on the card) */
  onOpen?: (serviceId: string) => void;
}

export const TaskCard = memo(function TaskCard({ task, serviceName, colorClass, oldImage, updating, compact, onOpen }: TaskCardProps): ReactElement {
  const tone = stateTone(task.state);
  const slotName = task.slot !== undefined ? `${serviceName}.${task.slot}` : serviceName;
  const problem = task.error || (tone === 'err' ? task.message : undefined);
  const cls = `task-card ${colorClass} st-${tone}${updating ? (oldImage ? ' old-image' : ' new-image') : ''}${compact ? ' compact' : ''}`;
  return (
    <div
      className={cls}
      data-testid="task-card"
      data-task-id={task.id}
      data-flip={task.slot !== undefined ? `${task.serviceId}.${task.slot}` : task.id}
      data-state={task.state}
      data-image={shortImage(task.image)}
      tabIndex={onOpen ? 0 : undefined}
      role={onOpen ? 'button' : undefined}
      onClick={onOpen ? () => onOpen(task.serviceId) : undefined}
      onKeyDown={
        onOpen
          ? (e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                onOpen(task.serviceId);
              }
            }
          : undefined
      }
      title={`${slotName} · ${task.state}${task.message ? ` · ${task.message}` : ''}\n${task.image}`}
    >
      {/* the card's parts are its own children, placed by a grid (.task-card in cluster-styles.css): two wrappers
          fewer per card, on a board that renders a hundred of them and re-renders some on every change */}
      <span className="task-name">{slotName}</span>
      <span className={`task-state tone-${tone}`}>
        <span aria-hidden="true">{ICON[task.state] ?? '○'}</span> {task.state}
      </span>
      {!compact && (
        <>
          <span className="task-image mono">{shortImage(task.image)}</span>
          {updating && <span className={`img-tag ${oldImage ? 'old' : 'new'}`}>{oldImage ? 'old' : 'new'}</span>}
          <Age className="task-age" from={task.updatedAt} />
        </>
      )}
      {task.state === 'running' && <TaskResources taskId={task.id} />}
      {problem && <div className="task-error">{problem}</div>}
    </div>
  );
});
