// The create wizard: 1) the driver, with what it needs on this computer; 2) name, size, how many and
// their roles (standalone machines, or a swarm of them). Enter goes to the next page, then creates.
import { useCallback, useMemo, useState, type ReactElement } from 'react';
import { Dialog } from '../../components/Dialog';
import { DriverPicker } from './DriverPicker';
import { createPlan, driverOptionValues, freeMachineName, toleratedFailures } from './format';
import { useMachines } from '../../stores/machines';
import { driverUsable, useDrivers, useOperations } from './machines-store';

export function CreateMachineDialog({ onClose }: { onClose(): void }): ReactElement {
  const list = useMachines((s) => s.list);
  const taken = useMemo(() => list.map((m) => m.name), [list]);
  const drivers = useDrivers((s) => s.list);
  const [page, setPage] = useState<1 | 2>(1);
  const [driver, setDriver] = useState('');
  const [name, setName] = useState(() => freeMachineName(taken));
  const [cpus, setCpus] = useState(1);
  const [memoryMb, setMemoryMb] = useState(1024);
  const [diskGb, setDiskGb] = useState(20);
  const [count, setCount] = useState(1);
  const [swarm, setSwarm] = useState(false);
  const [managers, setManagers] = useState(1);
  const [raw, setRaw] = useState<Record<string, string | boolean>>({});
  const pick = useCallback((d: string) => setDriver(d), []);

  const chosen = drivers.find((d) => d.name === driver);
  const driverProblem = !driver ? 'choose a driver' : chosen && !driverUsable(chosen) ? `the ${driver} driver needs setup first: see the missing items` : undefined;
  const plan = createPlan({ name, count, swarm, managers }, taken);
  const opts = driverOptionValues(chosen?.options ?? [], raw);
  const problem = page === 1 ? driverProblem : (plan.problem ?? opts.problem);

  const submit = (): void => {
    if (problem) return;
    if (page === 1) return setPage(2);
    const ops = useOperations.getState();
    if (plan.kind === 'swarm') ops.swarmCreate({ name, driver, managers: plan.managers, workers: plan.workers, options: opts.options });
    else for (const n of plan.names) ops.machineCreate({ name: n, driver, cpus, memoryMb, diskGb, options: opts.options });
    onClose();
  };

  return (
    <Dialog
      title={`New machine — ${page === 1 ? 'driver' : 'machines'} (step ${page} of 2)`}
      testId="create-machine-dialog"
      onClose={onClose}
      onSubmit={submit}
      wide
      actions={
        <>
          <span className="dialog-note">{problem ? <span className="field-error">{problem}</span> : page === 2 ? `will create ${plan.names.join(', ')}` : `driver: ${driver}`}</span>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          {page === 2 && (
            <button type="button" className="btn" onClick={() => setPage(1)}>
              Back
            </button>
          )}
          <button type="submit" className="btn primary" disabled={Boolean(problem)} data-testid="wizard-next">
            {page === 1 ? 'Next' : plan.kind === 'swarm' ? `Create swarm of ${plan.names.length}` : `Create ${plan.names.length === 1 ? 'machine' : `${plan.names.length} machines`}`}
          </button>
        </>
      }
    >
      {page === 1 && <DriverPicker value={driver} onChange={pick} />}
      {page === 2 && (
        <>
          <div className="form-grid">
            <label>
              Name
              <input className="input" value={name} onChange={(e) => setName(e.target.value.trim())} autoFocus data-testid="machine-name" />
            </label>
            <label>
              CPUs
              <input className="input" type="number" min={1} max={64} value={cpus} disabled={swarm} onChange={(e) => setCpus(Math.max(1, Number(e.target.value) || 1))} />
            </label>
            <label>
              Memory (MB)
              <input className="input" type="number" min={256} step={256} value={memoryMb} disabled={swarm} onChange={(e) => setMemoryMb(Math.max(256, Number(e.target.value) || 1024))} />
            </label>
            <label>
              Disk (GB)
              <input className="input" type="number" min={1} value={diskGb} disabled={swarm} onChange={(e) => setDiskGb(Math.max(1, Number(e.target.value) || 20))} />
            </label>
          </div>
          {driver === 'container' && !swarm && <p className="muted small">The container driver applies the CPUs and memory as the container's limits (change them later in its details); its disk is this computer's.</p>}
          {chosen && chosen.options.length > 0 && (
            <details className="driver-opts" open={driver === 'generic'}>
              <summary>{driver} driver options</summary>
              <div className="form-grid">
                {chosen.options.map((o) =>
                  o.type === 'boolean' ? (
                    <label key={o.flag} className="check" title={o.description}>
                      <input type="checkbox" checked={raw[o.flag] === undefined ? Boolean(o.default) : Boolean(raw[o.flag])} onChange={(e) => setRaw({ ...raw, [o.flag]: e.target.checked })} /> {o.flag}
                    </label>
                  ) : (
                    <label key={o.flag}>
                      {o.flag}
                      <input
                        className="input"
                        inputMode={o.type === 'number' ? 'numeric' : undefined}
                        value={typeof raw[o.flag] === 'string' ? (raw[o.flag] as string) : ''}
                        placeholder={o.default !== undefined ? String(o.default) : ''}
                        onChange={(e) => setRaw({ ...raw, [o.flag]: e.target.value })}
                      />
                      <small>{o.description}</small>
                    </label>
                  ),
                )}
              </div>
            </details>
          )}
          <fieldset className="roles">
            <legend>How many, and their roles</legend>
            <label>
              Count
              <input className="input narrow" type="number" min={1} max={20} value={count} onChange={(e) => setCount(Math.max(1, Number(e.target.value) || 1))} data-testid="machine-count" />
            </label>
            <label className="check">
              <input type="radio" name="roles" checked={!swarm} onChange={() => setSwarm(false)} /> standalone machines
            </label>
            <label className="check">
              <input type="radio" name="roles" checked={swarm} onChange={() => setSwarm(true)} data-testid="roles-swarm" /> a swarm of them, with
              <input className="input narrow" type="number" min={1} max={Math.min(9, count)} value={managers} disabled={!swarm} onChange={(e) => setManagers(Math.max(1, Number(e.target.value) || 1))} aria-label="managers" />
              manager{managers === 1 ? '' : 's'}, the rest workers
            </label>
            {swarm && (
              <p className="muted small">
                {plan.managers} manager{plan.managers === 1 ? '' : 's'} (tolerates {toleratedFailures(plan.managers)} failure{toleratedFailures(plan.managers) === 1 ? '' : 's'}) and {plan.workers} worker
                {plan.workers === 1 ? '' : 's'}, named {plan.names.join(', ')}. Swarm machines get the driver's default size.
              </p>
            )}
          </fieldset>
        </>
      )}
    </Dialog>
  );
}
