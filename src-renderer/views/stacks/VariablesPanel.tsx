// The variables the file interpolates: the value used, the default, and required ones that are missing.
import { useMemo, type ReactElement } from 'react';
import { variableRefs, variableRows, type VariableStatus } from './compose-text';
import { revealInEditor, useWorkbench, workbench } from './stacks-store';

const STATUS: Record<VariableStatus, { label: string; badge: string }> = {
  set: { label: 'set', badge: 'ok' },
  default: { label: 'default', badge: 'info' },
  'missing-required': { label: 'required: missing', badge: 'err' },
  'unset-empty': { label: 'unset: empty string', badge: 'warn' },
};

export function VariablesPanel(): ReactElement {
  const content = useWorkbench((s) => s.doc?.content ?? '');
  const values = useWorkbench((s) => s.values);
  const used = useWorkbench((s) => s.validation.used);
  const rows = useMemo(() => variableRows(variableRefs(content), values), [content, values]);
  const extra = Object.keys(values).filter((k) => !rows.some((r) => r.name === k));
  if (!rows.length && !extra.length)
    return (
      <div className="panel-note">
        The file uses no variables. Write <code>${'{NAME}'}</code>, <code>${'{NAME:-default}'}</code> or <code>${'{NAME:?why it is needed}'}</code> in a value and it shows up here to be set.
      </div>
    );
  return (
    <div data-testid="variables">
      <div className="panel-sub">Values for interpolation: the docker CLI takes them from its shell environment, here you set them. A .env file is not read, as with docker stack deploy.</div>
      <table className="vars">
        <thead>
          <tr>
            <th>Variable</th>
            <th>Value</th>
            <th>Used</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.name} data-testid="variable" data-status={r.status}>
              <td>
                <button className="linkish mono" onClick={() => revealInEditor(r.line)} title={`first used on line ${r.line}`}>
                  {r.name}
                </button>
                <div>
                  <span className={`badge ${STATUS[r.status].badge}`}>{STATUS[r.status].label}</span>
                </div>
                {r.status === 'missing-required' && <div className="var-why">{r.required}</div>}
              </td>
              <td>
                <input
                  className="input mono"
                  aria-label={`value of ${r.name}`}
                  value={r.value ?? ''}
                  placeholder={r.defaultValue !== undefined ? `default: ${r.defaultValue}` : r.required !== undefined ? 'required' : 'unset (empty)'}
                  onChange={(e) => workbench.getState().setValue(r.name, e.target.value)}
                />
                {r.value !== undefined && (
                  <button className="btn small" onClick={() => workbench.getState().setValue(r.name, undefined)} title="unset: use the default or an empty string">
                    Unset
                  </button>
                )}
              </td>
              <td className="mono var-used" title={used[r.name] ?? r.defaultValue ?? ''}>{used[r.name] ?? (r.status === 'default' ? r.defaultValue : '')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {extra.length > 0 && (
        <div className="panel-sub">
          Set but not used by this file: {extra.join(', ')}{' '}
          <button className="btn small" onClick={() => extra.forEach((k) => workbench.getState().setValue(k, undefined))}>
            Forget them
          </button>
        </div>
      )}
    </div>
  );
}
