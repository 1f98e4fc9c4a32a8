// One long operation (a swarm being made, a machine being created, new certificates): a row per
// machine with its steps as they happen, the swarm's own steps, and the raw log behind a toggle.
import { memo, useEffect, useRef, useState, type ReactElement } from 'react';
import { machinePhase, operationSummary, type MachinePhase, type Operation } from './progress';
import { useOperations } from './machines-store';
import { InlineError } from '../../components/InlineError';

const PHASE_LABEL: Record<MachinePhase, string> = { waiting: 'waiting', working: 'working', ready: 'created', failed: 'failed', done: 'ready' };
const PHASE_ICON: Record<MachinePhase, string> = { waiting: '○', working: '', ready: '✓', failed: '✗', done: '✓' };

function RawLog({ op }: { op: Operation }): ReactElement {
  const ref = useRef<HTMLPreElement>(null);
  const stick = useRef(true);
  useEffect(() => {
    const el = ref.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [op.log]);
  return (
    <pre
      className="raw-log"
      ref={ref}
      tabIndex={0}
      aria-label={`raw log of ${op.title}`}
      data-testid="op-raw-log"
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      }}
    >
      {op.logDropped > 0 && `… ${op.logDropped} earlier lines are in each machine's log (Details → Log)\n`}
      {op.log.length ? op.log.join('\n') : 'no log lines yet'}
    </pre>
  );
}

export const OperationCard = memo(function OperationCard({ op }: { op: Operation }): ReactElement {
  const [showLog, setShowLog] = useState(false);
  const { cancel, dismiss } = useOperations.getState();
  const tone = op.status === 'done' ? 'ok' : op.status === 'running' ? 'info' : 'err';
  return (
    <section className={`op-card tone-${tone}`} data-testid="op-card" data-status={op.status} aria-label={op.title}>
      <header className="op-head">
        {op.status === 'running' && <span className="spinner" aria-hidden="true" />}
        <h3>{op.title}</h3>
        <span className={`badge ${tone}`} data-testid="op-status">
          {op.status === 'running' ? 'in progress' : op.status}
        </span>
        <span className="op-summary" data-testid="op-summary">
          {operationSummary(op)}
        </span>
        <span className="op-actions">
          <button type="button" className="btn small" aria-expanded={showLog} onClick={() => setShowLog(!showLog)} data-testid="op-log-toggle">
            {showLog ? 'Hide raw log' : `Show raw log (${op.log.length + op.logDropped})`}
          </button>
          {op.status === 'running' ? (
            <button type="button" className="btn small" onClick={() => cancel(op.id)}>
              Cancel
            </button>
          ) : (
            <button type="button" className="btn small" onClick={() => dismiss(op.id)} aria-label={`dismiss ${op.title}`}>
              Dismiss
            </button>
          )}
        </span>
      </header>
      <ol className="op-machines">
        {op.order.map((m) => {
          const mp = op.machines[m];
          const { phase, current } = machinePhase(op, m);
          return (
            <li key={m} className={`op-machine phase-${phase}`} data-testid="op-machine" data-machine={m} data-phase={phase}>
              <span className="op-icon" aria-hidden="true">
                {phase === 'working' ? <span className="spinner" /> : PHASE_ICON[phase]}
              </span>
              <span className="op-mname">{m}</span>
              <span className="op-role">{mp?.role && <span className={`badge ${mp.role === 'manager' ? 'info' : ''}`}>{mp.role}</span>}</span>
              <span className="op-phase">{PHASE_LABEL[phase]}</span>
              <span className="op-step" title={current?.detail}>
                {current ? (
                  <>
                    <span className="op-stepno">step {mp?.steps.length}</span> {current.name}
                    {current.detail && <span className="muted"> — {current.detail}</span>}
                  </>
                ) : (
                  <span className="muted">not started yet</span>
                )}
              </span>
              {mp && mp.steps.length > 1 && op.status !== 'done' && (
                <span className="op-trail" aria-label={`steps done on ${m}`}>
                  {mp.steps.slice(0, -1).map((s, i) => (
                    <span key={i} className="op-trail-step" title={s.detail ?? s.name}>
                      ✓ {s.name}
                    </span>
                  ))}
                </span>
              )}
            </li>
          );
        })}
      </ol>
      {op.groupSteps.length > 0 && (
        <ol className="op-group">
          {op.groupSteps.map((s, i) => {
            const last = i === op.groupSteps.length - 1 && op.status === 'running';
            return (
              <li key={i}>
                {last ? <span className="spinner" aria-hidden="true" /> : <span aria-hidden="true">✓</span>} {s.name}
                {s.detail && <span className="muted"> — {s.detail}</span>}
              </li>
            );
          })}
        </ol>
      )}
      {op.status === 'failed' && op.error && (
        <InlineError testId="op-error">{op.error}</InlineError>
      )}
      {showLog && <RawLog op={op} />}
    </section>
  );
});
