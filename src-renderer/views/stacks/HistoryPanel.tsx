// A stack's deployments: when, which services, a diff between two of them, open one in the editor, roll back.
import { useEffect, useState, type ReactElement } from 'react';
import { useWorkbench, workbench } from './stacks-store';

export function HistoryPanel(): ReactElement {
  const stack = useWorkbench((s) => s.doc?.from?.stack ?? s.doc?.stack);
  const h = useWorkbench((s) => s.history);
  const running = useWorkbench((s) => s.run?.status === 'running');
  const [confirm, setConfirm] = useState<number>();
  useEffect(() => {
    if (stack && h.stack !== stack) void workbench.getState().loadHistory(stack);
  }, [stack, h.stack]);
  if (!stack) return <div className="panel-note">Name the stack to see its deployments.</div>;
  if (h.status === 'loading' && !h.entries.length) return <div className="panel-note">Loading the deployments of {stack}…</div>;
  if (h.status === 'error')
    return (
      <div className="panel-note err" role="alert">
        Could not read the history of {stack}: {h.error}
      </div>
    );
  if (!h.entries.length)
    return (
      <div className="panel-note">
        No deployments of <b>{stack}</b> from Flotilla on this swarm yet. Each Deploy keeps its compose files as written and the names of its variables here (never their values or secret contents), to compare and roll back.
      </div>
    );
  const entries = [...h.entries].reverse();
  const latest = entries[0].n;
  return (
    <div data-testid="history">
      <ul className="history-list">
        {entries.map((e) => {
          const prev = h.entries.filter((x) => x.n < e.n).pop();
          return (
            <li key={e.n} className="history-entry" data-testid="history-entry" data-n={e.n}>
              <div className="history-head">
                <b>#{e.n}</b> <span title={e.time}>{new Date(e.time).toLocaleString()}</span>
                {e.n === latest && <span className="badge ok">current</span>}
              </div>
              <div className="history-meta">
                {e.services.length} service{e.services.length === 1 ? '' : 's'}: <span className="mono">{e.services.join(', ')}</span>
                {e.variables.length > 0 && <> · variables {e.variables.join(', ')}</>}
              </div>
              <div className="history-actions">
                {prev && (
                  <button className="btn small" onClick={() => void workbench.getState().showDiff(stack, prev.n, e.n)}>
                    Diff with #{prev.n}
                  </button>
                )}
                {e.n !== latest && (
                  <button className="btn small" onClick={() => void workbench.getState().showDiff(stack, e.n, latest)}>
                    Diff with current
                  </button>
                )}
                <button className="btn small" onClick={() => void workbench.getState().openDeployment(stack, e.n)}>
                  Open in editor
                </button>
                {e.n !== latest &&
                  (confirm === e.n ? (
                    <>
                      <button
                        className="btn small danger"
                        disabled={running}
                        onClick={() => {
                          setConfirm(undefined);
                          workbench.getState().rollback(stack, e.n);
                        }}
                      >
                        Roll back {stack} to #{e.n}
                      </button>
                      <button className="btn small" onClick={() => setConfirm(undefined)}>
                        Cancel
                      </button>
                    </>
                  ) : (
                    <button className="btn small" onClick={() => setConfirm(e.n)}>
                      Roll back to this one…
                    </button>
                  ))}
              </div>
            </li>
          );
        })}
      </ul>
      {h.diff && (
        <div className="history-diff" data-testid="history-diff">
          <div className="panel-sub">
            Changes from #{h.diff.a} to #{h.diff.b}
          </div>
          <pre className="diff mono">
            {h.diff.text.split('\n').map((l, i) => (
              <div key={i} className={l.startsWith('+++') || l.startsWith('---') ? 'diff-file' : l.startsWith('+') ? 'diff-add' : l.startsWith('-') ? 'diff-del' : ''}>
                {l || ' '}
              </div>
            ))}
            {!h.diff.text.trim() && <div>The two deployments used the same files and variables.</div>}
          </pre>
        </div>
      )}
    </div>
  );
}
