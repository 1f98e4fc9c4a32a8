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
/** what a resume answers (swarm.services.resume): the engine's state once it took it, and how many asks that took */
function resumeOutcome(r: unknown): { now: string; asked: number } {
  const o = (r && typeof r === 'object' ? r : {}) as { now?: unknown; asked?: unknown };
  return { now: typeof o.now === 'string' ? o.now : 'updating', asked: typeof o.asked === 'number' ? o.asked : 1 };
}

const DONE: Record<Act, (name: string, result: unknown) => string> = {
  resume: (n, r) => {
    const { now, asked } = resumeOutcome(r);
    if (now === '') return `Resumed: the engine found every task of ${n} already on the new spec, so it had nothing left to update`;
    const again = asked > 1 ? ` (it dropped the first ask while its paused run wound down, as it does for docker; Flotilla asked ${asked} times)` : '';
    return `Resumed: the engine is running the update of ${n} again${again}`;
  },
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
      (result) => {
        setBusy(false);
        onNotice({ ok: true, text: DONE[act](name, result), service: name });
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
