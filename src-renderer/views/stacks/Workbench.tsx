// The open stack: name and file, the editor (Monaco, loaded lazily so the first screen does not wait for
// it), and the panels: problems, variables, files, plan, deploy progress, history.
import { lazy, Suspense, useCallback, useEffect, useState, type ReactElement } from 'react';
import { StateMessage } from '../../components/StateMessage';
import { saveComposeFile } from './compose-files';
import { openFromDisk } from './stack-actions';
import { ProblemsPanel } from './ProblemsPanel';
import { VariablesPanel } from './VariablesPanel';
import { FilesPanel } from './FilesPanel';
import { PlanPanel } from './PlanPanel';
import { RunPanel } from './RunPanel';
import { HistoryPanel } from './HistoryPanel';
import { useWorkbench, workbench } from './stacks-store';
import type { Panel } from './workbench-store';
import { fileRefs, variableRefs, variableRows } from './compose-text';

const ComposeEditor = lazy(() => import('./ComposeEditor'));

const STACK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export default function Workbench(): ReactElement {
  const doc = useWorkbench((s) => s.doc);
  const panel = useWorkbench((s) => s.panel);
  const engineId = useWorkbench((s) => s.engineId);
  const validation = useWorkbench((s) => s.validation);
  const planStatus = useWorkbench((s) => s.plan.status);
  const running = useWorkbench((s) => s.run?.status === 'running');
  const notice = useWorkbench((s) => s.notice);
  const values = useWorkbench((s) => s.values);
  const attachments = useWorkbench((s) => s.attachments);
  const resolveImage = useWorkbench((s) => s.resolveImage);
  const prune = useWorkbench((s) => s.prune);
  const [saved, setSaved] = useState<string>();

  const errors = validation.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = validation.diagnostics.filter((d) => d.severity === 'warning').length;
  const content = doc?.content ?? '';
  const missingVars = variableRows(variableRefs(content), values).filter((r) => r.status === 'missing-required').length;
  const unattached = fileRefs(content).filter((r) => r.kind !== 'env_file' && !attachments[r.file]).length;
  const badName = !!doc && !STACK_NAME.test(doc.stack);
  const blocked = !engineId ? 'no swarm manager chosen' : badName ? 'name the stack (letters, digits, - _ .)' : errors ? 'fix the errors first' : undefined;

  const save = useCallback(async () => {
    const d = workbench.getState().doc;
    if (!d) return;
    try {
      const where = await saveComposeFile(d.fileName, d.content);
      if (where) setSaved(`saved ${where}`);
    } catch (e) {
      setSaved(`not saved: ${(e as Error).message}`);
    }
  }, []);
  const plan = useCallback(() => {
    if (!blocked) void workbench.getState().runPlan();
    else workbench.getState().setPanel('problems');
  }, [blocked]);
  const commands = {
    save: () => void save(),
    plan,
    open: () => void openFromDisk(),
  };

  // the same shortcuts outside the editor (Monaco handles its own)
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      if ((e.target as HTMLElement | null)?.closest?.('.monaco-editor')) return;
      if (e.key === 's') {
        e.preventDefault();
        void save();
      } else if (e.key === 'Enter') {
        e.preventDefault();
        plan();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [save, plan]);

  if (!doc) return <></>;
  const tabs: Array<{
    id: Panel;
    label: string;
    count?: number;
    tone?: string;
  }> = [
    {
      id: 'problems',
      label: 'Problems',
      count: errors + warnings || undefined,
      tone: errors ? 'err' : warnings ? 'warn' : undefined,
    },
    {
      id: 'variables',
      label: 'Variables',
      count: missingVars || undefined,
      tone: missingVars ? 'err' : undefined,
    },
    {
      id: 'files',
      label: 'Files',
      count: unattached || undefined,
      tone: unattached ? 'warn' : undefined,
    },
    { id: 'plan', label: 'Plan' },
    { id: 'deploy', label: 'Deploy' },
    { id: 'history', label: 'History' },
  ];
  return (
    <section className="workbench" aria-label={`stack ${doc.stack}`}>
      <div className="wb-toolbar">
        <label className="wb-field">
          Stack
          <input
            className={`input mono ${badName ? 'invalid' : ''}`}
            aria-label="stack name"
            value={doc.stack}
            onChange={(e) => workbench.getState().rename({ stack: e.target.value.trim() })}
            size={12}
          />
        </label>
        <label className="wb-field">
          File
          <input className="input mono" aria-label="file name" value={doc.fileName} onChange={(e) => workbench.getState().rename({ fileName: e.target.value })} size={14} />
        </label>
        <span className={`wb-status ${errors ? 'err' : 'ok'}`} data-testid="validation-status">
          {validation.status === 'checking' ? 'checking…' : errors ? `${errors} error${errors === 1 ? '' : 's'}` : validation.status === 'done' ? 'valid' : ''}
        </span>
        <span className="wb-spacer" />
        <button className="btn" onClick={() => void save()} title="Save (Electron) or download (browser) the file (Ctrl+S)">
          {window.flotillaFiles ? 'Save…' : 'Download'}
        </button>
        <label className="check" title="image digests: always/changed ask the image's registry to pin each tag to a digest; never leaves the tags as written (no registry needed)">
          <select
            className="select"
            value={resolveImage}
            onChange={(e) =>
              workbench.getState().setOptions({
                resolveImage: e.target.value as typeof resolveImage,
              })
            }
            aria-label="resolve image"
          >
            <option value="always">resolve always</option>
            <option value="changed">resolve changed</option>
            <option value="never">resolve never</option>
          </select>
        </label>
        <label className="check" title="also remove services that are no longer in the file">
          <input type="checkbox" checked={prune} onChange={(e) => workbench.getState().setOptions({ prune: e.target.checked })} /> prune
        </label>
        <button className="btn" onClick={plan} disabled={!!blocked || planStatus === 'running'} title={blocked ?? 'What would change (Ctrl+Enter)'}>
          Plan
        </button>
        <button className="btn primary" onClick={() => workbench.getState().deploy()} disabled={!!blocked || running} title={blocked ?? 'Deploy to the swarm'}>
          Deploy
        </button>
      </div>
      {(notice || saved) && (
        <div className="wb-notice" role="status">
          {notice ?? saved}
        </div>
      )}
      <div className="wb-body">
        <div className="wb-editor">
          <Suspense fallback={<StateMessage kind="loading" title="Loading the editor…" />}>
            <ComposeEditor commands={commands} />
          </Suspense>
        </div>
        <aside className="wb-side">
          <div className="wb-tabs" role="tablist" aria-label="stack panels">
            {tabs.map((t) => (
              <button key={t.id} role="tab" aria-selected={panel === t.id} className="wb-tab" onClick={() => workbench.getState().setPanel(t.id)} data-testid={`tab-${t.id}`}>
                {t.label}
                {t.count !== undefined && <span className={`badge ${t.tone ?? ''}`}>{t.count}</span>}
              </button>
            ))}
          </div>
          <div className="wb-panel" role="tabpanel">
            {panel === 'problems' && <ProblemsPanel />}
            {panel === 'variables' && <VariablesPanel />}
            {panel === 'files' && <FilesPanel />}
            {panel === 'plan' && <PlanPanel />}
            {panel === 'deploy' && <RunPanel />}
            {panel === 'history' && <HistoryPanel />}
          </div>
          <div className="wb-keys">Ctrl+S {window.flotillaFiles ? 'save' : 'download'} · Ctrl+Enter plan · Ctrl+O open · Ctrl+Space complete</div>
        </aside>
      </div>
    </section>
  );
}
