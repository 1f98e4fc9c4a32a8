// "Open cluster file": the file (with its compose files) as text, its plan as the host computes it (cluster.plan),
// then Apply: cluster.up runs as an operation with the same per-machine progress card as "New swarm".
// "Export cluster file": cluster.export for a swarm of Flotilla machines, saved (Electron) or downloaded (browser).
// In a browser the files are uploads and their contents travel in the request; in Electron the cluster file is
// opened by path and its compose files are read beside it on this computer.
import { useMemo, useState, type ReactElement } from 'react';
import { api } from '../../api';
import { Dialog } from '../../components/Dialog';
import { InlineError } from '../../components/InlineError';
import type { OutputOf } from '../../../src-main/api/contract';
import type { ClusterChange } from '../../../src-main/api/domains/cluster';
import { useMachines } from '../../stores/machines';
import { useOperations } from './machines-store';

type Plan = OutputOf<'cluster.plan'>;

const SIGN: Record<ClusterChange['action'], string> = { create: '+', init: '+', join: '+', provision: '~', resize: '~', promote: '~', demote: '~', update: '~', deploy: '~', remove: '−' };

interface Source {
  path: string;
  content: string;
  files: Record<string, string>;
}

/** browser: the cluster file and the compose files it names, picked together (they travel in the request) */
function pickFiles(): Promise<File[]> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.accept = '.yml,.yaml,text/yaml,application/yaml';
    input.addEventListener('change', () => resolve([...(input.files ?? [])]), { once: true });
    input.addEventListener('cancel', () => resolve([]), { once: true });
    input.click();
  });
}

/** the cluster file among the picked files: the one with a top-level `machines:` */
const isClusterFile = (text: string): boolean => /^machines\s*:/m.test(text);

function PlanList({ plan }: { plan: Plan }): ReactElement {
  if (!plan.changes.length)
    return (
      <p className="cluster-plan-none" data-testid="cluster-plan-none">
        Nothing to change: swarm {plan.name} is as the file says.
      </p>
    );
  return (
    <table className="data-table cluster-plan" data-testid="cluster-plan">
      <thead>
        <tr>
          <th aria-label="change" />
          <th>What</th>
          <th>Name</th>
          <th>Change</th>
        </tr>
      </thead>
      <tbody>
        {plan.changes.map((c, i) => (
          <tr key={i} className={`plan-${c.action === 'remove' ? 'remove' : SIGN[c.action] === '+' ? 'add' : 'change'}`} data-testid="cluster-change">
            <td className="plan-sign">{SIGN[c.action]}</td>
            <td>{c.kind}</td>
            <td className="mono">{c.name}</td>
            <td>
              <strong>{c.action}</strong> {c.detail && <span className="muted">{c.detail}</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function OpenClusterFileDialog({ onClose }: { onClose(): void }): ReactElement {
  const [src, setSrc] = useState<Source>({ path: 'cluster.yml', content: '', files: {} });
  const [plan, setPlan] = useState<Plan>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const edit = (next: Partial<Source>): void => {
    setSrc((s) => ({ ...s, ...next }));
    setPlan(undefined);
    setError(undefined);
  };
  const open = async (): Promise<void> => {
    const native = window.flotillaFiles;
    if (native) {
      const r = await native.openText({ title: 'Open a cluster file', filters: [{ name: 'Cluster files', extensions: ['yml', 'yaml'] }] });
      if (r) edit({ path: r.path, content: r.content, files: {} });
      return;
    }
    const picked = await Promise.all((await pickFiles()).map(async (f) => ({ name: f.name, text: await f.text() })));
    if (!picked.length) return;
    const main = picked.find((f) => isClusterFile(f.text)) ?? picked[0]!;
    edit({ path: main.name, content: main.text, files: Object.fromEntries(picked.filter((f) => f !== main).map((f) => [f.name, f.text])) });
  };
  const showPlan = (): void => {
    setBusy(true);
    setError(undefined);
    api
      .invoke('cluster.plan', src)
      .then(setPlan, (e: Error) => setError(e.message))
      .finally(() => setBusy(false));
  };
  const apply = (): void => {
    if (!plan) return showPlan();
    if (!plan.changes.length) return onClose();
    useOperations.getState().clusterUp(src, plan);
    onClose();
  };
  const attached = Object.keys(src.files);
  return (
    <Dialog
      title="Open cluster file"
      testId="cluster-file-dialog"
      onClose={onClose}
      onSubmit={apply}
      wide
      actions={
        <>
          <span className="dialog-note">{plan ? `${plan.changes.length} change${plan.changes.length === 1 ? '' : 's'}` : 'the plan comes first; nothing changes until you apply it'}</span>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          {plan && plan.changes.length > 0 ? (
            <button type="submit" className="btn primary" data-testid="cluster-apply">
              Apply {plan.changes.length} change{plan.changes.length === 1 ? '' : 's'}
            </button>
          ) : plan ? (
            <button type="submit" className="btn primary" data-testid="cluster-apply">
              Close
            </button>
          ) : (
            <button type="submit" className="btn primary" disabled={busy || !src.content.trim()} data-testid="cluster-show-plan">
              {busy ? 'Planning…' : 'Show plan'}
            </button>
          )}
        </>
      }
    >
      <div className="cluster-file-source">
        <div className="cluster-file-bar">
          <button type="button" className="btn" onClick={() => void open()} data-testid="cluster-open">
            {window.flotillaFiles ? 'Open…' : 'Upload files…'}
          </button>
          <span className="mono" data-testid="cluster-path">
            {src.path}
          </span>
          {attached.length > 0 && <span className="muted">with {attached.join(', ')}</span>}
        </div>
        <small>{window.flotillaFiles ? 'compose files are read beside the cluster file' : 'pick the cluster file and the compose files it names together, or paste the cluster file below'}</small>
        <textarea
          className="input mono cluster-file-text"
          rows={12}
          spellCheck={false}
          aria-label="cluster file"
          placeholder={'name: cc\nmachines:\n  driver: container\n  managers: 1\n  workers: 2'}
          value={src.content}
          onChange={(e) => edit({ content: e.target.value })}
          data-testid="cluster-text"
        />
      </div>
      {error && (
        <InlineError testId="cluster-error">
          <pre className="cluster-error-text">{error}</pre>
        </InlineError>
      )}
      {plan && (
        <section aria-label="plan" className="cluster-plan-box">
          <h3>Plan for swarm {plan.name}</h3>
          <PlanList plan={plan} />
          {plan.notes.length > 0 && (
            <ul className="cluster-notes" data-testid="cluster-notes">
              {plan.notes.map((n, i) => (
                <li key={i}>{n}</li>
              ))}
            </ul>
          )}
        </section>
      )}
    </Dialog>
  );
}

async function save(path: string, content: string): Promise<string | undefined> {
  const native = window.flotillaFiles;
  if (native) return native.saveText({ title: `Save ${path}`, defaultPath: path, content });
  const url = URL.createObjectURL(new Blob([content], { type: 'application/yaml' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = path;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return path;
}

export function ExportClusterFileDialog({ onClose }: { onClose(): void }): ReactElement {
  const list = useMachines((s) => s.list);
  // swarms of Flotilla machines: NAME from each NAME-m<n>
  const swarms = useMemo(() => [...new Set(list.map((m) => /^(.+)-m\d+$/.exec(m.name)?.[1]).filter((n): n is string => Boolean(n)))], [list]);
  const [name, setName] = useState(swarms[0] ?? '');
  const [result, setResult] = useState<OutputOf<'cluster.export'>>();
  const [saved, setSaved] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const run = (): void => {
    if (result) return void saveAll();
    setBusy(true);
    setError(undefined);
    api
      .invoke('cluster.export', { name })
      .then(setResult, (e: Error) => setError(e.message))
      .finally(() => setBusy(false));
  };
  const saveAll = async (): Promise<void> => {
    if (!result) return;
    const out: string[] = [];
    for (const f of [{ path: result.path, content: result.content }, ...result.files]) {
      const where = await save(f.path, f.content);
      if (where) out.push(where);
    }
    setSaved(out);
  };
  return (
    <Dialog
      title="Export cluster file"
      testId="cluster-export-dialog"
      onClose={onClose}
      onSubmit={run}
      wide
      actions={
        <>
          <span className="dialog-note" data-testid="cluster-export-note">
            {saved.length ? `saved ${saved.join(', ')}` : result ? `${result.path}${result.files.length ? ` and ${result.files.map((f) => f.path).join(', ')}` : ''}` : swarms.length ? '' : 'no swarm of Flotilla machines (NAME-m1, ...) here'}
          </span>
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
          <button type="submit" className="btn primary" disabled={busy || !name} data-testid="cluster-export-run">
            {result ? (window.flotillaFiles ? 'Save…' : 'Download') : busy ? 'Reading the swarm…' : 'Export'}
          </button>
        </>
      }
    >
      <div className="form-grid">
        <label>
          Swarm
          <select
            className="input"
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              setResult(undefined);
              setSaved([]);
            }}
            data-testid="cluster-export-swarm"
          >
            {swarms.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          <small>its machines {name || 'NAME'}-m1…, {name || 'NAME'}-w1…, node labels, and stacks as last deployed</small>
        </label>
      </div>
      {error && <InlineError testId="cluster-error">{error}</InlineError>}
      {result && <textarea className="input mono cluster-file-text" rows={14} readOnly value={result.content} aria-label="exported cluster file" data-testid="cluster-export-text" />}
    </Dialog>
  );
}
