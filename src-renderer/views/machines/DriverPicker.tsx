// Choosing a machine driver: each with what it needs on this computer (detected), and the fix when missing.
import { useEffect, type ReactElement } from 'react';
import { driverUsable, useDrivers } from './machines-store';
import { InlineError } from '../../components/InlineError';

export function DriverPicker(props: { value: string; onChange(name: string): void }): ReactElement {
  const status = useDrivers((s) => s.status);
  const list = useDrivers((s) => s.list);
  const error = useDrivers((s) => s.error);
  const { value, onChange } = props;
  useEffect(() => {
    void useDrivers.getState().load();
  }, []);
  // no choice yet: the default driver (a usable hypervisor, else container), else the first usable one
  useEffect(() => {
    if (value || !list.length) return;
    const pick = list.find((d) => d.default && driverUsable(d)) ?? list.find(driverUsable) ?? list[0];
    onChange(pick.name);
  }, [value, list, onChange]);

  if (status === 'loading' || status === 'idle')
    return (
      <p className="muted">
        <span className="spinner" aria-hidden="true" /> Checking which drivers work on this computer…
      </p>
    );
  if (status === 'error')
    return (
      <InlineError>
        Could not list the machine drivers: {error}.{' '}
        <button type="button" className="btn small" onClick={() => void useDrivers.getState().load()}>
          Check again
        </button>
      </InlineError>
    );
  return (
    <fieldset className="driver-list" data-testid="driver-picker">
      <legend>Driver</legend>
      {list.map((d) => {
        const usable = driverUsable(d);
        return (
          <label key={d.name} className={`driver-option${value === d.name ? ' chosen' : ''}${usable ? '' : ' unusable'}`} data-testid={`driver-${d.name}`}>
            <input type="radio" name="driver" value={d.name} checked={value === d.name} onChange={() => onChange(d.name)} />
            <span className="driver-text">
              <span className="driver-name">
                {d.name} {d.default && <span className="badge info">default</span>} {!usable && <span className="badge warn">needs setup</span>}
              </span>
              <span className="driver-desc">{d.description}</span>
              {d.prerequisites.length > 0 && (
                <ul className="prereqs">
                  {d.prerequisites.map((p) => (
                    <li key={p.name} className={p.ok ? 'ok' : 'missing'}>
                      <span aria-hidden="true">{p.ok ? '✓' : '✗'}</span> {p.name}: {p.detail}
                      {!p.ok && p.remedy && <span className="remedy"> — {p.remedy}</span>}
                    </li>
                  ))}
                </ul>
              )}
            </span>
          </label>
        );
      })}
    </fieldset>
  );
}
