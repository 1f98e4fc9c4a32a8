// "New swarm" in one click: the defaults (a free name, the default driver, 1 manager and 2 workers) are
// filled in and the Create button has the focus, so Enter (or one click) makes it; everything is editable.
import { useCallback, useMemo, useState, type ReactElement } from 'react';
import { Dialog } from '../../components/Dialog';
import { DriverPicker } from './DriverPicker';
import { createPlan, freeSwarmName, toleratedFailures } from './format';
import { useMachines } from '../../stores/machines';
import { driverUsable, useDrivers, useOperations } from './machines-store';

export function NewSwarmDialog({ onClose }: { onClose(): void }): ReactElement {
  const list = useMachines((s) => s.list);
  const taken = useMemo(() => list.map((m) => m.name), [list]);
  const [name, setName] = useState(() => freeSwarmName(taken));
  const [driver, setDriver] = useState('');
  const [managers, setManagers] = useState(1);
  const [workers, setWorkers] = useState(2);
  const drivers = useDrivers((s) => s.list);
  const plan = createPlan({ name, count: managers + workers, swarm: true, managers }, taken);
  const chosen = drivers.find((d) => d.name === driver);
  const problem = plan.problem ?? (!driver ? 'choose a driver' : chosen && !driverUsable(chosen) ? `the ${driver} driver needs setup first (see above)` : undefined);
  const create = (): void => {
    if (problem) return;
    useOperations.getState().swarmCreate({ name, driver, managers, workers });
    onClose();
  };
  const pick = useCallback((d: string) => setDriver(d), []);
  return (
    <Dialog
      title="New swarm"
      testId="new-swarm-dialog"
      onClose={onClose}
      onSubmit={create}
      wide
      actions={
        <>
          <span className="dialog-note">{problem ? <span className="field-error">{problem}</span> : `${plan.names.length} machines: ${plan.names.join(', ')}`}</span>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={Boolean(problem)} autoFocus data-testid="create-swarm">
            Create swarm
          </button>
        </>
      }
    >
      <div className="form-grid">
        <label>
          Swarm name
          <input className="input" value={name} onChange={(e) => setName(e.target.value.trim())} aria-describedby="swarm-name-help" data-testid="swarm-name" />
          <small id="swarm-name-help">machines are named {name || 'NAME'}-m1… and {name || 'NAME'}-w1…</small>
        </label>
        <label>
          Managers
          <input className="input" type="number" min={1} max={9} value={managers} onChange={(e) => setManagers(Math.max(1, Number(e.target.value) || 1))} data-testid="swarm-managers" />
          <small>
            tolerates {toleratedFailures(managers)} manager failure{toleratedFailures(managers) === 1 ? '' : 's'}
            {managers % 2 === 0 ? ' — an even count adds no tolerance; use 1, 3 or 5' : ''}
          </small>
        </label>
        <label>
          Workers
          <input className="input" type="number" min={0} max={19} value={workers} onChange={(e) => setWorkers(Math.max(0, Number(e.target.value) || 0))} data-testid="swarm-workers" />
          <small>run the services; managers run them too unless drained</small>
        </label>
      </div>
      <DriverPicker value={driver} onChange={pick} />
    </Dialog>
  );
}
