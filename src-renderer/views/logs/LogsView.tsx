// The Logs view: a service's, task's, container's or whole stack's logs, streamed and followed, in a virtualized list
// (LogList) over a bounded ring (LogRing, 100,000 lines: the oldest are dropped and counted). Timestamps,
// a coloured prefix per task (per service, in the Board's colours, for a whole stack), stdout and stderr apart, search with highlights, pause, download.
// Other views open it with useNav().open({view: 'logs', target}).
import { useCallback, useEffect, useMemo, useRef, useState, type ReactElement } from 'react';
import { useStore } from 'zustand';
import { clusterStore, useEngines } from '../../stores';
import { useSwarmTarget } from '../../stores/swarm-target';
import { useNav, type LogTarget } from '../../stores/nav';
import { ViewHeader } from '../../components/ViewHeader';
import { StateMessage } from '../../components/StateMessage';
import { LogFeed } from './log-feed';
import { downloadText, logText } from './download';
import { useLogStream } from './use-log-stream';
import { useLogKeys, useLogSearch, type Streams } from './use-log-search';
import { useTaskPrefixes } from './use-task-prefixes';
import { SourceToolbar } from './SourceToolbar';
import { DisplayToolbar } from './DisplayToolbar';
import { LogPane, NoTarget } from './LogsBody';
import { STACK_VALUE, stackPrefix } from './stack-source';
import { StackLegend } from './StackLegend';
import '../../components/ansi-palette.css';
import './logs.css';

/**
 * the target other views ask for (useNav), and the one picked here. The first render only reads the intent; it is
 * taken (cleared) in the effect: clearing the store during render made React, in the view's first render after its
 * lazy chunk loaded (a concurrent render), see the store change, render again from the start and find no intent.
 */
function useLogTarget(): [LogTarget | undefined, (t: LogTarget | undefined) => void] {
  const [target, setTarget] = useState<LogTarget | undefined>(() => {
    const i = useNav.getState().intent;
    return i?.view === 'logs' ? i.target : undefined;
  });
  const intent = useNav((s) => s.intent);
  useEffect(() => {
    if (intent?.view === 'logs') {
      const i = useNav.getState().take('logs');
      if (i) setTarget(i.target);
    }
  }, [intent]);
  return [target, setTarget];
}

/** the target's name, as the header shows it */
function targetLabel(target: LogTarget | undefined, svcName: (id: string) => string): string {
  if (!target) return '';
  if (target.kind === 'stack') return `stack ${target.stack}`;
  if (target.kind === 'service') return target.name ?? svcName(target.serviceId);
  if (target.kind === 'task') return target.name ?? `task ${target.taskId.slice(0, 12)}`;
  return target.name ?? `container ${target.containerId.slice(0, 12)}`;
}

export function LogsView(): ReactElement {
  const swarm = useSwarmTarget();
  const engineRows = useEngines((s) => s.rows);
  const cluster = useStore(clusterStore);
  const [target, setTarget] = useLogTarget();

  useEffect(() => {
    const id = target?.engineId ?? swarm.engineId;
    if (id && target?.kind !== 'container') clusterStore.getState().watch(id);
  }, [swarm.engineId, target?.engineId, target?.kind]);

  const [tail, setTail] = useState('500');
  const [since, setSince] = useState('');
  const [attempt, setAttempt] = useState(0);
  const [showTimestamps, setShowTimestamps] = useState(true);
  const [streams, setStreams] = useState<Streams>('all');
  const [follow, setFollow] = useState(true);
  const [pausedAt, setPausedAt] = useState<number | undefined>(undefined);
  const searchRef = useRef<HTMLInputElement>(null);

  const feed = useMemo(() => new LogFeed(), []);
  const [version, setVersion] = useState(0);
  useEffect(() => feed.onChange(() => setVersion(feed.ring.version)), [feed]);
  const stream = useLogStream(feed, target, tail, since, attempt);
  const ring = feed.ring;
  const search = useLogSearch(feed, streams, pausedAt, () => setFollow(false));
  const rows = search.rows;

  // ---- names and colours of tasks ----
  const model = cluster.engineId === (target?.engineId ?? swarm.engineId) ? cluster.model : undefined;
  const prefixes = useTaskPrefixes(model);
  const prefixOf = target?.kind === 'service' ? prefixes : target?.kind === 'stack' ? stackPrefix : undefined;

  const togglePause = useCallback(() => {
    setPausedAt((p) => (p === undefined ? ring.firstSeq + ring.length - 1 : undefined));
  }, [ring]);
  useLogKeys(searchRef, togglePause);

  // ---- pickers ----
  const services = model?.services ?? [];
  const serviceId = target?.kind === 'service' ? target.serviceId : target?.kind === 'task' ? model?.tasks.find((t) => t.id === target.taskId)?.serviceId : undefined;
  const tasksOfService = (model?.tasks ?? []).filter((t) => t.serviceId === serviceId).sort((a, b) => (a.slot ?? 0) - (b.slot ?? 0) || b.updatedAt - a.updatedAt);
  const engineId = target?.engineId ?? swarm.engineId;
  const nodeName = (id?: string): string => (id ? (model?.nodes.find((n) => n.id === id)?.hostname ?? id.slice(0, 8)) : '');
  const svcName = (id?: string): string => services.find((s) => s.id === id)?.name ?? (id ? id.slice(0, 12) : '');
  const stacks = [...new Set(services.map((s) => s.stack ?? '').filter(Boolean))].sort();
  const label = targetLabel(target, svcName);

  const pickService = (id: string): void => {
    if (!engineId) return;
    setPausedAt(undefined);
    setFollow(true);
    if (id.startsWith(STACK_VALUE)) setTarget({ kind: 'stack', engineId, stack: id.slice(STACK_VALUE.length) });
    else setTarget(id ? { kind: 'service', engineId, serviceId: id, name: svcName(id) } : undefined);
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

  let body: ReactElement;
  if (!target) body = <NoTarget swarm={swarm} cluster={cluster} serviceCount={services.length} onRetry={() => swarm.engineId && clusterStore.getState().watch(swarm.engineId)} />;
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
      <>
        {target.kind === 'stack' && <StackLegend services={services.filter((s) => s.stack === target.stack).map((s) => s.name)} />}
        <LogPane
          search={search}
          ring={ring}
          version={version + (pausedAt ?? -1)}
          status={stream.status}
          label={label}
          since={since}
          follow={follow && pausedAt === undefined}
          onFollowChange={(f) => pausedAt === undefined && setFollow(f)}
          showTimestamps={showTimestamps}
          prefixOf={prefixOf}
        />
      </>
    );

  return (
    <div className="logs-view">
      <ViewHeader title="Logs" sub={label || (engineId ? `swarm via ${engineRows[engineId]?.summary.name ?? engineId}` : undefined)} actions={swarmPicker} />
      <div className="view-body logs-body">
        <SourceToolbar
          target={target}
          label={label}
          services={services}
          stacks={stacks}
          serviceId={serviceId}
          tasksOfService={tasksOfService}
          svcName={svcName}
          nodeName={nodeName}
          onService={pickService}
          onTask={pickTask}
          tail={tail}
          onTail={setTail}
          onSince={setSince}
          streams={streams}
          onStreams={setStreams}
          showTimestamps={showTimestamps}
          onTimestamps={setShowTimestamps}
        />
        <DisplayToolbar
          search={search}
          searchRef={searchRef}
          ring={ring}
          status={stream.status}
          hasTarget={!!target}
          follow={follow}
          pausedAt={pausedAt}
          onTogglePause={togglePause}
          onFollow={() => {
            setPausedAt(undefined);
            setFollow(true);
          }}
          onClear={() => feed.clear()}
          onDownload={download}
        />
        {body}
      </div>
    </div>
  );
}
