// The Machines view: every machine with its state, driver, IP, Docker version, swarm role and errors;
// power actions, new certificates, an SSH terminal, remove (confirmed); the create wizard and the
// one-click "New swarm", whose live per-machine progress stays here while it runs.
import { Fragment, useEffect, useState, type ReactElement } from 'react';
import { api } from '../../api';
import { ViewHeader } from '../../components/ViewHeader';
import { StateMessage } from '../../components/StateMessage';
import { useNav } from '../../stores/nav';
import { useUi } from '../../stores/ui';
import type { MachineSummary } from '../../../src-main/api/domains/machines';
import { useMachines } from '../../stores/machines';
import { useOperations } from './machines-store';
import { hostOfUrl, stateTone } from './format';
import { OperationCard } from './OperationCard';
import { NewSwarmDialog } from './NewSwarmDialog';
import { CreateMachineDialog } from './CreateMachineDialog';
import { ExportClusterFileDialog, OpenClusterFileDialog } from './ClusterFileDialog';
import { MachineDetails } from './MachineDetails';
import { Dialog } from '../../components/Dialog';
import './machines.css';
import { useSwarmChoice } from '../../stores/swarm-target';
import { InlineError } from '../../components/InlineError';

/** the cluster views follow one chosen swarm: make it the new one (its first manager machine, NAME-m1) */
function showSwarm(name: string, view: 'cluster' | 'board'): void {
  useSwarmChoice.getState().choose(`machine:${name}-m1`);
  useUi.getState().setView(view);
}

type Power = 'machines.start' | 'machines.stop' | 'machines.restart';

function RemoveDialog({ machine, onClose }: { machine: MachineSummary; onClose(): void }): ReactElement {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const remove = (): void => {
    if (busy) return;
    setBusy(true);
    api.invoke('machines.rm', { name: machine.name }).then(
      () => {
        onClose();
        void useMachines.getState().load();
      },
      (e: Error) => {
        setBusy(false);
        setError(e.message);
      },
    );
  };
  return (
    <Dialog
      title={`Remove machine ${machine.name}?`}
      testId="remove-machine-dialog"
      onClose={onClose}
      onSubmit={remove}
      actions={
        <>
          <button type="button" className="btn" onClick={onClose} autoFocus>
            Keep it
          </button>
          <button type="submit" className="btn danger" disabled={busy}>
            {busy ? 'Removing…' : `Remove ${machine.name}`}
          </button>
        </>
      }
    >
      <p>
        This deletes the {machine.driver} host <b>{machine.name}</b> with everything on it (containers, images, volumes), its Docker context, SSH key and
        certificates. It cannot be undone.
      </p>
      {machine.swarm && (
        <p className="warn-box">
          {machine.name} is a swarm {machine.swarm}. Its swarm will see it go down: to leave the swarm cleanly first, remove the node in <b>Cluster</b> (drain, leave,
          remove){machine.swarm === 'manager' ? ', and keep an odd number of managers' : ''}.
        </p>
      )}
      {error && (
        <InlineError>{error}</InlineError>
      )}
    </Dialog>
  );
}

/** a state in which the driver is mid-change: nothing may be pressed until it settles */
const TRANSIENT: ReadonlySet<MachineSummary['state']> = new Set(['creating', 'starting', 'stopping']);

function MachineRow(props: { m: MachineSummary; busy?: string; operation?: string; onPower(verb: Power): void; onRemove(): void; expanded: boolean; onToggle(): void }): ReactElement {
  const { m, busy, operation, onPower, onRemove, expanded, onToggle } = props;
  const running = m.state === 'running';
  const ip = hostOfUrl(m.url);
  // mid-create (or mid new-certificates) a power action or a remove would race the operation's own steps
  const locked = Boolean(busy) || Boolean(operation) || TRANSIENT.has(m.state);
  const wait = operation ? `wait: ${operation} is running (cancel it in its card)` : TRANSIENT.has(m.state) ? `wait: ${m.name} is ${m.state}` : undefined;
  return (
    <tr className={`machine-row${expanded ? ' expanded' : ''}`} data-testid="machine-row" data-machine={m.name} data-state={m.state}>
      <td>
        <button type="button" className="linklike" aria-expanded={expanded} onClick={onToggle} title="details">
          <span aria-hidden="true">{expanded ? '▾' : '▸'}</span> <b>{m.name}</b>
        </button>
        {m.active && <span className="badge info" title="DOCKER_HOST points here"> active</span>}
      </td>
      <td>
        <span className={`badge ${stateTone(m.state)}`} data-testid="machine-state">
          {busy || TRANSIENT.has(m.state) ? <span className="spinner" aria-hidden="true" /> : <span className="dot" aria-hidden="true" />} {busy ?? m.state}
        </span>
      </td>
      <td>{m.driver}</td>
      <td className="mono">{ip || '—'}</td>
      <td data-testid="machine-docker">{m.docker && m.docker !== 'Unknown' ? m.docker : '—'}</td>
      <td>{m.swarm ? <span className={`badge ${m.swarm === 'manager' ? 'info' : ''}`}>{m.swarm}</span> : <span className="muted">—</span>}</td>
      <td className="machine-error">{m.error ? <span title={m.error}>{m.error}</span> : <span className="muted">—</span>}</td>
      <td className="row-actions">
        {running ? (
          <button type="button" className="btn small" disabled={locked} title={wait} onClick={() => onPower('machines.stop')}>
            Stop
          </button>
        ) : (
          <button type="button" className="btn small" disabled={locked} title={wait} onClick={() => onPower('machines.start')}>
            Start
          </button>
        )}
        <button type="button" className="btn small" disabled={locked || !running} title={wait} onClick={() => onPower('machines.restart')}>
          Restart
        </button>
        <button
          type="button"
          className="btn small"
          disabled={locked || !running}
          title={wait ?? (running ? `a shell on ${m.name} over SSH` : 'start the machine first')}
          onClick={() => useNav.getState().open({ view: 'terminals', target: { kind: 'machine', machine: m.name } })}
        >
          SSH
        </button>
        <button
          type="button"
          className="btn small"
          disabled={locked || !running}
          title={wait ?? 'new server certificate, then re-provision (fixes certificate errors after an IP change)'}
          onClick={() => useOperations.getState().regenerateCerts(m.name)}
        >
          New certs
        </button>
        <button type="button" className="btn small danger-outline" disabled={locked} title={wait} onClick={onRemove} aria-label={`remove ${m.name}`}>
          Remove
        </button>
      </td>
    </tr>
  );
}

export function MachinesView(): ReactElement {
  const status = useMachines((s) => s.status);
  const error = useMachines((s) => s.error);
  const list = useMachines((s) => s.list);
  const ops = useOperations((s) => s.ops);
  const [dialog, setDialog] = useState<'swarm' | 'create' | 'cluster-open' | 'cluster-export'>();
  const [removing, setRemoving] = useState<MachineSummary>();
  const [expanded, setExpanded] = useState<string>();
  const [busy, setBusy] = useState<Record<string, string>>({});
  const [actionError, setActionError] = useState<string>();

  useEffect(() => {
    void useMachines.getState().load();
  }, []);

  const power = (name: string, verb: Power): void => {
    const label = { 'machines.start': 'starting', 'machines.stop': 'stopping', 'machines.restart': 'restarting' }[verb];
    setBusy((b) => ({ ...b, [name]: label }));
    setActionError(undefined);
    api
      .invoke(verb, { name })
      .catch((e: Error) => setActionError(`${label} ${name} failed: ${e.message}`))
      .finally(() => {
        setBusy(({ [name]: _, ...rest }) => rest);
        void useMachines.getState().load();
      });
  };
  const reload = (): void => void useMachines.getState().load();
  const running = list.filter((m) => m.state === 'running').length;
  const swarmsReady = ops.filter((o) => o.kind === 'swarm' && o.status === 'done');

  return (
    <>
      <ViewHeader
        title="Machines"
        sub={status === 'ready' ? `${list.length} machine${list.length === 1 ? '' : 's'}, ${running} running` : undefined}
        actions={
          <>
            <button className="btn" onClick={reload}>
              Reload
            </button>
            <button className="btn" onClick={() => setDialog('cluster-open')} data-testid="open-cluster-file">
              Open cluster file…
            </button>
            <button className="btn" onClick={() => setDialog('cluster-export')} data-testid="export-cluster-file">
              Export cluster file…
            </button>
            <button className="btn" onClick={() => setDialog('create')} data-testid="new-machine">
              New machine…
            </button>
            <button className="btn primary" onClick={() => setDialog('swarm')} data-testid="new-swarm">
              New swarm
            </button>
          </>
        }
      />
      <div className="view-body machines-view">
        {ops.length > 0 && (
          <div className="op-list" aria-label="operations">
            {ops.map((op) => (
              <OperationCard key={op.id} op={op} />
            ))}
          </div>
        )}
        {swarmsReady.length > 0 && (
          <div className="next-step" role="status">
            Swarm {swarmsReady[0].name} is ready.{' '}
            <button type="button" className="btn small" onClick={() => showSwarm(swarmsReady[0].name, 'cluster')}>
              See its nodes in Cluster
            </button>{' '}
            <button type="button" className="btn small" onClick={() => showSwarm(swarmsReady[0].name, 'board')}>
              Open the Board
            </button>
          </div>
        )}
        {actionError && (
          <InlineError onDismiss={() => setActionError(undefined)}>{actionError}</InlineError>
        )}
        {(status === 'idle' || status === 'loading') && <StateMessage kind="loading" title="Asking every machine for its state…" />}
        {status === 'error' && (
          <StateMessage kind="error" title="Could not list the machines">
            <pre>{error}</pre>
            <p>Check that Flotilla's core is running (restart `flotilla serve` or the app), then try again.</p>
            <button className="btn" onClick={reload}>
              Try again
            </button>
          </StateMessage>
        )}
        {status === 'ready' && list.length === 0 && ops.length === 0 && (
          <StateMessage title="No machines yet" testId="machines-empty">
            <p>A machine is a host with Docker that Flotilla made and reaches over TLS. Make three at once as a ready swarm (1 manager, 2 workers), or one at a time.</p>
            <p>
              <button className="btn primary" onClick={() => setDialog('swarm')}>
                New swarm
              </button>{' '}
              <button className="btn" onClick={() => setDialog('create')}>
                New machine…
              </button>
            </p>
          </StateMessage>
        )}
        {status === 'ready' && list.length > 0 && (
          <table className="data-table machines-table" data-testid="machines-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>State</th>
                <th>Driver</th>
                <th>IP</th>
                <th>Docker</th>
                <th>Swarm</th>
                <th>Errors</th>
                <th aria-label="actions" />
              </tr>
            </thead>
            <tbody>
              {list.map((m) => (
                <Fragment key={m.name}>
                  <MachineRow
                    m={m}
                    busy={busy[m.name]}
                    operation={ops.find((o) => o.status === 'running' && o.machines[m.name])?.title}
                    onPower={(v) => power(m.name, v)}
                    onRemove={() => setRemoving(m)}
                    expanded={expanded === m.name}
                    onToggle={() => setExpanded(expanded === m.name ? undefined : m.name)}
                  />
                  {expanded === m.name && (
                    <tr className="details-row">
                      <td colSpan={8}>
                        <MachineDetails name={m.name} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {dialog === 'swarm' && <NewSwarmDialog onClose={() => setDialog(undefined)} />}
      {dialog === 'create' && <CreateMachineDialog onClose={() => setDialog(undefined)} />}
      {dialog === 'cluster-open' && <OpenClusterFileDialog onClose={() => setDialog(undefined)} />}
      {dialog === 'cluster-export' && <ExportClusterFileDialog onClose={() => setDialog(undefined)} />}
      {removing && <RemoveDialog machine={removing} onClose={() => setRemoving(undefined)} />}
    </>
  );
}
