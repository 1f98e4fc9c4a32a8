// The dry run: what a deploy would create, update (field by field) or remove.
import type { ReactElement } from 'react';
import { useWorkbench, workbench } from './stacks-store';

const show = (v: unknown): string => (v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

export function PlanPanel(): ReactElement {
  const plan = useWorkbench((s) => s.plan);
  const stale = useWorkbench((s) => s.plan.content !== undefined && s.doc?.content !== s.plan.content);
  const stack = useWorkbench((s) => s.doc?.stack ?? '');
  if (plan.status === 'idle')
    return (
      <div className="panel-note">
        Plan (Ctrl+Enter) compares this file with what runs on the swarm as stack <b>{stack || '…'}</b> and lists what Deploy would create, update or remove. Nothing changes on the swarm.
      </div>
    );
  if (plan.status === 'running')
    return (
      <div className="panel-note">
        <span className="spinner" aria-hidden="true" /> Planning against the swarm…
      </div>
    );
  if (plan.status === 'error')
    return (
      <div className="panel-note err" role="alert" data-testid="plan-error">
        <b>Plan failed.</b>
        <pre>{plan.error}</pre>
        Fix what it names (the Problems tab shows the line), then Plan again.
      </div>
    );
  const changes = plan.items.filter((i) => i.action !== 'unchanged');
  const same = plan.items.length - changes.length;
  return (
    <div data-testid="plan">
      <div className="panel-sub">
        {stale && (
          <span className="badge warn" title="the text changed since this plan">
            stale: Plan again
          </span>
        )}{' '}
        {changes.length ? `${changes.length} change${changes.length === 1 ? '' : 's'}` : 'No changes: the swarm already runs this file'}
        {same ? `, ${same} unchanged` : ''}.{' '}
        {changes.length > 0 && (
          <button className="btn small primary" onClick={() => workbench.getState().deploy()}>
            Deploy these changes
          </button>
        )}
      </div>
      <ul className="plan-list">
        {plan.items.map((i) => (
          <li key={`${i.kind}/${i.name}`} className={`plan-item ${i.action}`} data-testid="plan-item" data-action={i.action} data-kind={i.kind}>
            <div className="plan-head">
              <span className={`plan-action ${i.action}`}>{i.action === 'create' ? '+' : i.action === 'remove' ? '−' : i.action === 'update' ? '~' : '='}</span>
              <span className="badge">{i.kind}</span> <b className="mono">{i.name}</b> <span className="plan-verb">{i.action}</span>
            </div>
            {i.action === 'update' && i.changes.length > 0 && (
              <table className="plan-changes mono">
                <tbody>
                  {i.changes.slice(0, 50).map((c) => (
                    <tr key={c.path}>
                      <td>{c.path}</td>
                      <td className="from">{show(c.from)}</td>
                      <td className="to">{show(c.to)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
