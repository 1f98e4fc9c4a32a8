// The Terminals view: shells in tabs. SSH into a machine or an engine host (lab hosts), or exec into a
// task's container (on whichever node runs it). Every tab keeps its xterm while others show; closing a
// tab closes its channel. Other views open a shell with useNav().open({view: 'terminals', target}).
import { useCallback, useEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent, type ReactElement } from 'react';
import { useStore } from 'zustand';
import { api } from '../../api';
import { clusterStore, useEngines } from '../../stores';
import { useSwarmTarget } from '../../stores/swarm-target';
import { useNav, type TerminalTarget as NavTarget } from '../../stores/nav';
import { ViewHeader } from '../../components/ViewHeader';
import { StateMessage } from '../../components/StateMessage';
import type { TerminalTarget } from '../../../src-main/api/domains/terminals';
import type { MachineSummary } from '../../../src-main/api/domains/machines';
import { TerminalPane, type PaneStatus } from './TerminalPane';
import '../../components/ansi-palette.css';
import './terminals.css';

interface Tab {
  key: number;
  target: TerminalTarget;
  label: string;
  status: PaneStatus;
}

function toContract(t: NavTarget): TerminalTarget {
  if (t.kind === 'machine') return { kind: 'machine', machine: t.machine };
  if (t.kind === 'engine-host') return { kind: 'engine-host', engineId: t.engineId };
  if (t.kind === 'container') return { kind: 'container', engineId: t.engineId, containerId: t.containerId };
  return { kind: 'task', engineId: t.engineId, taskId: t.taskId };
}

function navLabel(t: NavTarget): string {
  if (t.kind === 'machine') return t.machine;
  if (t.kind === 'engine-host') return t.name ?? t.engineId.replace(/^\w+:/, '');
  if (t.kind === 'container') return t.name ?? `container ${t.containerId.slice(0, 12)}`;
  return t.name ?? `task ${t.taskId.slice(0, 12)}`;
}

let nextKey = 1;

/** machines.ls, kept fresh by the machines.changed broadcast */
function useMachines(): { list?: MachineSummary[]; error?: string; reload(): void } {
  const [state, setState] = useState<{ list?: MachineSummary[]; error?: string }>({});
  const reload = useCallback(() => {
    api.invoke('machines.ls', { timeoutMs: 10_000 }).then(
      (list) => setState({ list }),
      (e: Error) => setState((s) => ({ list: s.list, error: e.message })),
    );
  }, []);
  useEffect(() => {
    reload();
    return api.onBroadcast('machines.changed', reload);
  }, [reload]);
  return { ...state, reload };
}

function Launcher(props: { open(t: TerminalTarget, label: string): void }): ReactElement {
  const machines = useMachines();
  const swarm = useSwarmTarget();
  const engineOrder = useEngines((s) => s.order);
  const engineRows = useEngines((s) => s.rows);
  const cluster = useStore(clusterStore);
  useEffect(() => {
    if (swarm.engineId) clusterStore.getState().watch(swarm.engineId);
  }, [swarm.engineId]);

  const sshEngines = engineOrder.map((id) => engineRows[id]?.summary).filter((e) => e && e.transport === 'ssh');
  const model = cluster.engineId === swarm.engineId ? cluster.model : undefined;
  const services = new Map((model?.services ?? []).map((s) => [s.id, s]));
  const nodes = new Map((model?.nodes ?? []).map((n) => [n.id, n]));
  const running = (model?.tasks ?? [])
    .filter((t) => t.state === 'running')
    .sort((a, b) => (services.get(a.serviceId)?.name ?? '').localeCompare(services.get(b.serviceId)?.name ?? '') || (a.slot ?? 0) - (b.slot ?? 0));
  const taskName = (t: (typeof running)[number]): string => `${services.get(t.serviceId)?.name ?? t.serviceId.slice(0, 8)}.${t.slot ?? nodes.get(t.nodeId ?? '')?.hostname ?? ''}`;

  return (
    <div className="term-launcher" data-testid="terminal-launcher">
      <section aria-labelledby="tl-machines">
        <h2 id="tl-machines">SSH into a machine</h2>
        {machines.error && !machines.list ? (
          <div className="term-note tone-err" role="alert">
            Cannot list the machines: {machines.error}{' '}
            <button className="btn small" onClick={machines.reload}>
              Try again
            </button>
          </div>
        ) : !machines.list ? (
          <div className="term-note">
            <span className="spinner" aria-hidden="true" /> Listing machines…
          </div>
        ) : machines.list.length === 0 && sshEngines.length === 0 ? (
          <div className="term-note">No machines yet: create one in Machines (or add an ssh:// engine) to open a shell on it.</div>
        ) : (
          <ul className="term-choices">
            {machines.list.map((m) => (
              <li key={m.name}>
                <button
                  className="btn term-choice"
                  disabled={m.state !== 'running'}
                  title={m.state !== 'running' ? `${m.name} is ${m.state}: start it in Machines first` : `ssh into ${m.name}`}
                  onClick={() => props.open({ kind: 'machine', machine: m.name }, m.name)}
                  data-testid="ssh-machine"
                  data-machine={m.name}
                >
                  <span className="term-choice-name">{m.name}</span>
                  <span className={`badge ${m.state === 'running' ? 'ok' : ''}`}>{m.state}</span>
                  {m.swarm && <span className="term-choice-sub">{m.swarm}</span>}
                </button>
              </li>
            ))}
            {sshEngines.map(
              (e) =>
                e && (
                  <li key={e.id}>
                    <button className="btn term-choice" onClick={() => props.open({ kind: 'engine-host', engineId: e.id }, e.name)} data-testid="ssh-engine">
                      <span className="term-choice-name">{e.name}</span>
                      <span className="badge">{e.source} host</span>
                    </button>
                  </li>
                ),
            )}
          </ul>
        )}
      </section>
      <section aria-labelledby="tl-tasks">
        <h2 id="tl-tasks">Exec into a task&apos;s container</h2>
        {!swarm.engineId ? (
          <div className="term-note">{swarm.loading ? 'Looking for a swarm…' : 'No swarm: tasks show here once an engine is a swarm manager.'}</div>
        ) : cluster.status === 'error' ? (
          <div className="term-note tone-err" role="alert">
            Cannot read the swarm: {cluster.error}
          </div>
        ) : cluster.status !== 'live' ? (
          <div className="term-note">
            <span className="spinner" aria-hidden="true" /> Reading the swarm&apos;s tasks…
          </div>
        ) : running.length === 0 ? (
          <div className="term-note">No task is running in this swarm: deploy a stack or create a service first.</div>
        ) : (
          <ul className="term-choices">
            {running.map((t) => (
              <li key={t.id}>
                <button
                  className="btn term-choice"
                  onClick={() => props.open({ kind: 'task', engineId: swarm.engineId as string, taskId: t.id }, taskName(t))}
                  data-testid="exec-task"
                  data-service={services.get(t.serviceId)?.name}
                >
                  <span className="term-choice-name">{taskName(t)}</span>
                  <span className="term-choice-sub">on {nodes.get(t.nodeId ?? '')?.hostname ?? '?'}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

export function TerminalsView(): ReactElement {
  const [tabs, setTabs] = useState<Tab[]>([]);
  const [active, setActive] = useState<number | 'new'>('new');
  const tabList = useRef<HTMLDivElement>(null);
  const swarm = useSwarmTarget();
  const engineRows = useEngines((s) => s.rows);

  const open = useCallback((target: TerminalTarget, label: string) => {
    const key = nextKey++;
    setTabs((ts) => [...ts, { key, target, label, status: { state: 'connecting' } }]);
    setActive(key);
  }, []);

  // intents from other views ("a shell on this machine", "exec into this task")
  const intent = useNav((s) => s.intent);
  useEffect(() => {
    const i = useNav.getState().take('terminals');
    if (i) open(toContract(i.target), navLabel(i.target));
  }, [intent, open]);

  const close = (key: number): void => {
    setTabs((ts) => {
      const i = ts.findIndex((t) => t.key === key);
      const rest = ts.filter((t) => t.key !== key);
      if (active === key) setActive(rest.length ? rest[Math.min(i, rest.length - 1)].key : 'new');
      return rest;
    });
  };
  const setStatus = (key: number, status: PaneStatus): void => setTabs((ts) => ts.map((t) => (t.key === key ? { ...t, status } : t)));

  const order: Array<number | 'new'> = [...tabs.map((t) => t.key), 'new'];
  const onTabKey = (e: ReactKeyboardEvent<HTMLDivElement>): void => {
    const i = order.indexOf(active);
    let next = -1;
    if (e.key === 'ArrowRight') next = (i + 1) % order.length;
    else if (e.key === 'ArrowLeft') next = (i - 1 + order.length) % order.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = order.length - 1;
    else if (e.key === 'Delete' && typeof active === 'number') {
      e.preventDefault();
      close(active);
      return;
    }
    if (next < 0) return;
    e.preventDefault();
    setActive(order[next]);
    tabList.current?.querySelectorAll<HTMLElement>('[role="tab"]')[next]?.focus();
  };

  const swarmPicker =
    swarm.managers.length > 1 ? (
      <select className="select" aria-label="swarm" value={swarm.engineId} onChange={(e) => swarm.choose(e.target.value)}>
        {swarm.managers.map((id) => (
          <option key={id} value={id}>
            swarm via {engineRows[id]?.summary.name ?? id}
          </option>
        ))}
      </select>
    ) : undefined;

  const dot = (s: PaneStatus): string => (s.state === 'open' ? 'ok' : s.state === 'connecting' ? 'info' : s.state === 'error' ? 'err' : 'muted');

  return (
    <div className="terminals-view">
      <ViewHeader title="Terminals" sub={tabs.length ? `${tabs.length} open` : 'SSH and exec shells'} actions={swarmPicker} />
      <div className="view-body terminals-body">
        <div className="term-tabs" role="tablist" aria-label="terminals" ref={tabList} onKeyDown={onTabKey}>
          {tabs.map((t) => (
            <div key={t.key} className={`term-tab${active === t.key ? ' active' : ''}`}>
              <button
                role="tab"
                aria-selected={active === t.key}
                tabIndex={active === t.key ? 0 : -1}
                onClick={() => setActive(t.key)}
                className="term-tab-btn"
                title={t.status.state === 'error' ? t.status.message : t.status.state === 'open' ? t.status.title : t.status.state}
                data-testid="terminal-tab"
              >
                <span className={`dot tone-${dot(t.status)}`} aria-hidden="true" />
                {t.target.kind === 'task' || t.target.kind === 'container' ? 'exec ' : 'ssh '}
                {t.label}
              </button>
              <button className="term-tab-close" aria-label={`close ${t.label}`} title="close (Delete on the tab)" onClick={() => close(t.key)}>
                ×
              </button>
            </div>
          ))}
          <button role="tab" aria-selected={active === 'new'} tabIndex={active === 'new' ? 0 : -1} className={`term-tab-btn term-new${active === 'new' ? ' active' : ''}`} onClick={() => setActive('new')}>
            + New terminal
          </button>
        </div>
        <div className="term-stage">
          {tabs.map((t) => (
            <div key={t.key} className="term-panel" role="tabpanel" hidden={active !== t.key}>
              {t.status.state === 'error' && (
                <StateMessage kind="error" title={`Cannot open a shell on ${t.label}`}>
                  <pre>{t.status.message}</pre>
                  <button className="btn" onClick={() => (close(t.key), open(t.target, t.label))}>
                    Try again
                  </button>
                </StateMessage>
              )}
              <TerminalPane target={t.target} active={active === t.key} onStatus={(s) => setStatus(t.key, s)} />
            </div>
          ))}
          {active === 'new' && <Launcher open={open} />}
        </div>
      </div>
    </div>
  );
}
