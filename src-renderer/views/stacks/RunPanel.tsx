// Deploy and rollback progress: per service, running of desired, until converged or failed, with the
// failing tasks' errors and the engine's warnings.
import type { ReactElement } from 'react';
import { runSummary } from './deploy-progress';
import { useWorkbench, workbench } from './stacks-store';

export function RunPanel(): ReactElement {
  const run = useWorkbench((s) => s.run);
  if (!run)
    return (
      <div className="panel-note">
        Deploy sends this file to the swarm (services, networks, secrets, configs) and follows each service until it converges. Plan first (Ctrl+Enter) to see what would change.
      </div>
    );
  return (
    <div data-testid="run" data-status={run.status}>
      <div className={`run-summary ${run.status}`} data-testid="run-summary" role={run.status === 'error' || run.status === 'failed' ? 'alert' : 'status'}>
        {run.status === 'running' && <span className="spinner" aria-hidden="true" />} {runSummary(run)}
        {run.status === 'running' && (
          <button className="btn small" onClick={() => workbench.getState().stopRun()}>
            Stop watching
          </button>
        )}
      </div>
      {run.error && <pre className="run-error">{run.error}</pre>}
      {run.status === 'failed' && (
        <div className="panel-sub">Fix what the task errors name (image, command, placement, resources), then Deploy again; the swarm keeps retrying the tasks meanwhile.</div>
      )}
      {run.kind === 'rollback' && run.status === 'converged' && run.history !== undefined && (
        <div className="panel-sub">
          The swarm now runs deployment #{run.history}; the editor still shows your text.{' '}
          <button className="btn small" onClick={() => void workbench.getState().openDeployment(run.stack, run.history ?? 0)}>
            Open #{run.history} in the editor
          </button>
        </div>
      )}
      <ul className="run-services">
        {run.services.map((s) => {
          const pct = s.desired ? Math.min(100, Math.round((100 * s.running) / s.desired)) : s.state === 'converged' ? 100 : 0;
          return (
            <li key={s.service} className={`run-service ${s.state}`} data-testid="run-service" data-service={s.service} data-state={s.state}>
              <div className="run-line">
                <b className="mono">{s.service}</b>
                {s.action && <span className="badge">{s.action}</span>}
                <span className={`badge ${s.state === 'converged' ? 'ok' : s.state === 'failed' ? 'err' : 'info'}`}>{s.state}</span>
                <span className="run-count mono">
                  {s.running}/{s.desired}
                </span>
              </div>
              <div className="bar" aria-label={`${s.service}: ${s.running} of ${s.desired} running`}>
                <div className={`bar-fill ${s.state}`} style={{ width: `${pct}%` }} />
              </div>
              {s.errors.map((e, i) => (
                <div key={i} className="run-task-error">
                  {e}
                </div>
              ))}
            </li>
          );
        })}
      </ul>
      {run.warnings.length > 0 && (
        <details className="run-warnings" open>
          <summary>{run.warnings.length} warning(s)</summary>
          {run.warnings.map((w, i) => (
            <pre key={i}>{w}</pre>
          ))}
        </details>
      )}
      {run.log.length > 0 && (
        <details className="run-log">
          <summary>Log ({run.log.length} lines)</summary>
          <pre>{run.log.join('\n')}</pre>
        </details>
      )}
    </div>
  );
}
