// What a rollout action did, shown where it stays after the update bar it was started from goes away (the engine
// may finish a resumed update, or a forced one, before anyone reads a note beside the bar). Hidden on dismiss,
// when the next action starts, or a minute later.
import { useEffect, type ReactElement } from 'react';
import type { RolloutNoticeValue } from './RolloutActions';
import './operate.css';

const SHOWN_MS = 60_000;

export function RolloutNotice({ notice, onDismiss }: { notice?: RolloutNoticeValue; onDismiss(): void }): ReactElement | null {
  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(onDismiss, SHOWN_MS);
    return () => clearTimeout(t);
  }, [notice, onDismiss]);
  if (!notice) return null;
  return (
    <div className={`rollout-notice ${notice.ok ? 'tone-ok' : 'tone-err'}`} role={notice.ok ? 'status' : 'alert'} data-testid="rollout-notice" data-service={notice.service}>
      <span>{notice.text}</span>
      <button className="btn small ghost" onClick={onDismiss} aria-label="dismiss">
        ×
      </button>
    </div>
  );
}
