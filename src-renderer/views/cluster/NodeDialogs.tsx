// The Cluster view's confirmations: promote/demote with the raft arithmetic, the label editor, and the
// guided remove (drain, leave, remove), each doing its request and showing the host's error as it is.
import { useEffect, useMemo, useState, type ReactElement } from 'react';
import { api } from '../../api';
import type { BoardNode } from '../../stores/cluster';
import type { QuorumReport } from '../../../src-main/api/domains/swarm';
import { Dialog } from '../../components/Dialog';
import { formatLabels, labelDiff, parseLabels, removalPlan, type RaftHealth } from './raft';
import { InlineError } from '../../components/InlineError';

export function RoleDialog({ engineId, node, role, onClose }: { engineId: string; node: BoardNode; role: 'manager' | 'worker'; onClose(): void }): ReactElement {
  const [report, setReport] = useState<QuorumReport>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    api.invoke('swarm.nodes.quorum', { engineId, node: node.id, role }).then(
      (r) => live && setReport(r),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [engineId, node.id, role]);
  const verb = role === 'manager' ? 'Promote' : 'Demote';
  const refused = report?.warnings.find((w) => /last manager/.test(w));
  const confirm = (): void => {
    if (busy || !report || refused) return;
    setBusy(true);
    setError(undefined);
    api.invoke('swarm.nodes.setRole', { engineId, node: node.id, role }).then(onClose, (e: Error) => {
      setBusy(false);
      setError(e.message);
    });
  };
  const before = report?.managersBefore ?? 0;
  const beforeMajority = Math.floor(before / 2) + 1;
  const beforeTolerates = before <= 0 ? 0 : Math.floor((before - 1) / 2);
  return (
    <Dialog
      title={`${verb} ${node.hostname} to ${role}?`}
      testId="role-dialog"
      onClose={onClose}
      onSubmit={confirm}
      actions={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={`btn ${report?.warnings.length ? 'danger' : 'primary'}`} disabled={!report || busy || Boolean(refused)} autoFocus data-testid="confirm-role">
            {busy ? `${verb.replace(/e$/, '')}ing…` : report?.warnings.length ? `${verb} anyway` : verb}
          </button>
        </>
      }
    >
      {!report && !error && (
        <p className="muted">
          <span className="spinner" aria-hidden="true" /> Working out the raft majority…
        </p>
      )}
      {report && (
        <div className="quorum" data-testid="quorum-report">
          <div className="quorum-cols">
            <div>
              <h4>Now</h4>
              <p>
                <b>{before}</b> manager{before === 1 ? '' : 's'}: majority floor({before}/2)+1 = <b>{beforeMajority}</b>, tolerates <b>{beforeTolerates}</b> failure{beforeTolerates === 1 ? '' : 's'}
              </p>
            </div>
            <div aria-hidden="true" className="quorum-arrow">
              →
            </div>
            <div>
              <h4>After</h4>
              <p>
                <b>{report.managersAfter}</b> manager{report.managersAfter === 1 ? '' : 's'}: majority floor({report.managersAfter}/2)+1 = <b>{report.majority}</b>, tolerates <b>{report.tolerates}</b> failure{report.tolerates === 1 ? '' : 's'}
              </p>
            </div>
          </div>
          <p className="mono small muted">{report.arithmetic}</p>
          {report.warnings.map((w) => (
            <p key={w} className="warn-box" role="alert">
              {w}
            </p>
          ))}
          {!report.warnings.length && <p className="muted small">No quorum risk.</p>}
        </div>
      )}
      {error && (
        <InlineError>{error}</InlineError>
      )}
    </Dialog>
  );
}

export function LabelsDialog({ engineId, node, onClose }: { engineId: string; node: BoardNode; onClose(): void }): ReactElement {
  const [text, setText] = useState(() => formatLabels(node.labels));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const parsed = useMemo(() => parseLabels(text), [text]);
  const diff = labelDiff(node.labels, parsed.labels);
  const changes = Object.keys(diff.add).length + diff.remove.length;
  const save = (): void => {
    if (busy || parsed.problem) return;
    if (!changes) return onClose();
    setBusy(true);
    api.invoke('swarm.nodes.label', { engineId, node: node.id, add: diff.add, remove: diff.remove }).then(onClose, (e: Error) => {
      setBusy(false);
      setError(e.message);
    });
  };
  return (
    <Dialog
      title={`Labels of ${node.hostname}`}
      testId="labels-dialog"
      onClose={onClose}
      onSubmit={save}
      actions={
        <>
          <span className="dialog-note">
            {parsed.problem ? (
              <span className="field-error">{parsed.problem}</span>
            ) : changes ? (
              `${Object.keys(diff.add).length} to set, ${diff.remove.length} to remove`
            ) : (
              'no changes'
            )}
          </span>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={busy || Boolean(parsed.problem)}>
            {busy ? 'Saving…' : 'Save labels'}
          </button>
        </>
      }
    >
      <label className="stacked">
        <span>
          One label per line, <code>key=value</code> (placement constraints use them: <code>node.labels.key==value</code>). Ctrl+Enter saves.
        </span>
        <textarea
          className="input labels-text"
          rows={7}
          value={text}
          autoFocus
          spellCheck={false}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              save();
            }
          }}
        />
      </label>
      {error && (
        <InlineError>{error}</InlineError>
      )}
    </Dialog>
  );
}

export function RemoveNodeDialog({ engineId, node, managerNodeId, health, onClose }: { engineId: string; node: BoardNode; managerNodeId?: string; health: RaftHealth; onClose(): void }): ReactElement {
  const [force, setForce] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string[]>();
  const plan = removalPlan(node, managerNodeId, health, force);
  const remove = (): void => {
    if (done) return onClose();
    if (busy || plan.refuse) return;
    setBusy(true);
    setError(undefined);
    api.invoke('swarm.nodes.remove', { engineId, node: node.id, force }).then(
      (r) => {
        setBusy(false);
        setDone(r.steps);
      },
      (e: Error) => {
        setBusy(false);
        setError(e.message);
      },
    );
  };
  return (
    <Dialog
      title={done ? `${node.hostname} was removed` : `Remove node ${node.hostname}?`}
      testId="remove-node-dialog"
      onClose={onClose}
      onSubmit={remove}
      actions={
        done ? (
          <button type="submit" className="btn primary" autoFocus>
            Close
          </button>
        ) : (
          <>
            <button type="button" className="btn" onClick={onClose} autoFocus>
              Keep it
            </button>
            <button type="submit" className="btn danger" disabled={busy || Boolean(plan.refuse)}>
              {busy ? 'Removing…' : `Remove ${node.hostname}`}
            </button>
          </>
        )
      }
    >
      {done ? (
        <ol className="plan done">
          {done.map((s) => (
            <li key={s}>✓ {s}</li>
          ))}
        </ol>
      ) : plan.refuse ? (
        <p className="warn-box">{plan.refuse}</p>
      ) : (
        <>
          <p>Flotilla will:</p>
          <ol className="plan">
            {plan.steps.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ol>
          {plan.warning && <p className="warn-box">{plan.warning}</p>}
          {node.status !== 'down' && (
            <label className="check wrap">
              <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} /> force: remove without draining or leaving (for a node whose engine is gone)
            </label>
          )}
          <p className="muted small">The machine itself stays; remove it in Machines if you no longer need it.</p>
          {busy && (
            <p className="muted">
              <span className="spinner" aria-hidden="true" /> Draining, leaving and removing — this can take a minute while tasks move.
            </p>
          )}
        </>
      )}
      {error && (
        <InlineError>{error}</InlineError>
      )}
    </Dialog>
  );
}
