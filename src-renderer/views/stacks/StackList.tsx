// The stacks on the swarm (stacks.ls, refreshed after every deploy, rollback and removal and whenever the
// live cluster model changes) and the chosen stack's services and tasks (stacks.services / stacks.ps),
// with open and remove.
import { useEffect, useState, type ReactElement } from 'react';
import type { BoardModel } from '../../stores/cluster';
import { api } from '../../api';
import type { OutputOf } from '../../../src-main/api/contract';
import { openLatest } from './stack-actions';

export interface StackSummary {
  name: string;
  services: number;
  /** from the live model, when it has the stack's services */
  running?: number;
  desired?: number;
}

/** the listed stacks, with running/desired counts from the live model where it knows them */
export function stackSummaries(listed: Array<{ name: string; services: number }>, model: BoardModel | undefined): StackSummary[] {
  const live = new Map<string, { running: number; desired: number; services: number }>();
  for (const s of model?.services ?? []) {
    if (!s.stack) continue;
    const st = live.get(s.stack) ?? { running: 0, desired: 0, services: 0 };
    st.running += s.replicas.running;
    st.desired += s.replicas.desired;
    st.services++;
    live.set(s.stack, st);
  }
  return listed
    .map((l) => {
      const m = live.get(l.name);
      return m && m.services === l.services
        ? {
            name: l.name,
            services: l.services,
            running: m.running,
            desired: m.desired,
          }
        : { name: l.name, services: l.services };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** a key that changes when the live model's services of a stack change (to refetch details without polling) */
export function liveSignature(model: BoardModel | undefined, stack: string): string {
  return (model?.services ?? [])
    .filter((s) => s.stack === stack)
    .map((s) => `${s.id}:${s.replicas.running}/${s.replicas.desired}`)
    .join(',');
}

const shortName = (stack: string, service: string): string => (service.startsWith(`${stack}_`) ? service.slice(stack.length + 1) : service);

type Services = OutputOf<'stacks.services'>;
type Tasks = OutputOf<'stacks.ps'>;

function StackDetail(props: { engineId: string; stack: string; refresh: string; onRemoved(): void }): ReactElement {
  const { engineId, stack } = props;
  const [services, setServices] = useState<Services>();
  const [tasks, setTasks] = useState<Tasks>();
  const [error, setError] = useState<string>();
  const [confirm, setConfirm] = useState(false);
  const [removing, setRemoving] = useState(false);
  useEffect(() => {
    const ctl = new AbortController();
    const t = setTimeout(() => {
      Promise.all([
        api.invoke('stacks.services', { engineId, stack }, { signal: ctl.signal }),
        api.invoke('stacks.ps', { engineId, stack, filters: { 'desired-state': ['running'] } }, { signal: ctl.signal }),
      ])
        .then(([s, t2]) => {
          setServices(s);
          setTasks(t2);
          setError(undefined);
        })
        .catch((e: Error) => !ctl.signal.aborted && setError(e.message));
    }, 200);
    return () => {
      clearTimeout(t);
      ctl.abort();
    };
  }, [engineId, stack, props.refresh]);

  const remove = async (): Promise<void> => {
    setRemoving(true);
    setError(undefined);
    try {
      await api.invoke('stacks.rm', { engineId, stacks: [stack] });
      props.onRemoved();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setRemoving(false);
      setConfirm(false);
    }
  };

  return (
    <div className="stack-detail" data-testid="stack-detail">
      {!services && !error && <div className="faint small">Reading the services…</div>}
      {services && (
        <table className="stack-services">
          <thead>
            <tr>
              <th>Service</th>
              <th>Replicas</th>
              <th>Image</th>
            </tr>
          </thead>
          <tbody>
            {services.map((s) => {
              const [run, want] = s.replicas.split('/').map(Number);
              return (
                <tr key={s.id} data-testid="stack-service" data-service={s.name}>
                  <td className="mono" title={s.name}>
                    {shortName(stack, s.name)}
                  </td>
                  <td className={`mono ${run >= want ? 'ok' : 'warn'}`} title={s.mode}>
                    {s.replicas}
                  </td>
                  <td className="mono faint" title={s.image}>
                    {s.image.replace(/@sha256:.*/, '')}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {tasks && tasks.some((t) => t.error) && (
        <ul className="stack-task-errors">
          {tasks
            .filter((t) => t.error)
            .map((t) => (
              <li key={t.id}>
                <span className="mono">{t.name}</span> on {t.node || '?'}: {t.error}
              </li>
            ))}
        </ul>
      )}
      {tasks && (
        <div className="faint small">
          {tasks.length} task{tasks.length === 1 ? '' : 's'} meant to run · {tasks.filter((t) => /^running/i.test(t.currentState)).length} running
        </div>
      )}
      {error && (
        <div className="panel-note err" role="alert">
          {error}
        </div>
      )}
      <div className="stack-actions">
        <button className="btn small" onClick={() => void openLatest(stack)}>
          Open in editor
        </button>
        {confirm ? (
          <>
            <button className="btn small danger" disabled={removing} onClick={() => void remove()} data-testid="confirm-remove">
              {removing ? 'Removing…' : `Remove ${stack} and its services`}
            </button>
            <button className="btn small" onClick={() => setConfirm(false)}>
              Cancel
            </button>
          </>
        ) : (
          <button className="btn small" onClick={() => setConfirm(true)}>
            Remove…
          </button>
        )}
      </div>
    </div>
  );
}

export function StackList(props: {
  engineId: string;
  stacks: StackSummary[];
  status: 'loading' | 'ready' | 'error';
  error?: string;
  selected?: string;
  /** changes when the stacks or their tasks may have changed */
  refresh: string;
  onSelect(name: string | undefined): void;
  onRefresh(): void;
}): ReactElement {
  return (
    <nav className="stack-list" aria-label="stacks on the swarm" data-testid="stack-list">
      <div className="stack-list-head">
        <span>Stacks on the swarm</span>
        <button className="btn small" onClick={props.onRefresh} title="read the stacks again">
          Refresh
        </button>
      </div>
      {props.status === 'loading' && !props.stacks.length && <div className="panel-note">Reading the swarm…</div>}
      {props.status === 'error' && (
        <div className="panel-note err" role="alert">
          Could not list the stacks: {props.error}. Check the manager in Engines, then Refresh.
        </div>
      )}
      {props.status === 'ready' && !props.stacks.length && <div className="panel-note">No stacks yet. Write one (New stack) or open a compose file, then Deploy it.</div>}
      <ul>
        {props.stacks.map((s) => {
          const known = s.running !== undefined && s.desired !== undefined;
          return (
            <li key={s.name}>
              <button
                className="stack-item"
                aria-current={s.name === props.selected ? 'true' : undefined}
                onClick={() => props.onSelect(s.name === props.selected ? undefined : s.name)}
                data-testid="stack-item"
                data-stack={s.name}
              >
                <span className={`dot ${!known ? 'info' : (s.running ?? 0) >= (s.desired ?? 0) ? 'ok' : 'warn'}`} aria-hidden="true" />
                <b>{s.name}</b>
                <span className="faint small">
                  {s.services} svc{known ? ` · ${s.running}/${s.desired}` : ''}
                </span>
              </button>
              {props.selected === s.name && (
                <StackDetail
                  engineId={props.engineId}
                  stack={s.name}
                  refresh={props.refresh}
                  onRemoved={() => {
                    props.onSelect(undefined);
                    props.onRefresh();
                  }}
                />
              )}
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
