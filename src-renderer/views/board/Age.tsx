// A live age label ("5s", "3m"): each label re-renders itself exactly when its text changes
// (every second under a minute, then at the next minute/hour/day), so the board never re-renders every card to move the clock.
import { useEffect, useReducer, type ReactElement } from 'react';
import { age } from '../../components/format';

// setTimeout's largest delay; longer waits are re-armed
const MAX_DELAY = 2_147_483_647;

/** ms from `nowMs` until age(fromMs, ·) shows a different text (age() rounds to whole seconds, so a change lands half a second before each threshold) */
export function nextAgeChange(fromMs: number, nowMs: number): number {
  const elapsed = nowMs - fromMs;
  const s = Math.max(0, Math.round(elapsed / 1000));
  const unit = s < 60 ? 1 : s < 3600 ? 60 : s < 86400 ? 3600 : 86400;
  const next = (Math.floor(s / unit) + 1) * unit;
  return Math.min(MAX_DELAY, Math.max(1, Math.ceil((next - 0.5) * 1000 - elapsed)));
}

/** re-renders the caller exactly when the age of `fromMs` changes its text; read Date.now() while rendering */
export function useAgeTick(fromMs: number): void {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    let t: ReturnType<typeof setTimeout>;
    const arm = (): void => {
      t = setTimeout(() => {
        bump();
        arm();
      }, nextAgeChange(fromMs, Date.now()));
    };
    arm();
    return () => clearTimeout(t);
  }, [fromMs]);
}

export function Age({ from, className }: { from: number; className?: string }): ReactElement {
  useAgeTick(from);
  return <span className={className}>{age(from, Date.now())}</span>;
}
