// The Logs view's first toolbar: which logs (a whole stack, a service, or one of its tasks; a container is shown as a badge)
// and how (tail, since, streams, timestamps).
import { useState, type ReactElement } from 'react';
import type { BoardService, BoardTask } from '../../stores/cluster';
import type { LogTarget } from '../../stores/nav';
import { sinceValue } from './since';
import { STACK_VALUE } from './stack-source';
import type { Streams } from './use-log-search';

const SINCE = [
  { value: '', label: 'from the start' },
  { value: '1m', label: 'last minute' },
  { value: '10m', label: 'last 10 minutes' },
  { value: '1h', label: 'last hour' },
  { value: '24h', label: 'last 24 hours' },
  { value: 'custom', label: 'since a time…' },
];

const TAILS = ['100', '500', '1000', '10000', 'all'];

/** a preset, or a typed time applied on Enter (refused with the reason when since.ts cannot read it) */
function SincePicker({ onSince }: { onSince(value: string): void }): ReactElement {
  const [sinceChoice, setSinceChoice] = useState('');
  const [sinceText, setSinceText] = useState('');
  const [sinceError, setSinceError] = useState<string | undefined>(undefined);
  const applySinceText = (): void => {
    const r = sinceValue(sinceText);
    if ('error' in r) return setSinceError(r.error);
    setSinceError(undefined);
    onSince(r.value);
  };
  return (
    <>
      <label className="check">
        since
        <select
          className="select"
          aria-label="since"
          value={sinceChoice}
          onChange={(e) => {
            setSinceChoice(e.target.value);
            // a typed time applies on Enter; until then the last choice stays
            if (e.target.value !== 'custom') {
              setSinceError(undefined);
              onSince(e.target.value);
            }
          }}
        >
          {SINCE.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      {sinceChoice === 'custom' && (
        <>
          <input
            className="input log-since"
            aria-label="since time"
            placeholder="2026-12-03T17:50:00Z or 90s"
            title="a time (RFC 3339, or a local date and time), seconds since 1970, or 90s / 10m / 2h ago; Enter applies it"
            value={sinceText}
            onChange={(e) => setSinceText(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && applySinceText()}
            aria-invalid={sinceError ? true : undefined}
            aria-describedby={sinceError ? 'log-since-error' : undefined}
          />
          <button className="btn small" onClick={applySinceText} disabled={!sinceText.trim()}>
            Apply
          </button>
          {sinceError && (
            <span className="log-since-error tone-err" id="log-since-error" role="alert">
              {sinceError}
            </span>
          )}
        </>
      )}
    </>
  );
}

export interface SourceToolbarProps {
  target?: LogTarget;
  /** the target's name, as the header shows it */
  label: string;
  services: readonly BoardService[];
  /** the stacks of those services: each is a "whole stack" source */
  stacks: readonly string[];
  /** the service shown (the target's, or its task's) */
  serviceId?: string;
  tasksOfService: readonly BoardTask[];
  svcName(id?: string): string;
  nodeName(id?: string): string;
  onService(id: string): void;
  onTask(id: string): void;
  tail: string;
  onTail(tail: string): void;
  onSince(since: string): void;
  streams: Streams;
  onStreams(s: Streams): void;
  showTimestamps: boolean;
  onTimestamps(on: boolean): void;
}

export function SourceToolbar(p: SourceToolbarProps): ReactElement {
  const { target, services, serviceId } = p;
  return (
    <div className="log-toolbar" role="toolbar" aria-label="log source">
      {target?.kind === 'container' ? (
        <span className="badge info">{p.label}</span>
      ) : (
        <>
          <select
            className="select"
            aria-label="service"
            value={target?.kind === 'stack' ? `${STACK_VALUE}${target.stack}` : (serviceId ?? '')}
            onChange={(e) => p.onService(e.target.value)}
            disabled={!services.length}
          >
            <option value="">{services.length ? 'Choose a service…' : 'no services'}</option>
            {p.stacks.length > 0 && (
              <optgroup label="whole stack">
                {p.stacks.map((st) => (
                  <option key={st} value={`${STACK_VALUE}${st}`}>
                    stack {st} (every service)
                  </option>
                ))}
              </optgroup>
            )}
            <optgroup label="service">
              {services.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </optgroup>
          </select>
          <select className="select" aria-label="task" value={target?.kind === 'task' ? target.taskId : ''} onChange={(e) => p.onTask(e.target.value)} disabled={!serviceId}>
            <option value="">all tasks</option>
            {p.tasksOfService.map((t) => (
              <option key={t.id} value={t.id}>
                {p.svcName(t.serviceId)}.{t.slot ?? p.nodeName(t.nodeId)} on {p.nodeName(t.nodeId)} ({t.state})
              </option>
            ))}
          </select>
        </>
      )}
      <label className="check">
        tail
        <select className="select" aria-label="tail" value={p.tail} onChange={(e) => p.onTail(e.target.value)}>
          {TAILS.map((t) => (
            <option key={t} value={t}>
              {t === 'all' ? 'all lines' : `last ${Number(t).toLocaleString()}`}
            </option>
          ))}
        </select>
      </label>
      <SincePicker onSince={p.onSince} />
      <select className="select" aria-label="streams" value={p.streams} onChange={(e) => p.onStreams(e.target.value as Streams)}>
        <option value="all">stdout + stderr</option>
        <option value="stdout">stdout only</option>
        <option value="stderr">stderr only</option>
      </select>
      <label className="check">
        <input type="checkbox" checked={p.showTimestamps} onChange={(e) => p.onTimestamps(e.target.checked)} /> timestamps
      </label>
    </div>
  );
}
