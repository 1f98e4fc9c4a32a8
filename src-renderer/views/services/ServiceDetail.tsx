// One service: its state, update progress, actions (scale, update image, force update, rollback, logs,
// remove) and its task history like `docker service ps`, all live from the cluster model.
import { useEffect, useRef, useState, type ReactElement } from 'react';
import { api } from '../../api';
import { useNav } from '../../stores/nav';
import type { BoardModel } from '../../stores/cluster';
import { age, serviceColor, shortImage, stateTone } from '../../components/format';
import { ProgressBar } from '../../components/ProgressBar';
import { StateMessage } from '../../components/StateMessage';
import { UPDATE_LABEL, portsText, taskHistory, updateTone } from './history';
import { validateImageUpdate } from './form';

export interface ServiceDetailProps {
  engineId: string;
  serviceId: string;
  model: BoardModel;
  now: number;
  onBack(): void;
}

type Confirm = 'rollback' | 'force' | 'remove' | undefined;

export function ServiceDetail({ engineId, serviceId, model, now, onBack }: ServiceDetailProps): ReactElement {
  const service = model.services.find((s) => s.id === serviceId);
  const [busy, setBusy] = useState<string>();
  const [notice, setNotice] = useState<{ ok: boolean; text: string }>();
  const [confirm, setConfirm] = useState<Confirm>();
  const [replicas, setReplicas] = useState('');
  const [image, setImage] = useState('');
  const [parallelism, setParallelism] = useState('1');
  const [delay, setDelay] = useState('');
  const [seen, setSeen] = useState(false);
  const backRef = useRef<HTMLButtonElement>(null);

  useEffect(() => backRef.current?.focus(), [serviceId]);
  useEffect(() => {
    if (service) setSeen(true);
  }, [service]);
  // prefill once per service, then leave the person's typing alone
  const desired = service?.replicas.desired;
  const currentImage = service ? shortImage(service.image) : '';
  useEffect(() => setReplicas(desired === undefined ? '' : String(desired)), [serviceId, desired]);
  useEffect(() => setImage(currentImage), [serviceId, currentImage]);

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

  const scale = (): void => {
    if (!/^\d+$/.test(replicas.trim())) return setNotice({ ok: false, text: 'replicas: a whole number, 0 or more' });
    const n = Number(replicas.trim());
    run('Scaling…', `Scaling ${name} to ${n}`, () => api.invoke('swarm.services.scale', { engineId, service: service.id, replicas: n }));
  };
  const updateImage = (): void => {
    const r = validateImageUpdate({ image, parallelism, delay });
    if (!r.update) return setNotice({ ok: false, text: r.error ?? 'invalid update' });
    const update = r.update;
    run('Updating…', `Rolling ${name} to ${update.image}: watch the progress here and on the Board`, () => api.invoke('swarm.services.update', { engineId, service: service.id, update }));
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
        <dd className="mono">{portsText(service.ports) || 'none published'}</dd>
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
      {st && service.updateStatus?.message && st === 'completed' && <div className="faint">{service.updateStatus.message}</div>}

      <div className="svc-actions" aria-label="actions">
        {service.mode === 'replicated' && (
          <form
            className="action-box"
            onSubmit={(e) => {
              e.preventDefault();
              scale();
            }}
          >
            <label htmlFor="svc-scale">Replicas</label>
            <input id="svc-scale" className="input narrow" type="number" min={0} value={replicas} onChange={(e) => setReplicas(e.target.value)} />
            <button className="btn" type="submit" disabled={!!busy} data-testid="scale-submit">
              Scale
            </button>
          </form>
        )}
        <form
          className="action-box grow"
          onSubmit={(e) => {
            e.preventDefault();
            updateImage();
          }}
        >
          <label htmlFor="svc-image">Image</label>
          <input id="svc-image" className="input mono" value={image} onChange={(e) => setImage(e.target.value)} spellCheck={false} />
          <label htmlFor="svc-par" title="tasks replaced at a time">
            Parallelism
          </label>
          <input id="svc-par" className="input narrow" type="number" min={0} value={parallelism} onChange={(e) => setParallelism(e.target.value)} />
          <label htmlFor="svc-delay" title="pause between batches">
            Delay
          </label>
          <input id="svc-delay" className="input narrow" placeholder="e.g. 10s" value={delay} onChange={(e) => setDelay(e.target.value)} />
          <button className="btn primary" type="submit" disabled={!!busy} data-testid="update-image-submit">
            Update image
          </button>
        </form>
        <div className="action-box">
          <button className="btn" onClick={() => setConfirm('force')} disabled={!!busy} title="Replace every task (e.g. to re-pull a tag or restart)">
            Force update
          </button>
          <button className="btn" onClick={() => setConfirm('rollback')} disabled={!!busy} title="Back to the previous spec">
            Rollback
          </button>
          <button className="btn danger-outline" onClick={() => setConfirm('remove')} disabled={!!busy} data-testid="service-remove">
            Remove
          </button>
        </div>
      </div>

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

      <h3>Tasks</h3>
      {history.length === 0 ? (
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
              <tr key={r.task.id} className={r.older ? 'older' : ''} data-testid="task-row" data-state={r.task.state}>
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
      )}
    </div>
  );
}
