// A service's actions: scale (replicated services), update the image (with parallelism and delay), and the
// buttons that ask first (force update, rollback, remove). The fields start from the service's values, then
// keep what the person types.
import { useEffect, useState, type ReactElement } from 'react';
import { api } from '../../api';
import type { BoardService } from '../../stores/cluster';
import { shortImage } from '../../components/format';
import { validateImageUpdate } from './form';

export type Confirm = 'rollback' | 'force' | 'remove' | undefined;

export interface ServiceActionsProps {
  engineId: string;
  service: BoardService;
  busy?: string;
  /** run an action: `label` while it runs, `done` when it succeeded */
  onRun(label: string, done: string, fn: () => Promise<unknown>): void;
  /** a field the action cannot use, and why */
  onProblem(text: string): void;
  onConfirm(c: Confirm): void;
}

export function ServiceActions({ engineId, service, busy, onRun: run, onProblem, onConfirm }: ServiceActionsProps): ReactElement {
  const [replicas, setReplicas] = useState('');
  const [image, setImage] = useState('');
  const [parallelism, setParallelism] = useState('1');
  const [delay, setDelay] = useState('');
  const serviceId = service.id;
  const name = service.name;
  // prefill once per service, then leave the person's typing alone
  const desired = service.replicas.desired;
  const currentImage = shortImage(service.image);
  useEffect(() => setReplicas(String(desired)), [serviceId, desired]);
  useEffect(() => setImage(currentImage), [serviceId, currentImage]);

  const scale = (): void => {
    if (!/^\d+$/.test(replicas.trim())) return onProblem('replicas: a whole number, 0 or more');
    const n = Number(replicas.trim());
    run('Scaling…', `Scaling ${name} to ${n}`, () => api.invoke('swarm.services.scale', { engineId, service: service.id, replicas: n }));
  };
  const updateImage = (): void => {
    const r = validateImageUpdate({ image, parallelism, delay });
    if (!r.update) return onProblem(r.error ?? 'invalid update');
    const update = r.update;
    run('Updating…', `Rolling ${name} to ${update.image}: watch the progress here and on the Board`, () => api.invoke('swarm.services.update', { engineId, service: service.id, update }));
  };

  return (
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
      <button className="btn" onClick={() => onConfirm('force')} disabled={!!busy} title="Replace every task (e.g. to re-pull a tag or restart)">
        Force update
      </button>
      <button className="btn" onClick={() => onConfirm('rollback')} disabled={!!busy} title="Back to the previous spec">
        Rollback
      </button>
      <button className="btn danger-outline" onClick={() => onConfirm('remove')} disabled={!!busy} data-testid="service-remove">
        Remove
      </button>
    </div>
  </div>
  );
}
