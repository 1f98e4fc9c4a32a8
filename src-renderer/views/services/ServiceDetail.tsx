// One service: its state, update progress, actions (scale, update image, force update, rollback, logs,
// remove) and its task history like `docker service ps`, all live from the cluster model.
import { useEffect, useRef, useState, type ReactElement } from 'react';
import { api } from '../../api';
import { useNav } from '../../stores/nav';
import type { BoardModel } from '../../stores/cluster';
import { age, serviceColor, shortImage } from '../../components/format';
import { ProgressBar } from '../../components/ProgressBar';
import { StateMessage } from '../../components/StateMessage';
import { UPDATE_LABEL, taskHistory, updateTone } from './history';
import { ServiceActions, type Confirm } from './ServiceActions';
import { TaskDetail } from './TaskDetail';
import { TaskHistoryTable } from './TaskHistory';
import { WhyNotRunning } from './WhyNotRunning';
import { RolloutActions } from '../../components/RolloutActions';
import { PortLinks } from '../../components/PortLinks';
import { rolloutCall } from '../../stores/rollout';

export interface ServiceDetailProps {
  engineId: string;
  serviceId: string;
  model: BoardModel;
  now: number;
  onBack(): void;
}

export function ServiceDetail({ engineId, serviceId, model, now, onBack }: ServiceDetailProps): ReactElement {
  const service = model.services.find((s) => s.id === serviceId);
  const [busy, setBusy] = useState<string>();
  const [notice, setNotice] = useState<{ ok: boolean; text: string }>();
  const [confirm, setConfirm] = useState<Confirm>();
  const [seen, setSeen] = useState(false);
  const [openTask, setOpenTask] = useState<string>();
  const backRef = useRef<HTMLButtonElement>(null);

  useEffect(() => backRef.current?.focus(), [serviceId]);
  useEffect(() => {
    if (service) setSeen(true);
  }, [service]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.target instanceof HTMLTextAreaElement;
      if (e.key === 'Escape' && !typing) {
        if (confirm) setConfirm(undefined);
        else onBack();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [confirm, onBack]);

  if (!service)
    return (
      <div className="svc-detail">
        <button className="btn small" ref={backRef} onClick={onBack}>
          ← Services
        </button>
        {seen ? (
          <StateMessage title="This service is gone">
            <p>It was removed from the swarm (here or elsewhere). Go back to the list to pick another one.</p>
          </StateMessage>
        ) : (
          <StateMessage kind="loading" title="Waiting for the service to appear in the swarm…">
            <p>A service just created shows up within a second or two. If it does not, it may have been removed: go back to the list.</p>
          </StateMessage>
        )}
      </div>
    );

  const name = service.name;
  const run = (label: string, done: string, fn: () => Promise<unknown>): void => {
    setBusy(label);
    setNotice(undefined);
    setConfirm(undefined);
    fn().then(
      (r) => {
        setBusy(undefined);
        const warnings = r && typeof r === 'object' && 'warnings' in r && Array.isArray(r.warnings) ? (r.warnings as string[]) : [];
        setNotice({ ok: true, text: [done, ...warnings].join(' · ') });
      },
      (e: unknown) => {
        setBusy(undefined);
        setNotice({ ok: false, text: e instanceof Error ? e.message : String(e) });
      },
    );
  };

  const doConfirmed = (): void => {
    if (confirm === 'rollback') run('Rolling back…', `Rolling ${name} back to its previous spec`, () => api.invoke('swarm.services.rollback', { engineId, service: service.id }));
    else if (confirm === 'force') run('Restarting…', `Replacing every task of ${name} (force update)`, () => api.invoke('swarm.services.update', { engineId, service: service.id, update: { force: true } }));
    else if (confirm === 'remove')
      run('Removing…', `${name} removed`, async () => {
        await api.invoke('swarm.services.remove', { engineId, service: service.id });
        onBack();
      });
  };
  const openLogs = (): void => useNav.getState().open({ view: 'logs', target: { kind: 'service', engineId, serviceId: service.id, name } });

  const st = service.updateStatus?.state;
  const ok = service.replicas.running >= service.replicas.desired;
  const history = taskHistory(model, service);
  const openRow = history.find((r) => r.task.id === openTask);
  const created = Date.parse(service.createdAt ?? '');
  const updated = Date.parse(service.updatedAt ?? '');
  const confirmText: Record<NonNullable<Confirm>, string> = {
    rollback: `Roll ${name} back to its previous spec (one level back)?`,
    force: `Replace every task of ${name}, even though its spec did not change?`,
    remove: `Remove ${name} and stop all its tasks? This cannot be undone.`,
  };

  return (
    <div className="svc-detail" data-testid="service-detail" data-service={name}>
      <div className="svc-detail-head">
        <button className="btn small" ref={backRef} onClick={onBack} title="Back to the list (Escape)">
          ← Services
        </button>
        <span className="svc-swatch big" style={{ background: serviceColor(name) }} aria-hidden="true" />
        <h2>{name}</h2>
        {service.stack && <span className="badge">stack {service.stack}</span>}
        <span className="badge">{service.mode}</span>
        <span className={`badge ${ok ? 'ok' : service.replicas.running === 0 ? 'err' : 'warn'}`} data-testid="detail-replicas">
          {service.replicas.running}/{service.replicas.desired} running
        </span>
        {st && (
          <span className={`badge ${updateTone(st)}`} data-testid="detail-update">
            {UPDATE_LABEL[st] ?? st}
          </span>
        )}
        <button className="btn small logs-btn" onClick={openLogs} data-testid="service-logs">
          Logs
        </button>
      </div>

      <dl className="kv svc-kv">
        <dt>Image</dt>
        <dd className="mono" title={service.image}>
          {shortImage(service.image)}
        </dd>
        <dt>Ports</dt>
        <dd>
          <PortLinks service={service} nodes={model.nodes} tasks={model.tasks} />
        </dd>
        <dt>Created</dt>
        <dd>{Number.isFinite(created) ? `${age(created, now)} ago` : '–'}</dd>
        <dt>Changed</dt>
        <dd>{Number.isFinite(updated) ? `${age(updated, now)} ago` : '–'}</dd>
        <dt>ID</dt>
        <dd className="mono">{service.id.slice(0, 12)}</dd>
      </dl>

      {st && st !== 'completed' && service.updateStatus && (
        <ProgressBar
          p={{ serviceId: service.id, state: st, updated: service.updateStatus.progress?.n ?? 0, total: service.updateStatus.progress?.m ?? service.replicas.desired, message: service.updateStatus.message }}
          service={service}
        />
      )}
      {st && st !== 'completed' && <RolloutActions service={service} act={rolloutCall(engineId)} onNotice={setNotice} />}
      {st && service.updateStatus?.message && st === 'completed' && <div className="faint">{service.updateStatus.message}</div>}

      <ServiceActions engineId={engineId} service={service} busy={busy} onRun={run} onProblem={(text) => setNotice({ ok: false, text })} onConfirm={setConfirm} />

      {confirm && (
        <div className="confirm" role="alertdialog" aria-label="confirm">
          <span>{confirmText[confirm]}</span>
          <button className={`btn ${confirm === 'remove' ? 'danger' : 'primary'}`} onClick={doConfirmed} autoFocus data-testid="confirm-yes">
            {confirm === 'remove' ? 'Remove' : confirm === 'force' ? 'Force update' : 'Rollback'}
          </button>
          <button className="btn" onClick={() => setConfirm(undefined)}>
            Cancel
          </button>
        </div>
      )}
      <div className="svc-notice" aria-live="polite" data-testid="service-notice">
        {busy && (
          <span>
            <span className="spinner" aria-hidden="true" /> {busy}
          </span>
        )}
        {!busy && notice && <span className={notice.ok ? 'tone-ok' : 'tone-err'}>{notice.text}</span>}
      </div>

      {!ok && <WhyNotRunning engineId={engineId} serviceId={service.id} refreshKey={history.map((r) => `${r.task.id}:${r.task.state}`).join(',')} />}

      <h3>Tasks</h3>
      <TaskHistoryTable history={history} now={now} selected={openTask} onOpen={setOpenTask} />
      {openRow && <TaskDetail engineId={engineId} row={openRow} onClose={() => setOpenTask(undefined)} />}
    </div>
  );
}
