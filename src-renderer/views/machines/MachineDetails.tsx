// A machine's details (machines.inspect): address, SSH, size (and resizing it), OS, certificates, last error, and its log.
import { useEffect, useState, type ReactElement } from 'react';
import { api } from '../../api';
import type { OutputOf } from '../../../src-main/api/contract';
import { InlineError } from '../../components/InlineError';
import { MachineResize } from './MachineResize';

type Inspect = OutputOf<'machines.inspect'>;

function days(iso?: string): string {
  if (!iso) return '—';
  const d = Math.round((Date.parse(iso) - Date.now()) / 86_400_000);
  return `${iso.slice(0, 10)} (${d >= 0 ? `in ${d} days` : `expired ${-d} days ago`})`;
}

export function MachineDetails({ name }: { name: string }): ReactElement {
  const [info, setInfo] = useState<Inspect>();
  const [error, setError] = useState<string>();
  const [log, setLog] = useState<string>();
  const [reads, setReads] = useState(0);
  useEffect(() => {
    let live = true;
    api.invoke('machines.inspect', { name }).then(
      (i) => live && setInfo(i),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [name, reads]);
  const loadLog = (): void => {
    if (log !== undefined) return setLog(undefined);
    api.invoke('machines.log', { name }).then(
      (r) => setLog(r.log || '(empty)'),
      (e: Error) => setLog(`could not read the log: ${e.message}`),
    );
  };
  if (error)
    return (
      <InlineError>
        Could not inspect {name}: {error}
      </InlineError>
    );
  if (!info)
    return (
      <p className="muted">
        <span className="spinner" aria-hidden="true" /> Reading {name}…
      </p>
    );
  return (
    <div className="machine-details" data-testid="machine-details">
      <dl className="kv">
        <dt>Engine</dt>
        <dd className="mono">{info.url || '—'}</dd>
        <dt>IP</dt>
        <dd className="mono">{info.ip ?? '—'}</dd>
        <dt>SSH</dt>
        <dd className="mono">{info.ssh ? `${info.ssh.user}@${info.ssh.host}:${info.ssh.port}` : '—'}</dd>
        <dt>Size</dt>
        <dd>
          {info.spec.cpus} CPU · {info.spec.memoryMb} MB · {info.spec.diskGb} GB disk
        </dd>
        <dt>OS</dt>
        <dd>{info.os ? `${info.os.name} ${info.os.version}` : '—'}</dd>
        <dt>Docker</dt>
        <dd>{info.dockerVersion ?? '—'}</dd>
      </dl>
      <dl className="kv">
        <dt>Created</dt>
        <dd>{info.createdAt.replace('T', ' ').slice(0, 19)}</dd>
        <dt>Store state</dt>
        <dd>{info.storeState}</dd>
        <dt>Server cert</dt>
        <dd>{days(info.tls.serverCert?.notAfter)}</dd>
        <dt>Cert names</dt>
        <dd className="mono small">{info.tls.serverCert?.sans.join(', ') ?? '—'}</dd>
        <dt>Certs dir</dt>
        <dd className="mono small">{info.tls.certPath}</dd>
        {info.engine.labels.length > 0 && (
          <>
            <dt>Engine labels</dt>
            <dd className="mono small">{info.engine.labels.join(', ')}</dd>
          </>
        )}
      </dl>
      <MachineResize info={info} onDone={() => setReads((n) => n + 1)} />
      {info.lastError && (
        <InlineError className="wide-cell">Last error: {info.lastError}</InlineError>
      )}
      <div className="wide-cell">
        <button type="button" className="btn small" aria-expanded={log !== undefined} onClick={loadLog}>
          {log !== undefined ? 'Hide provisioning log' : 'Show provisioning log'}
        </button>
        {log !== undefined && (
          <pre className="raw-log" tabIndex={0}>
            {log}
          </pre>
        )}
      </div>
    </div>
  );
}
