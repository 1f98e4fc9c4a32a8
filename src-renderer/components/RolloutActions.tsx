// What can be done about a service's rollout, where its progress shows (the Board's update bars, the service's
// page): resume a paused update or rollback, roll back to the previous spec, force an update. Each asks first and
// says what happened, or the engine's reason it did not, through `onNotice`: the view shows it where it stays
// (RolloutNotice), since the bar and these buttons go away as soon as the engine finishes the update.
import { useState, type ReactElement } from 'react';
import './operate.css';

export interface RolloutService {
  id: string;
  name: string;
  updateStatus?: { state: string };
}

export type RolloutAct = 'resume' | 'rollback' | 'force';
type Act = RolloutAct;

const PAUSED = new Set(['paused', 'rollback_paused']);

const ASK: Record<Act, (name: string, state: string) => string> = {
  resume: (n, st) =>
    st === 'rollback_paused'
      ? `Resume the rollback of ${n}? The engine runs it again over the tasks not yet rolled back.`
      : `Resume the update of ${n}? The engine runs it again over the tasks not yet updated; as with docker, ${n}'s previous spec then becomes the current one, so a rollback afterwards has nowhere older to go.`,
  rollback: (n) => `Roll ${n} back to its previous spec (one level back)?`,
  force: (n) => `Replace every task of ${n}, even though its spec did not change?`,
};
const DONE: Record<Act, (name: string) => string> = {
  resume: (n) => `Resumed: the engine is running the update of ${n} again`,
  rollback: (n) => `Rolling ${n} back to its previous spec`,
  force: (n) => `Replacing every task of ${n} (force update)`,
};

/** what an action did (or why it did not), for the view to show */
export interface RolloutNoticeValue {
  ok: boolean;
  text: string;
  service: string;
}

export interface RolloutActionsProps {
  service: RolloutService;
  compact?: boolean;
  /** performs one action on the service (the view calls the api: components do not) */
  act: (act: RolloutAct, serviceId: string) => Promise<unknown>;
  /** the outcome of an action, or undefined when one starts */
  onNotice: (n: RolloutNoticeValue | undefined) => void;
}

export function RolloutActions({ service, compact, act: perform, onNotice }: RolloutActionsProps): ReactElement {
  const [confirm, setConfirm] = useState<Act>();
  const [busy, setBusy] = useState(false);
  const state = service.updateStatus?.state ?? '';

  const run = (act: Act): void => {
    setConfirm(undefined);
    setBusy(true);
    onNotice(undefined);
    const name = service.name;
    perform(act, service.id).then(
      () => {
        setBusy(false);
        onNotice({ ok: true, text: DONE[act](name), service: name });
      },
      (e: unknown) => {
        setBusy(false);
        onNotice({ ok: false, text: e instanceof Error ? e.message : String(e), service: name });
      },
    );
  };

  const button = (act: Act, label: string, title: string, primary = false): ReactElement => (
    <button className={`btn small${primary ? ' primary' : ''}`} disabled={busy} onClick={() => setConfirm(act)} title={title} data-testid={`rollout-${act}`}>
      {label}
    </button>
  );

  return (
    <div className={`rollout-actions${compact ? ' compact' : ''}`} data-testid="rollout-actions" data-service={service.name}>
      {PAUSED.has(state) && button('resume', state === 'rollback_paused' ? 'Resume rollback' : 'Resume update', 'run the paused update again (docker service update with no change)', true)}
      {button('rollback', 'Roll back', 'back to the previous spec')}
      {button('force', 'Force update', 'replace every task, even with no change')}
      {confirm && (
        <span className="rollout-confirm" role="alertdialog" aria-label={`confirm ${confirm}`}>
          <span>{ASK[confirm](service.name, state)}</span>
          <button className="btn small primary" onClick={() => run(confirm)} autoFocus data-testid="rollout-confirm">
            {confirm === 'resume' ? 'Resume' : confirm === 'rollback' ? 'Roll back' : 'Force update'}
          </button>
          <button className="btn small" onClick={() => setConfirm(undefined)}>
            Cancel
          </button>
        </span>
      )}
      {busy && <span className="spinner" aria-hidden="true" data-testid="rollout-busy" />}
    </div>
  );
}
