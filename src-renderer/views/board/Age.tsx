// A live age label ("5s", "3m"): each label re-renders itself exactly when its text changes
// (every second under a minute, then at the next minute/hour/day), so the board never re-renders every card to move the clock;
// the labels share one clock, so those due together render and paint together.
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

// One clock for every label on the page. Each label's next change is rounded up to the next quarter second of the
// wall clock, and every label due by then re-renders in that one timer's task: React batches them into one render
// and the browser paints them in one frame. With a timer per label, a board of fresh tasks (ages in seconds, each
// at its own sub-second phase) drew a frame per label per second, and a task change arriving meanwhile waited for
// them. A label is at most a quarter second late.
const QUANTUM = 250;
const due = new Map<number, Set<() => void>>();
let timer: ReturnType<typeof setTimeout> | undefined;
let timerAt = Infinity;

function schedule(): void {
  let next = Infinity;
  for (const at of due.keys()) if (at < next) next = at;
  if (next === timerAt) return;
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
  timerAt = next;
  if (next === Infinity) return;
  timer = setTimeout(fire, Math.min(MAX_DELAY, Math.max(0, next - Date.now())));
}

function fire(): void {
  timer = undefined;
  timerAt = Infinity;
  const now = Date.now();
  const ready: Array<() => void> = [];
  for (const [at, callbacks] of due)
    if (at <= now) {
      due.delete(at);
      ready.push(...callbacks);
    }
  for (const cb of ready) cb();
  schedule();
}

/** runs `cb` once at `atMs` (ms since the epoch) or up to a quarter second after, with the other labels due then */
function at(atMs: number, cb: () => void): () => void {
  const slot = Math.ceil(atMs / QUANTUM) * QUANTUM;
  let callbacks = due.get(slot);
  if (!callbacks) due.set(slot, (callbacks = new Set()));
  callbacks.add(cb);
  if (slot < timerAt) schedule();
  return () => {
    const c = due.get(slot);
    if (!c?.delete(cb) || c.size > 0) return;
    due.delete(slot);
    if (slot === timerAt) schedule();
  };
}

/** re-renders the caller when the age of `fromMs` changes its text (at most a quarter second late); read Date.now() while rendering */
export function useAgeTick(fromMs: number): void {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    let cancel: () => void;
    const arm = (): void => {
      const now = Date.now();
      cancel = at(now + nextAgeChange(fromMs, now), () => {
        bump();
        arm();
      });
    };
    arm();
    return () => cancel();
  }, [fromMs]);
}

export function Age({ from, className }: { from: number; className?: string }): ReactElement {
  useAgeTick(from);
  return <span className={className}>{age(from, Date.now())}</span>;
}
