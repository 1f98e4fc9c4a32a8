// "Why not running": for a service (every task meant to run that is not running) or one task, each node's reason it
// cannot take the task, the engine's own error and the slot's last states (swarm.services.explain / swarm.tasks.explain).
// Asked again when `refreshKey` changes (the tasks' states in the live model), never on a timer.
import { useEffect, useState, type ReactElement } from 'react';
import { api } from '../../api';
import type { ServiceExplanation, TaskExplanation, ExplainReasonKind } from '../../../src-main/api/domains/explain';

export interface WhyNotRunningProps {
  engineId: string;
  /** every task of this service that is not running ... */
  serviceId?: string;
  /** ... or this one task */
  taskId?: string;
  /** changes whenever the tasks concerned change state; the panel asks again then */
  refreshKey: string;
}

type Result = { ok: true; service?: ServiceExplanation; task?: TaskExplanation } | { ok: false; error: string };

const KIND_LABEL: Record<ExplainReasonKind, string> = {
  down: 'node down',
  drain: 'drained',
  pause: 'paused',
  resources: 'resources',
  constraint: 'constraint',
  platform: 'platform',
  'host-port': 'host port',
  'max-replicas': 'max per node',
  image: 'image pull',
  failed: 'failed here',
};

const since = (iso: string): string => {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return s < 90 ? `${s}s ago` : s < 5400 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
};

function TaskWhy({ t }: { t: TaskExplanation }): ReactElement {
  return (
    <div className="why-task" data-testid="why-task" data-task={t.taskId}>
      <div className="why-task-head">
        <span className="mono">{t.name}</span>
        <span className={`badge ${t.running ? 'ok' : t.state === 'pending' ? 'warn' : 'err'}`}>{t.state}</span>
        {t.hostname && <span className="faint">on {t.hostname}</span>}
        <span className="faint mono" title={t.taskId}>
          {t.taskId.slice(0, 12)}
        </span>
      </div>
      <p className="why-summary" data-testid="why-summary">
        {t.summary}
      </p>
      {t.engineError && (
        <p className="why-engine" data-testid="why-engine-error">
          <span className="faint">The engine says: </span>
          <code>{t.engineError}</code>
        </p>
      )}
      {t.nodes.length > 0 && (
        <table className="svc-table why-nodes" aria-label={`nodes for ${t.name}`}>
          <thead>
            <tr>
              <th>Node</th>
              <th title="every scheduler filter passes on this node">Can be placed</th>
              <th>Why not</th>
            </tr>
          </thead>
          <tbody>
            {t.nodes.map((n) => (
              <tr key={n.nodeId} data-testid="why-node" data-node={n.hostname} data-kinds={n.reasons.map((r) => r.kind).join(' ')}>
                <td className="mono">{n.hostname}</td>
                <td className={n.schedulable ? 'tone-ok' : 'tone-err'}>{n.schedulable ? 'yes' : 'no'}</td>
                <td>
                  {n.reasons.length === 0 ? (
                    <span className="faint">nothing stops it</span>
                  ) : (
                    <ul className="why-reasons">
                      {n.reasons.map((r, i) => (
                        <li key={i}>
                          <span className="badge">{KIND_LABEL[r.kind]}</span> {r.text}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {t.history.length > 0 && (
        <details className="why-history">
          <summary>Last states of the slot ({t.history.length})</summary>
          <table className="svc-table" aria-label={`last states of ${t.name}`}>
            <tbody>
              {t.history.map((h) => (
                <tr key={h.taskId} data-testid="why-history-row">
                  <td className="mono">{h.taskId.slice(0, 12)}</td>
                  <td>{h.hostname ?? <span className="faint">not placed</span>}</td>
                  <td>
                    {h.state} <span className="faint">(desired {h.desiredState})</span>
                  </td>
                  <td className="faint">{since(h.at)}</td>
                  <td className="task-err">{h.error ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </div>
  );
}

export function WhyNotRunning({ engineId, serviceId, taskId, refreshKey }: WhyNotRunningProps): ReactElement {
  const [result, setResult] = useState<Result>();
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    const ac = new AbortController();
    // task changes come in bursts (a rejection, then a new task): ask once they settle
    const timer = setTimeout(() => {
      setLoading(true);
      const ask: Promise<Result> = taskId
        ? api.invoke('swarm.tasks.explain', { engineId, task: taskId }, { signal: ac.signal }).then((task) => ({ ok: true as const, task }))
        : api.invoke('swarm.services.explain', { engineId, service: serviceId ?? '' }, { signal: ac.signal }).then((service) => ({ ok: true as const, service }));
      ask
        .catch((e: unknown): Result => ({ ok: false, error: e instanceof Error ? e.message : String(e) }))
        .then((r) => {
          if (ac.signal.aborted) return;
          setResult(r);
          setLoading(false);
        });
    }, 400);
    return () => {
      clearTimeout(timer);
      ac.abort();
    };
  }, [engineId, serviceId, taskId, refreshKey]);

  let body: ReactElement;
  if (!result) body = <p className="faint">Asking the swarm…</p>;
  else if (!result.ok) body = <p className="tone-err">Could not explain: {result.error}</p>;
  else if (result.task) body = result.task.running ? <p className="faint">{result.task.summary}: nothing to explain.</p> : <TaskWhy t={result.task} />;
  else if (result.service) {
    const s = result.service;
    body = (
      <>
        <p className="faint">
          {s.running} of {s.desired} running
          {s.tasks.length ? `; ${s.tasks.length} task${s.tasks.length === 1 ? '' : 's'} not running:` : ': every task meant to run is running.'}
        </p>
        {s.notes.map((n) => (
          <p key={n} className="tone-warn">
            {n}
          </p>
        ))}
        {s.tasks.map((t) => (
          <TaskWhy key={t.taskId} t={t} />
        ))}
      </>
    );
  } else body = <p className="faint">Nothing to explain.</p>;

  return (
    <section className="why-panel" data-testid="why-not-running" aria-label="Why not running" aria-busy={loading}>
      <h3>
        Why not running {loading && <span className="spinner" aria-hidden="true" />}
      </h3>
      {body}
    </section>
  );
}
