// The first screen: every engine Flotilla knows (local and lab hosts) with its Docker version,
// swarm state and a live count of engine events.
import { formatMemory } from '../components/format-memory';
import { memo, useEffect, type ReactElement } from 'react';
import { enginesStore, useEngines } from '../stores';
import type { EngineRow } from '../stores/engines';
import { StateMessage } from '../components/StateMessage';
import { ViewHeader } from '../components/ViewHeader';

function swarmBadge(row: EngineRow): ReactElement {
  const sw = row.info?.swarm;
  if (!row.info) return <span className="badge">swarm: …</span>;
  if (!row.info.reachable) return <span className="badge err">unreachable</span>;
  if (!sw || sw.state === 'inactive') return <span className="badge">not in a swarm</span>;
  if (sw.state === 'active') return <span className={`badge ${sw.isManager ? 'info' : 'ok'}`}>swarm {sw.isManager ? 'manager' : 'worker'}</span>;
  if (sw.state === 'pending') return <span className="badge warn">swarm joining</span>;
  return <span className="badge err">swarm {sw.state}</span>;
}

const bytes = formatMemory;

const EngineCard = memo(function EngineCard({ row }: { row: EngineRow }): ReactElement {
  const { summary, info } = row;
  return (
    <article className="engine-card" data-testid="engine-card" data-engine-id={summary.id} aria-label={`engine ${summary.name}`}>
      <header>
        <span className={`dot`} style={{ color: !info ? 'var(--fg-faint)' : info.reachable ? 'var(--ok)' : 'var(--err)' }} aria-hidden="true" />
        <h3>{summary.name}</h3>
        <span className="badge">{summary.source}</span>
        {swarmBadge(row)}
      </header>
      <div className="engine-url mono">{summary.url}</div>
      <dl className="kv">
        <dt>Docker</dt>
        <dd data-testid="docker-version">{row.loadingInfo ? <span className="spinner" aria-label="loading" /> : (info?.dockerVersion ?? '—')}</dd>
        <dt>API</dt>
        <dd>{info?.apiVersion ?? '—'}</dd>
        <dt>OS</dt>
        <dd>{info?.os ? `${info.os} (${info.arch ?? '?'})` : '—'}</dd>
        <dt>Resources</dt>
        <dd>{info?.cpus ? `${info.cpus} CPU · ${bytes(info.memoryBytes)}` : '—'}</dd>
        <dt>Events</dt>
        <dd>
          <span className="events-count flash" data-testid="event-count" key={row.events} title="engine events received since this window opened">
            {row.events}
          </span>
          {row.lastEvent && (
            <span className="sub" style={{ color: 'var(--fg-muted)' }}>
              {' '}
              · last: {row.lastEvent.type} {row.lastEvent.action}
            </span>
          )}
          {row.streamError && <span className="badge warn" title={row.streamError}> stream interrupted, retrying</span>}
        </dd>
      </dl>
      {(info?.error ?? row.infoError) && <div className="engine-error">{info?.error ?? row.infoError}</div>}
    </article>
  );
});

export function EnginesView(): ReactElement {
  const status = useEngines((s) => s.status);
  const error = useEngines((s) => s.error);
  const order = useEngines((s) => s.order);
  const rows = useEngines((s) => s.rows);

  useEffect(() => {
    if (enginesStore.getState().status === 'idle') void enginesStore.getState().load();
  }, []);

  const reload = (): void => void enginesStore.getState().load();
  return (
    <>
      <ViewHeader
        title="Engines"
        sub={status === 'ready' ? `${order.length} engine${order.length === 1 ? '' : 's'}` : undefined}
        actions={
          <button className="btn" onClick={reload}>
            Reload
          </button>
        }
      />
      <div className="view-body">
        {(status === 'idle' || status === 'loading') && <StateMessage kind="loading" title="Looking for Docker engines…" />}
        {status === 'error' && (
          <StateMessage kind="error" title="Could not list the engines">
            <pre>{error}</pre>
            <p>Check that Flotilla's core is running (restart `flotilla serve` or the app), then reload.</p>
            <button className="btn" onClick={reload}>
              Try again
            </button>
          </StateMessage>
        )}
        {status === 'ready' && order.length === 0 && (
          <StateMessage title="No engines yet">
            <p>
              Start Docker locally (or set DOCKER_HOST), or bring up the lab with <code>flotilla lab up --nodes 3</code>, then reload.
            </p>
          </StateMessage>
        )}
        {status === 'ready' && order.length > 0 && (
          <div className="engine-grid">
            {order.map((id) => (
              <EngineCard key={id} row={rows[id]} />
            ))}
          </div>
        )}
      </div>
    </>
  );
}
