// A service's rolling update (or rollback): how many of its tasks are on the new spec. The board shows one per
// updating service, the service's page shows its own.
import type { ReactElement } from 'react';

/** one service's rolling update, as the board computes it from the cluster model */
export interface UpdateProgress {
  serviceId: string;
  state: string;
  updated: number;
  total: number;
  message?: string;
}

export function ProgressBar({ p, service }: { p: UpdateProgress; service?: { name: string } }): ReactElement {
  const pct = p.total ? Math.round((100 * p.updated) / p.total) : 0;
  const label: Record<string, string> = {
    updating: 'updating',
    paused: 'update paused',
    rollback_started: 'rolling back',
    rollback_paused: 'rollback paused',
    rollback_completed: 'rolled back',
  };
  const tone = p.state.startsWith('rollback') ? 'warn' : p.state.includes('paused') ? 'err' : 'info';
  return (
    <div className={`update-progress tone-${tone}`} data-testid="update-progress" data-service={service?.name}>
      <span className="up-name">{service?.name ?? p.serviceId}</span>
      <span className="up-state">{label[p.state] ?? p.state}</span>
      <div className="bar" role="progressbar" aria-valuemin={0} aria-valuemax={p.total} aria-valuenow={p.updated}>
        <div style={{ width: `${pct}%` }} />
      </div>
      <span className="up-count">
        {p.updated} of {p.total} updated
      </span>
      {p.message && <span className="up-msg">{p.message}</span>}
    </div>
  );
}
