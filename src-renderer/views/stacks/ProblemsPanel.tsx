// Flotilla's loader errors and warnings for the open file, each a link to its line.
import type { ReactElement } from 'react';
import { revealInEditor, useWorkbench } from './stacks-store';

export function ProblemsPanel(): ReactElement {
  const v = useWorkbench((s) => s.validation);
  const stale = useWorkbench((s) => s.doc?.content !== s.validation.content);
  if (v.status === 'error')
    return (
      <div className="panel-note err" role="alert">
        Could not check the file: {v.error}. The editor keeps your text; edit it to try again.
      </div>
    );
  if (v.status === 'idle' || (v.status === 'checking' && !v.content)) return <div className="panel-note">Checking the file…</div>;
  const shown = v.diagnostics.filter((d) => d.severity !== 'info' || d.message);
  return (
    <div className="problems" data-testid="problems">
      <div className="panel-sub">
        {v.status === 'checking' || stale ? <span className="spinner" aria-hidden="true" /> : null}
        {shown.some((d) => d.severity === 'error')
          ? 'Fix the errors before Plan or Deploy.'
          : shown.length
            ? 'No errors: the warnings below do not stop a deploy.'
            : `No problems: the file loads as docker stack deploy would load it${v.version ? ` (compose ${v.version})` : ''}.`}
      </div>
      <ul className="problem-list">
        {shown.map((d, i) => (
          <li key={i}>
            <button className={`problem ${d.severity}`} data-testid="problem" data-line={d.line} data-severity={d.severity} onClick={() => revealInEditor(d.line, d.column)}>
              <span className={`badge ${d.severity === 'error' ? 'err' : d.severity === 'warning' ? 'warn' : 'info'}`}>{d.severity}</span>
              <span className="problem-where mono">
                line {d.line}:{d.column}
              </span>
              <span className="problem-msg">{d.message}</span>
              {d.path && <span className="problem-path mono">{d.path}</span>}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
