// `machine set` in a machine's details: CPUs, memory and disk (machines.set). VMs change only while stopped and
// their disk only grows; container machines change live and have no disk size (the handler's errors say so too).
import { useEffect, useState, type ReactElement } from 'react';
import { api } from '../../api';
import type { OutputOf } from '../../../src-main/api/contract';
import { InlineError } from '../../components/InlineError';

type Inspect = OutputOf<'machines.inspect'>;

/** why the fields are read-only right now, if they are */
function blocked(info: Inspect): string | undefined {
  if (info.imported) return 'Imported from docker-machine: resize it with its own hypervisor.';
  if (info.driver === 'generic') return 'A generic host: resize it where it runs.';
  if (info.driver !== 'container' && info.state !== 'stopped') return `Stop ${info.name} to resize it: a VM is resized only while stopped.`;
  return undefined;
}

export function MachineResize({ info, onDone }: { info: Inspect; onDone: () => void }): ReactElement {
  const [cpus, setCpus] = useState(info.spec.cpus);
  const [memoryMb, setMemoryMb] = useState(info.spec.memoryMb);
  const [diskGb, setDiskGb] = useState(info.spec.diskGb);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [said, setSaid] = useState<string[]>();
  // a new reading of the machine (after a resize, a stop) resets the fields to what it has now
  useEffect(() => {
    setCpus(info.spec.cpus);
    setMemoryMb(info.spec.memoryMb);
    setDiskGb(info.spec.diskGb);
  }, [info.spec.cpus, info.spec.memoryMb, info.spec.diskGb]);
  const why = blocked(info);
  const container = info.driver === 'container';
  const changed = cpus !== info.spec.cpus || memoryMb !== info.spec.memoryMb || (!container && diskGb !== info.spec.diskGb);
  const apply = (): void => {
    setBusy(true);
    setError(undefined);
    api
      .invoke('machines.set', {
        name: info.name,
        ...(cpus !== info.spec.cpus ? { cpus } : {}),
        ...(memoryMb !== info.spec.memoryMb ? { memoryMb } : {}),
        ...(!container && diskGb !== info.spec.diskGb ? { diskGb } : {}),
      })
      .then(
        (r) => {
          setSaid([...r.changes, ...r.notes]);
          onDone();
        },
        (e: Error) => setError(e.message),
      )
      .finally(() => setBusy(false));
  };
  return (
    <fieldset className="machine-resize wide-cell" disabled={busy || why !== undefined} data-testid="machine-resize">
      <legend>Size</legend>
      <div className="form-grid">
        <label>
          CPUs
          <input className="input" type="number" min={1} max={256} value={cpus} onChange={(e) => setCpus(Math.max(1, Math.round(Number(e.target.value)) || 1))} data-testid="resize-cpus" />
        </label>
        <label>
          Memory (MB)
          <input className="input" type="number" min={64} step={256} value={memoryMb} onChange={(e) => setMemoryMb(Math.max(64, Math.round(Number(e.target.value)) || 64))} data-testid="resize-memory" />
        </label>
        <label title={container ? 'A container machine has no disk of its own: its Docker data is a volume on this computer\'s engine' : 'The disk only grows'}>
          Disk (GB)
          <input className="input" type="number" min={info.spec.diskGb} value={diskGb} disabled={container} onChange={(e) => setDiskGb(Math.max(info.spec.diskGb, Math.round(Number(e.target.value)) || info.spec.diskGb))} data-testid="resize-disk" />
        </label>
        <div className="resize-apply">
          <button type="button" className="btn small primary" disabled={!changed} onClick={apply} data-testid="resize-apply">
            {busy ? 'Resizing…' : 'Resize'}
          </button>
        </div>
      </div>
      <p className="muted small">
        {why ?? (container ? 'Applied at once with the engine\'s update; the disk is this computer\'s.' : 'Applied from the next start; the disk only grows.')}
      </p>
      {said && said.length > 0 && (
        <p className="small" role="status">
          {said.join('; ')}
        </p>
      )}
      {error && <InlineError onDismiss={() => setError(undefined)}>{error}</InlineError>}
    </fieldset>
  );
}
