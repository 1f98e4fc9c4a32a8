// A service's tasks like `docker service ps`: the current task of each slot, then the ones it replaced.
import type { ReactElement } from 'react';
import { age, stateTone } from '../../components/format';
import type { HistoryRow } from './history';

export interface TaskHistoryProps {
  history: readonly HistoryRow[];
  now: number;
  /** the task whose details are open */
  selected?: string;
  /** a row was clicked (or Enter pressed on it): open that task's details */
  onOpen?(taskId: string): void;
}

export function TaskHistoryTable({ history, now, selected, onOpen }: TaskHistoryProps): ReactElement {
  return history.length === 0 ? (
    <p className="faint">No tasks yet: the orchestrator creates them within seconds, or the service is scaled to 0.</p>
  ) : (
    <table className="svc-table tasks" aria-label="task history" data-testid="task-history">
      <thead>
        <tr>
          <th>Name</th>
          <th>Image</th>
          <th>Node</th>
          <th>Desired</th>
          <th>Current</th>
          <th>Error</th>
        </tr>
      </thead>
      <tbody>
        {history.map((r) => (
          <tr
            key={r.task.id}
            className={`${r.older ? 'older' : ''}${r.task.id === selected ? ' selected' : ''}`}
            data-testid="task-row"
            data-state={r.task.state}
            tabIndex={0}
            title="Task details"
            onClick={() => onOpen?.(r.task.id)}
            onKeyDown={(e) => e.key === 'Enter' && onOpen?.(r.task.id)}
          >
            <td className="mono" title={r.task.id}>
              {r.older ? '\\_ ' : ''}
              {r.name}
            </td>
            <td className="mono">{r.image}</td>
            <td>{r.node || <span className="faint">not placed</span>}</td>
            <td>{r.task.desiredState}</td>
            <td>
              <span className={`tone-${stateTone(r.task.state)}`}>{r.task.state}</span> <span className="faint">{age(r.task.updatedAt, now)} ago</span>
            </td>
            <td className="task-err">{r.task.error ?? (stateTone(r.task.state) === 'err' ? r.task.message : '')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
