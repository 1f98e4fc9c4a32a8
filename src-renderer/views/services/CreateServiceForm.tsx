// Create service: what a person needs for a quick service (image, name, replicas or global, command,
// ports, env, constraints, rollout pace), checked field by field before it is sent.
import { useEffect, useRef, useState, type ChangeEvent, type FormEvent, type ReactElement, type ReactNode } from 'react';
import { api } from '../../api';
import { EMPTY_FORM, validateCreateForm, type CreateFormValues, type FormErrors } from './form';

export interface CreateServiceFormProps {
  engineId: string;
  onCancel(): void;
  onCreated(serviceId: string): void;
}

function Field(props: { id: keyof CreateFormValues; label: string; hint?: ReactNode; error?: string; children: ReactNode }): ReactElement {
  return (
    <div className={`form-field${props.error ? ' has-error' : ''}`}>
      <label htmlFor={`svc-${props.id}`}>{props.label}</label>
      {props.children}
      {props.error ? (
        <div className="field-error" id={`svc-${props.id}-error`} role="alert">
          {props.error}
        </div>
      ) : (
        props.hint && <div className="field-hint">{props.hint}</div>
      )}
    </div>
  );
}

export function CreateServiceForm({ engineId, onCancel, onCreated }: CreateServiceFormProps): ReactElement {
  const [v, setV] = useState<CreateFormValues>(EMPTY_FORM);
  const [errors, setErrors] = useState<FormErrors>({});
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  const set = (p: Partial<CreateFormValues>): void => {
    setV((x) => ({ ...x, ...p }));
    // a field's error goes once the person edits that field
    setErrors((e) => {
      const n = { ...e };
      for (const k of Object.keys(p)) delete n[k as keyof CreateFormValues];
      return n;
    });
  };
  const input = (id: keyof CreateFormValues) => ({
    id: `svc-${id}`,
    name: id,
    value: v[id],
    'aria-invalid': errors[id] ? true : undefined,
    'aria-describedby': errors[id] ? `svc-${id}-error` : undefined,
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => set({ [id]: e.target.value } as Partial<CreateFormValues>),
  });

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const r = validateCreateForm(v);
    setErrors(r.errors);
    setFailure(undefined);
    if (!r.spec) {
      const firstBad = Object.keys(r.errors)[0];
      if (firstBad) document.getElementById(`svc-${firstBad}`)?.focus();
      return;
    }
    setBusy(true);
    api.invoke('swarm.services.create', { engineId, spec: r.spec }).then(
      ({ id }) => onCreated(id),
      (err: unknown) => {
        setBusy(false);
        setFailure(err instanceof Error ? err.message : String(err));
      },
    );
  };

  return (
    <form
      className="svc-form"
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !busy) onCancel();
      }}
      aria-label="create service"
      data-testid="create-service-form"
      noValidate
    >
      <h2>Create a service</h2>
      <div className="form-grid">
        <Field id="image" label="Image" error={errors.image} hint="The image must be in each node's engine or in a registry the nodes can reach.">
          <input className="input mono" ref={first} placeholder="nginx:1.27" autoComplete="off" spellCheck={false} {...input('image')} />
        </Field>
        <Field id="name" label="Name" error={errors.name} hint="Optional: Docker picks one when empty.">
          <input className="input" placeholder="web" autoComplete="off" spellCheck={false} {...input('name')} />
        </Field>
        <div className="form-field">
          <span className="label">Mode</span>
          <div className="radio-row" role="radiogroup" aria-label="mode">
            <label className="check">
              <input type="radio" name="mode" checked={v.mode === 'replicated'} onChange={() => set({ mode: 'replicated' })} /> Replicated
            </label>
            <label className="check">
              <input type="radio" name="mode" checked={v.mode === 'global'} onChange={() => set({ mode: 'global' })} /> Global (one task per node)
            </label>
          </div>
        </div>
        {v.mode === 'replicated' && (
          <Field id="replicas" label="Replicas" error={errors.replicas}>
            <input className="input narrow" type="number" min={0} {...input('replicas')} />
          </Field>
        )}
        <Field id="command" label="Command" error={errors.command} hint={'Optional, with its arguments: sleep 1d, or sh -c "httpd -f -p 80"'}>
          <input className="input mono" placeholder="(the image's default)" autoComplete="off" spellCheck={false} {...input('command')} />
        </Field>
        <Field id="ports" label="Published ports" error={errors.ports} hint="One per line: PUBLISHED:TARGET, e.g. 8080:80 or 5353:53/udp.">
          <textarea className="input mono" rows={2} spellCheck={false} {...input('ports')} />
        </Field>
        <Field id="env" label="Environment" error={errors.env} hint="One per line: KEY=value.">
          <textarea className="input mono" rows={2} spellCheck={false} {...input('env')} />
        </Field>
        <Field id="constraints" label="Placement constraints" error={errors.constraints} hint="One per line: node.role==worker, node.hostname!=m1, node.labels.zone==a.">
          <textarea className="input mono" rows={2} spellCheck={false} {...input('constraints')} />
        </Field>
        <Field id="updateParallelism" label="Update parallelism" error={errors.updateParallelism} hint="Tasks replaced at a time in a rolling update (default 1).">
          <input className="input narrow" type="number" min={0} {...input('updateParallelism')} />
        </Field>
        <Field id="updateDelay" label="Update delay" error={errors.updateDelay} hint="Pause between batches, e.g. 10s (default 0s).">
          <input className="input narrow" placeholder="0s" {...input('updateDelay')} />
        </Field>
      </div>
      {failure && (
        <div className="form-failure" role="alert" data-testid="create-error">
          <b>The swarm refused the service:</b> {failure}
        </div>
      )}
      <div className="form-actions">
        <button className="btn primary" type="submit" disabled={busy} data-testid="create-submit">
          {busy ? 'Creating…' : 'Create service'}
        </button>
        <button className="btn" type="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        <span className="faint">Escape cancels.</span>
      </div>
    </form>
  );
}
