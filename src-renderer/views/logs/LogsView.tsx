// The Logs view: a service's, task's or container's logs, streamed and followed, in a virtualized list
// (LogList) over a bounded ring (LogRing, 100,000 lines: the oldest are dropped and counted). Timestamps,
// a coloured prefix per task, stdout and stderr apart, search with highlights, pause, download.
// Other views open it with useNav().open({view: 'logs', target}).
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent, type ReactElement } from 'react';
import { useStore } from 'zustand';
import { api } from '../../api';
import { clusterStore, useEngines } from '../../stores';
import { useSwarmTarget } from '../../stores/swarm-target';
import { useNav, type LogTarget } from '../../stores/nav';
import { ViewHeader } from '../../components/ViewHeader';
import { StateMessage } from '../../components/StateMessage';
import { LogFeed } from './log-feed';
import { LogList, type Prefix, type RowSource } from './LogList';
import { SeqIndex } from './seq-index';
import { parseQuery } from './search';
import { stripAnsi } from './ansi';
import { taskTone } from './task-colours';
import { downloadText, logText } from './download';
import type { LogEntry } from './ring-buffer';
import { BacklogGate } from './backlog';
import { sinceValue } from './since';
import '../../components/ansi-palette.css';
import './logs.css';

type Status = 'idle' | 'connecting' | 'live' | 'ended' | 'error';
type Streams = 'all' | 'stdout' | 'stderr';

const SINCE = [
  { value: '', label: 'from the start' },
  { value: '1m', label: 'last minute' },
  { value: '10m', label: 'last 10 minutes' },
  { value: '1h', label: 'last hour' },
  { value: '24h', label: 'last 24 hours' },
  { value: 'custom', label: 'since a time…' },
];

const TAILS = ['100', '500', '1000', '10000', 'all'];

function targetKey(t: LogTarget | undefined): string {
  if (!t) return '';
  return t.kind === 'service' ? `s:${t.engineId}:${t.serviceId}` : t.kind === 'task' ? `t:${t.engineId}:${t.taskId}` : `c:${t.engineId}:${t.containerId}`;
}

/** one stream of log lines into the feed, restarted when the target or the options change */
function useLogStream(feed: LogFeed, target: LogTarget | undefined, tail: string, since: string, attempt: number): { status: Status; error?: string } {
  const [state, setState] = useState<{ status: Status; error?: string }>({ status: 'idle' });
  const key = targetKey(target);
  useEffect(() => {
    feed.clear();
    if (!target) {
      setState({ status: 'idle' });
      return;
    }
    setState({ status: 'connecting' });
    const opts = { follow: true, timestamps: true, tail: tail === 'all' ? ('all' as const) : Number(tail), ...(since ? { since } : {}) };
    let live = false;
    // the backlog (each task's tail) arrives in a burst: held and put in time order, then lines show as they come
    const gate = new BacklogGate((l) => feed.push(l));
    const handlers = {
      onEvent: (l: { stream: 'stdout' | 'stderr'; line: string; timestamp?: string; taskId?: string }) => {
        gate.push({ stream: l.stream, text: l.line, timestamp: l.timestamp, taskId: l.taskId });
        if (!live) {
          live = true; // one state change for the first line, none for the next thousands
          setState({ status: 'live' });
        }
      },
      onError: (e: Error) => setState({ status: 'error', error: e.message }),
      onEnd: () => setState({ status: 'ended' }),
    };
    let dispose: () => void;
    try {
      if (target.kind === 'service') dispose = api.subscribe('swarm.services.logs', { engineId: target.engineId, service: target.serviceId, ...opts }, handlers);
      else if (target.kind === 'task') dispose = api.subscribe('swarm.tasks.logs', { engineId: target.engineId, task: target.taskId, ...opts }, handlers);
      else dispose = api.subscribe('swarm.containers.logs', { engineId: target.engineId, container: target.containerId, ...opts }, handlers);
    } catch (e) {
      setState({ status: 'error', error: (e as Error).message });
      return;
    }
    // the engine sends nothing for a quiet service: after a moment, say it is live anyway
    const t = setTimeout(() => setState((s) => (s.status === 'connecting' ? { status: 'live' } : s)), 1500);
    return () => {
      clearTimeout(t);
      gate.dispose();
      dispose();
    };
  }, [feed, key, tail, since, attempt]);
  return state;
}

export function LogsView(): ReactElement {
  const swarm = useSwarmTarget();
  const engineRows = useEngines((s) => s.rows);
  const cluster = useStore(clusterStore);
  const [target, setTarget] = useState<LogTarget | undefined>(() => useNav.getState().take('logs')?.target);
  const intent = useNav((s) => s.intent);
  useEffect(() => {
    if (intent?.view === 'logs') {
      const i = useNav.getState().take('logs');
      if (i) setTarget(i.target);
    }
  }, [intent]);

  useEffect(() => {
    const id = target?.engineId ?? swarm.engineId;
    if (id && target?.kind !== 'container') clusterStore.getState().watch(id);
  }, [swarm.engineId, target?.engineId, target?.kind]);

  const [tail, setTail] = useState('500');
  const [since, setSince] = useState('');
  const [sinceChoice, setSinceChoice] = useState('');
  const [sinceText, setSinceText] = useState('');
  const [sinceError, setSinceError] = useState<string | undefined>(undefined);
  const applySinceText = (): void => {
    const r = sinceValue(sinceText);
    if ('error' in r) return setSinceError(r.error);
    setSinceError(undefined);
    setSince(r.value);
  };
  const [attempt, setAttempt] = useState(0);
  const [showTimestamps, setShowTimestamps] = useState(true);
  const [streams, setStreams] = useState<Streams>('all');
  const [query, setQuery] = useState('');
  const [onlyMatches, setOnlyMatches] = useState(false);
  const [follow, setFollow] = useState(true);
  const [pausedAt, setPausedAt] = useState<number | undefined>(undefined);
  const [currentSeq, setCurrentSeq] = useState<number | undefined>(undefined);
  const searchRef = useRef<HTMLInputElement>(null);

  const feed = useMemo(() => new LogFeed(), []);
  const [version, setVersion] = useState(0);
  useEffect(() => feed.onChange(() => setVersion(feed.ring.version)), [feed]);
  const stream = useLogStream(feed, target, tail, since, attempt);
  const ring = feed.ring;

  // ---- names and colours of tasks ----
  const model = cluster.engineId === (target?.engineId ?? swarm.engineId) ? cluster.model : undefined;
  const prefixes = useMemo(() => {
    const tasks = new Map((model?.tasks ?? []).map((t) => [t.id, t]));
    const services = new Map((model?.services ?? []).map((s) => [s.id, s]));
    const nodes = new Map((model?.nodes ?? []).map((n) => [n.id, n]));
    const cache = new Map<string, Prefix>();
    return (e: LogEntry): Prefix | undefined => {
      if (!e.taskId) return undefined;
      let p = cache.get(e.taskId);
      if (!p) {
        const t = tasks.get(e.taskId);
        const svc = t ? services.get(t.serviceId) : undefined;
        const node = t?.nodeId ? nodes.get(t.nodeId) : undefined;
        const label = t && svc ? `${svc.name}.${t.slot ?? node?.hostname ?? t.id.slice(0, 6)}` : e.taskId.slice(0, 12);
        p = { label: node ? `${label}@${node.hostname}` : label, tone: taskTone(e.taskId) };
        cache.set(e.taskId, p);
      }
      return p;
    };
  }, [model]);
  const prefixOf = target?.kind === 'service' ? prefixes : undefined;

  // ---- search and filters ----
  const parsed = useMemo(() => parseQuery(query), [query]);
  const matcher = parsed.matcher;
  const matches = useMemo(() => (matcher ? new SeqIndex((e) => matcher.test(stripAnsi(e.text))) : undefined), [matcher, feed]);
  const filter = useMemo(() => {
    if (streams === 'all' && !(onlyMatches && matcher)) return undefined;
    return new SeqIndex((e) => (streams === 'all' || e.stream === streams) && (!onlyMatches || !matcher || matcher.test(stripAnsi(e.text))));
  }, [streams, onlyMatches, matcher, feed]);
  matches?.update(ring);
  filter?.update(ring);

  const rows: RowSource = useMemo(() => {
    const upto = pausedAt;
    if (filter)
      return {
        get count() {
          return upto === undefined ? filter.length : filter.lowerBound(upto + 1);
        },
        entryAt: (i) => ring.at(ring.indexOfSeq(filter.seqAt(i))),
      };
    return {
      get count() {
        return upto === undefined ? ring.length : ring.indexOfSeq(upto) + 1;
      },
      entryAt: (i) => ring.at(i),
    };
  }, [filter, ring, pausedAt]);

  const indexOfSeq = (seq: number): number => (filter ? (filter.seqAt(filter.lowerBound(seq)) === seq ? filter.lowerBound(seq) : -1) : ring.indexOfSeq(seq));
  const matchCount = matches?.length ?? 0;
  const currentPos = matches && currentSeq !== undefined ? matches.lowerBound(currentSeq) : -1;

  const jump = (dir: 1 | -1): void => {
    if (!matches || matches.length === 0) return;
    let pos: number;
    if (currentSeq === undefined) pos = dir === 1 ? matches.lowerBound(ring.firstSeq) : matches.length - 1;
    else {
      const at = matches.lowerBound(currentSeq);
      const exact = at < matches.length && matches.seqAt(at) === currentSeq;
      pos = dir === 1 ? (exact ? at + 1 : at) : at - 1;
    }
    pos = (pos + matches.length) % matches.length;
    setFollow(false);
    setCurrentSeq(matches.seqAt(pos));
  };

  useEffect(() => setCurrentSeq(undefined), [query]);

  const togglePause = useCallback(() => {
    setPausedAt((p) => (p === undefined ? ring.firstSeq + ring.length - 1 : undefined));
  }, [ring]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const inField = e.target instanceof HTMLElement && /^(INPUT|SELECT|TEXTAREA)$/.test(e.target.tagName);
      if ((e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === 'f') {
        e.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
      } else if (!inField && e.key === '/') {
        e.preventDefault();
        searchRef.current?.focus();
      } else if (!inField && !e.ctrlKey && !e.metaKey && !e.altKey && e.key === 'p') {
        togglePause();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [togglePause]);

  const onSearchKey = (e: ReactKeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'Enter') {
      e.preventDefault();
      jump(e.shiftKey ? -1 : 1);
    } else if (e.key === 'Escape') {
      setQuery('');
    }
  };

  // ---- pickers ----
  const services = model?.services ?? [];
  const serviceId = target?.kind === 'service' ? target.serviceId : target?.kind === 'task' ? model?.tasks.find((t) => t.id === target.taskId)?.serviceId : undefined;
  const tasksOfService = (model?.tasks ?? []).filter((t) => t.serviceId === serviceId).sort((a, b) => (a.slot ?? 0) - (b.slot ?? 0) || b.updatedAt - a.updatedAt);
  const engineId = target?.engineId ?? swarm.engineId;
  const nodeName = (id?: string): string => (id ? (model?.nodes.find((n) => n.id === id)?.hostname ?? id.slice(0, 8)) : '');
  const svcName = (id?: string): string => services.find((s) => s.id === id)?.name ?? (id ? id.slice(0, 12) : '');
  const label =
    target?.kind === 'service'
      ? (target.name ?? svcName(target.serviceId))
      : target?.kind === 'task'
        ? (target.name ?? `task ${target.taskId.slice(0, 12)}`)
        : target?.kind === 'container'
          ? (target.name ?? `container ${target.containerId.slice(0, 12)}`)
          : '';

  const pickService = (id: string): void => {
    if (!engineId) return;
    setPausedAt(undefined);
    setFollow(true);
    setTarget(id ? { kind: 'service', engineId, serviceId: id, name: svcName(id) } : undefined);
  };
  const pickTask = (id: string): void => {
    if (!engineId || !serviceId) return;
    setPausedAt(undefined);
    setFollow(true);
    if (!id) setTarget({ kind: 'service', engineId, serviceId, name: svcName(serviceId) });
    else {
      const t = tasksOfService.find((x) => x.id === id);
      setTarget({ kind: 'task', engineId, taskId: id, name: `${svcName(serviceId)}.${t?.slot ?? nodeName(t?.nodeId)}` });
    }
  };

  const download = (): void => {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    // the lines shown: the stream and search filters apply, a pause holds the rest back, timestamps as displayed
    const shown = (function* () {
      for (let i = 0; i < rows.count; i++) {
        const e = rows.entryAt(i);
        if (e) yield e;
      }
    })();
    downloadText(
      `${(label || 'logs').replace(/[^\w.-]+/g, '_')}-${stamp}.log`,
      logText(shown, prefixOf ? (e) => prefixOf(e)?.label : undefined, { timestamps: showTimestamps }),
    );
  };

  const swarmPicker =
    swarm.managers.length > 1 ? (
      <select
        className="select"
        aria-label="swarm"
        value={swarm.engineId}
        onChange={(e) => {
          swarm.choose(e.target.value);
          setTarget(undefined);
        }}
      >
        {swarm.managers.map((id) => (
          <option key={id} value={id}>
            swarm via {engineRows[id]?.summary.name ?? id}
          </option>
        ))}
      </select>
    ) : undefined;

  // ---- body ----
  let body: ReactElement;
  if (!target && !swarm.engineId && swarm.loading) body = <StateMessage kind="loading" title="Looking for a swarm manager…" />;
  else if (!target && !swarm.engineId)
    body = (
      <StateMessage title="No swarm to read logs from">
        <p>
          None of the engines Flotilla knows is a swarm manager. Create a swarm in <b>Machines</b>, or run <code>docker swarm init</code> on an engine; its services&apos;
          logs show here.
        </p>
      </StateMessage>
    );
  else if (!target)
    body =
      cluster.status === 'error' ? (
        <StateMessage kind="error" title="Cannot list the services of this swarm">
          <pre>{cluster.error}</pre>
          <button className="btn" onClick={() => swarm.engineId && clusterStore.getState().watch(swarm.engineId)}>
            Try again
          </button>
        </StateMessage>
      ) : cluster.status !== 'live' ? (
        <StateMessage kind="loading" title="Reading the swarm's services…" />
      ) : services.length === 0 ? (
        <StateMessage title="No services yet">
          <p>This swarm runs no service, so there are no logs to read. Deploy a stack in <b>Stacks</b> or create a service in <b>Services</b>.</p>
        </StateMessage>
      ) : (
        <StateMessage title="Pick a service">
          <p>Choose a service above to follow its logs (all its tasks, each with its own colour), or one of its tasks. The Board and Services views open logs here too.</p>
        </StateMessage>
      );
  else if (stream.status === 'error')
    body = (
      <StateMessage kind="error" title={`The logs of ${label} stopped`}>
        <pre>{stream.error}</pre>
        <button className="btn" onClick={() => setAttempt((a) => a + 1)}>
          Reconnect
        </button>
      </StateMessage>
    );
  else
    body = (
      <div className="log-pane">
        <LogList
          rows={rows}
          version={version + (pausedAt ?? -1)}
          follow={follow && pausedAt === undefined}
          onFollowChange={(f) => pausedAt === undefined && setFollow(f)}
          showTimestamps={showTimestamps}
          prefixOf={prefixOf}
          matcher={matcher}
          currentSeq={currentSeq}
          scrollToIndex={currentSeq !== undefined ? indexOfSeq(currentSeq) : undefined}
        />
        {rows.count === 0 && (
          <div className="log-overlay" role="status" data-testid="logs-waiting">
            {stream.status === 'connecting' ? (
              <>
                <span className="spinner" aria-hidden="true" /> Connecting to the logs of {label}…
              </>
            ) : ring.length > 0 ? (
              'No line matches the filters: clear the search or show both streams.'
            ) : stream.status === 'ended' ? (
              `${label} has no logs${since ? ' in this time range' : ''}: widen "since", or check that it ran.`
            ) : (
              `Waiting for ${label} to write something${since ? ' (or widen "since")' : ''}…`
            )}
          </div>
        )}
      </div>
    );

  const statusText =
    stream.status === 'live'
      ? pausedAt !== undefined
        ? `paused: ${Math.max(0, ring.firstSeq + ring.length - 1 - pausedAt)} new lines held`
        : 'following'
      : stream.status === 'ended'
        ? 'ended'
        : stream.status === 'connecting'
          ? 'connecting'
          : '';

  return (
    <div className="logs-view">
      <ViewHeader title="Logs" sub={label || (engineId ? `swarm via ${engineRows[engineId]?.summary.name ?? engineId}` : undefined)} actions={swarmPicker} />
      <div className="view-body logs-body">
        <div className="log-toolbar" role="toolbar" aria-label="log source">
          {target?.kind === 'container' ? (
            <span className="badge info">{label}</span>
          ) : (
            <>
              <select className="select" aria-label="service" value={serviceId ?? ''} onChange={(e) => pickService(e.target.value)} disabled={!services.length}>
                <option value="">{services.length ? 'Choose a service…' : 'no services'}</option>
                {services.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
              <select className="select" aria-label="task" value={target?.kind === 'task' ? target.taskId : ''} onChange={(e) => pickTask(e.target.value)} disabled={!serviceId}>
                <option value="">all tasks</option>
                {tasksOfService.map((t) => (
                  <option key={t.id} value={t.id}>
                    {svcName(t.serviceId)}.{t.slot ?? nodeName(t.nodeId)} on {nodeName(t.nodeId)} ({t.state})
                  </option>
                ))}
              </select>
            </>
          )}
          <label className="check">
            tail
            <select className="select" aria-label="tail" value={tail} onChange={(e) => setTail(e.target.value)}>
              {TAILS.map((t) => (
                <option key={t} value={t}>
                  {t === 'all' ? 'all lines' : `last ${Number(t).toLocaleString()}`}
                </option>
              ))}
            </select>
          </label>
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
                  setSince(e.target.value);
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
          <select className="select" aria-label="streams" value={streams} onChange={(e) => setStreams(e.target.value as Streams)}>
            <option value="all">stdout + stderr</option>
            <option value="stdout">stdout only</option>
            <option value="stderr">stderr only</option>
          </select>
          <label className="check">
            <input type="checkbox" checked={showTimestamps} onChange={(e) => setShowTimestamps(e.target.checked)} /> timestamps
          </label>
        </div>
        <div className="log-toolbar" role="toolbar" aria-label="log display">
          <input
            ref={searchRef}
            className="input log-search"
            type="search"
            placeholder="Search (Ctrl+F; /regex/)"
            aria-label="search logs"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={onSearchKey}
            aria-invalid={parsed.error ? true : undefined}
          />
          <span className={`log-matches${parsed.error ? ' tone-err' : ''}`} aria-live="polite" data-testid="log-matches">
            {parsed.error ?? (matcher ? `${currentPos >= 0 && currentSeq !== undefined ? currentPos + 1 : 0} / ${matchCount.toLocaleString()}` : '')}
          </span>
          <button className="btn small" onClick={() => jump(-1)} disabled={!matchCount} aria-label="previous match" title="previous match (Shift+Enter)">
            ↑
          </button>
          <button className="btn small" onClick={() => jump(1)} disabled={!matchCount} aria-label="next match" title="next match (Enter)">
            ↓
          </button>
          <label className="check">
            <input type="checkbox" checked={onlyMatches} onChange={(e) => setOnlyMatches(e.target.checked)} disabled={!matcher} /> only matching lines
          </label>
          <span className="log-spacer" />
          <span className={`log-status st-${stream.status}${pausedAt !== undefined ? ' paused' : ''}`} data-testid="log-status">
            {statusText && <span className="dot" aria-hidden="true" />} {statusText}
          </span>
          <span className="log-count" data-testid="log-count">
            {ring.length.toLocaleString()} lines{ring.dropped ? ` (${ring.dropped.toLocaleString()} oldest dropped)` : ''}
          </span>
          <button className="btn small" onClick={togglePause} disabled={!target} aria-pressed={pausedAt !== undefined} title="pause or resume the display (P)">
            {pausedAt !== undefined ? 'Resume' : 'Pause'}
          </button>
          <button
            className="btn small"
            onClick={() => {
              setPausedAt(undefined);
              setFollow(true);
            }}
            disabled={!target || (follow && pausedAt === undefined)}
            title="jump to the newest line and keep following"
          >
            Follow
          </button>
          <button className="btn small" onClick={() => feed.clear()} disabled={!ring.length} title="clear the lines shown (the stream keeps going)">
            Clear
          </button>
          <button className="btn small" onClick={download} disabled={!rows.count} title="save the lines shown (with the filters and timestamps as displayed) as a text file">
            Download
          </button>
        </div>
        {body}
      </div>
    </div>
  );
}
