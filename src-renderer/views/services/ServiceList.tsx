// The services of the swarm: mode, running/desired, update status, ports, stack. Keyboard: / filters,
// arrows move between rows, Enter opens one, N creates a service.
import { useEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent, type ReactElement } from 'react';
import type { BoardModel } from '../../stores/cluster';
import { age, serviceColor, shortImage } from '../../components/format';
import { StateMessage } from '../../components/StateMessage';
import { UPDATE_LABEL, portsText, serviceProblem, serviceRows, updateTone } from './history';

export interface ServiceListProps {
  model: BoardModel;
  now: number;
  onOpen(serviceId: string): void;
  onCreate(): void;
}

export function ServiceList({ model, now, onOpen, onCreate }: ServiceListProps): ReactElement {
  const [filter, setFilter] = useState('');
  const filterRef = useRef<HTMLInputElement>(null);
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  const rows = serviceRows(model.services, filter);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.target instanceof HTMLTextAreaElement;
      if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === '/') {
        e.preventDefault();
        filterRef.current?.focus();
      } else if (e.key === 'n' || e.key === 'N') {
        e.preventDefault();
        onCreate();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onCreate]);

  const onRowKey = (e: ReactKeyboardEvent<HTMLTableRowElement>, i: number, id: string): void => {
    const all = bodyRef.current?.querySelectorAll<HTMLTableRowElement>('tr[tabindex]');
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onOpen(id);
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      all?.[Math.min(i + 1, all.length - 1)]?.focus();
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      if (i === 0) filterRef.current?.focus();
      else all?.[i - 1]?.focus();
    }
  };

  if (model.services.length === 0)
    return (
      <StateMessage title="No services in this swarm yet" testId="services-empty">
        <p>Create one here (a name, an image and how many replicas), or deploy a stack in Stacks. Its tasks show up on the Board as they start.</p>
        <button className="btn primary" onClick={onCreate}>
          Create service
        </button>
      </StateMessage>
    );

  return (
    <div className="svc-list">
      <div className="svc-toolbar">
        <input
          ref={filterRef}
          className="input"
          type="search"
          placeholder="Filter (/): name, stack, image, port…"
          aria-label="filter services"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setFilter('');
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              bodyRef.current?.querySelector<HTMLTableRowElement>('tr[tabindex]')?.focus();
            }
          }}
        />
        <span className="svc-count">
          {rows.length === model.services.length ? `${rows.length} services` : `${rows.length} of ${model.services.length} services`}
        </span>
      </div>
      <table className="svc-table" aria-label="services">
        <thead>
          <tr>
            <th>Name</th>
            <th>Stack</th>
            <th>Mode</th>
            <th>Running</th>
            <th>Image</th>
            <th>Ports</th>
            <th>Update</th>
            <th>Changed</th>
          </tr>
        </thead>
        <tbody ref={bodyRef}>
          {rows.map((s, i) => {
            const ok = s.replicas.running >= s.replicas.desired;
            const problem = ok ? undefined : serviceProblem(model, s);
            const st = s.updateStatus?.state;
            const changed = Date.parse(s.updatedAt ?? s.createdAt ?? '');
            return (
              <tr key={s.id} tabIndex={0} onClick={() => onOpen(s.id)} onKeyDown={(e) => onRowKey(e, i, s.id)} data-testid="service-row" data-service={s.name} aria-label={`service ${s.name}`}>
                <td>
                  <span className="svc-swatch" style={{ background: serviceColor(s.name) }} aria-hidden="true" />
                  <span className="svc-name">{s.name}</span>
                  {problem && <div className="svc-problem">{problem}</div>}
                </td>
                <td>{s.stack ?? <span className="faint">–</span>}</td>
                <td>{s.mode}</td>
                <td>
                  <span className={`badge ${ok ? 'ok' : s.replicas.running === 0 ? 'err' : 'warn'}`} data-testid="service-replicas">
                    {s.replicas.running}/{s.replicas.desired}
                  </span>
                </td>
                <td className="mono svc-image" title={s.image}>
                  {shortImage(s.image)}
                </td>
                <td className="mono">{portsText(s.ports) || <span className="faint">–</span>}</td>
                <td>
                  {st ? (
                    <span className={`badge ${updateTone(st)}${st !== 'completed' && !st.includes('paused') ? ' pulse' : ''}`} data-testid="service-update">
                      {UPDATE_LABEL[st] ?? st}
                      {s.updateStatus?.progress && st !== 'completed' ? ` ${s.updateStatus.progress.n}/${s.updateStatus.progress.m}` : ''}
                    </span>
                  ) : (
                    <span className="faint">–</span>
                  )}
                </td>
                <td className="faint">{Number.isFinite(changed) ? `${age(changed, now)} ago` : ''}</td>
              </tr>
            );
          })}
          {rows.length === 0 && (
            <tr>
              <td colSpan={8} className="faint">
                No service matches “{filter}”. Press Escape in the filter to clear it.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
