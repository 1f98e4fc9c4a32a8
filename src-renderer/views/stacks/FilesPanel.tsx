// The files the stack reads: secrets' and configs' file: entries (and env_file). In a browser the host
// cannot see your disk, so attach each one; attached contents go with Plan and Deploy, never into history.
import { useMemo, useState, type ReactElement } from 'react';
import { fileRefs } from './compose-text';
import { readAttachment } from './compose-files';
import { revealInEditor, useWorkbench, workbench } from './stacks-store';

export function FilesPanel(): ReactElement {
  const content = useWorkbench((s) => s.doc?.content ?? '');
  const attachments = useWorkbench((s) => s.attachments);
  const refs = useMemo(() => fileRefs(content), [content]);
  const [error, setError] = useState<string>();
  const attach = async (path: string): Promise<void> => {
    setError(undefined);
    try {
      const f = await readAttachment();
      if (!f) return;
      if (f.size > 500 * 1024) throw new Error(`${f.name} is ${f.size} bytes; swarm secrets and configs hold at most 500 KB`);
      workbench.getState().attach(path, { name: f.name, size: f.size, base64: f.base64 });
    } catch (e) {
      setError((e as Error).message);
    }
  };
  if (!refs.length)
    return (
      <div className="panel-note">
        No secret, config or env_file reads a file. A <code>secrets:</code> or <code>configs:</code> entry with <code>file: ./name</code> shows up here, to attach the file it reads.
      </div>
    );
  return (
    <div data-testid="files">
      <div className="panel-sub">
        Files are read by the Flotilla host relative to the compose file's folder. Attach one to send its contents instead (used for Plan and Deploy, never kept in history).
      </div>
      {error && (
        <div className="panel-note err" role="alert">
          {error}
        </div>
      )}
      <ul className="file-list">
        {refs.map((r) => {
          const a = attachments[r.file];
          return (
            <li key={`${r.kind}/${r.key}/${r.file}`} className="file-row">
              <button className="linkish" onClick={() => revealInEditor(r.line)}>
                <span className="badge info">{r.kind}</span> <b>{r.key}</b> <span className="mono">{r.file}</span>
              </button>
              <span className="file-state">
                {a ? (
                  <>
                    <span className="badge ok">attached</span> {a.name} ({a.size} B){' '}
                    <button className="btn small" onClick={() => workbench.getState().attach(r.file, undefined)}>
                      Detach
                    </button>
                  </>
                ) : (
                  <>
                    <span className="badge">read from the host</span>{' '}
                    <button className="btn small" onClick={() => void attach(r.file)}>
                      Attach…
                    </button>
                  </>
                )}
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
