// Notification settings: desktop notifications on or off (asking the desktop's permission from this click, as
// browsers require), and a mute per kind. Both are remembered (localStorage, as the theme and the view are).
import type { ReactElement } from 'react';
import { ACTIVITY_KINDS, ACTIVITY_LABELS } from '../../../src-main/api/activity';
import { activityStore, useActivity } from '../../stores';

function permissionText(p: string, desktop: boolean): string {
  if (p === 'unsupported') return 'This window cannot show desktop notifications; the feed below still records everything.';
  if (p === 'denied') return "Desktop notifications are blocked for Flotilla. Allow them in the browser's site settings (or the system's notification settings), then reload.";
  if (!desktop) return 'Desktop notifications are off.';
  if (p === 'default') return 'Desktop notifications need your permission.';
  return 'Desktop notifications are on: bursts are folded into one (e.g. "20 tasks failed in web").';
}

export function ActivitySettings(): ReactElement {
  const muted = useActivity((s) => s.muted);
  const desktop = useActivity((s) => s.desktop);
  const permission = useActivity((s) => s.permission);
  const { setDesktop, setMuted } = activityStore.getState();
  const asking = desktop && permission === 'default';
  return (
    <section className="activity-settings" aria-label="notification settings" data-testid="activity-settings">
      <div className="activity-settings-row">
        <span data-testid="notify-status">{permissionText(permission, desktop)}</span>
        {permission !== 'unsupported' && permission !== 'denied' && (
          <button className={`btn small${asking ? ' primary' : ''}`} onClick={() => void setDesktop(asking ? true : !desktop)} data-testid="notify-toggle">
            {asking ? 'Allow desktop notifications' : desktop ? 'Turn off desktop notifications' : 'Turn on desktop notifications'}
          </button>
        )}
      </div>
      <fieldset className="activity-mutes" disabled={!desktop}>
        <legend>Notify me about</legend>
        {ACTIVITY_KINDS.map((k) => (
          <label className="check" key={k}>
            <input type="checkbox" checked={!muted[k]} onChange={(e) => setMuted(k, !e.target.checked)} data-testid={`mute-${k}`} />
            {ACTIVITY_LABELS[k]}
          </label>
        ))}
      </fieldset>
    </section>
  );
}
